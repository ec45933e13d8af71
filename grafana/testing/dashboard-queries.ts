type Json = Record<string, unknown>;

/** One InfluxQL query found in a dashboard, with where it was found (for failure messages). */
export interface DashboardQuery {
  /** e.g. `panel 3 "Request rate" target B`, `variable provider`, `annotation "…" (target)`. */
  where: string;
  query: string;
  /** The panel's min interval (`interval`), for Grafana's $__interval; undefined elsewhere. */
  minInterval?: string;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/**
 * Every InfluxQL query a dashboard runs: panel targets (rows' nested panels included, hidden
 * targets skipped), template variable queries (string or `{ query }` form) and annotation queries
 * (Grafana 10's `target.query` and the legacy top-level `query`). Panels whose datasource is not
 * InfluxDB, or targets that are not raw InfluxQL, are reported as errors: the test must not
 * silently skip a query it cannot run.
 */
export function dashboardQueries(dashboard: Json): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const panels = (items: unknown): void => {
    for (const panel of list(items)) {
      panels(panel.panels);
      const title = `panel ${String(panel.id)} "${String(panel.title)}"`;
      for (const target of list(panel.targets)) {
        if (target.hide === true) continue;
        if (target.rawQuery !== true || typeof target.query !== 'string') {
          throw new Error(`${title} target ${String(target.refId)} is not a raw InfluxQL query`);
        }
        out.push({
          where: `${title} target ${String(target.refId)}`,
          query: target.query,
          ...(typeof panel.interval === 'string' ? { minInterval: panel.interval } : {}),
        });
      }
    }
  };
  panels(dashboard.panels);

  const templating = isObject(dashboard.templating) ? dashboard.templating : {};
  for (const variable of list(templating.list)) {
    if (variable.type !== 'query') continue;
    const query = isObject(variable.query) ? variable.query.query : variable.query;
    if (typeof query !== 'string') throw new Error(`variable ${String(variable.name)} has no query`);
    out.push({ where: `variable ${String(variable.name)}`, query });
  }

  const annotations = isObject(dashboard.annotations) ? dashboard.annotations : {};
  for (const annotation of list(annotations.list)) {
    if (annotation.builtIn === 1) continue;
    const name = `annotation "${String(annotation.name)}"`;
    const target = isObject(annotation.target) ? annotation.target : undefined;
    if (typeof target?.query === 'string') out.push({ where: `${name} (target)`, query: target.query });
    if (typeof annotation.query === 'string')
      out.push({ where: `${name} (legacy)`, query: annotation.query });
    if (typeof target?.query !== 'string' && typeof annotation.query !== 'string') {
      throw new Error(`${name} has no InfluxQL query`);
    }
  }
  return out;
}

/** The multi-value variables a dashboard defines, as the interpolation needs them. */
export interface DashboardVariable {
  name: string;
  multi: boolean;
  includeAll: boolean;
  allValue: string | undefined;
}

export function dashboardVariables(dashboard: Json): DashboardVariable[] {
  const templating = isObject(dashboard.templating) ? dashboard.templating : {};
  return list(templating.list).map((v) => ({
    name: String(v.name),
    multi: v.multi === true,
    includeAll: v.includeAll === true,
    allValue: typeof v.allValue === 'string' && v.allValue !== '' ? v.allValue : undefined,
  }));
}
