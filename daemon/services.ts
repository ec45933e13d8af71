/**
 * Services one module offers to others, filled in as modules are built (registry order). Each
 * field is optional: a module that needs one checks and says clearly when it is missing.
 */
export interface Services {
  /** Set by the forecasting module. */
  forecasts?: unknown;
  /** Set by the detection module. */
  anomalies?: unknown;
  /** Set by the actuation module. */
  actuation?: unknown;
  /** Set by the alerts module. */
  alerts?: unknown;
}
