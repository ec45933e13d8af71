/**
 * The demo's world: two services calling three fake third-party APIs, their daily-shaped load
 * (one compressed "day" every few minutes), and the timeline of what goes wrong. The fleet
 * (live traffic) and the backfill (history) both read it, so history and live data agree.
 */

const DAY_MS = 86_400_000;

/** One kind of outbound call a service makes per inbound request. */
export interface CallSpec {
  /** Provider key in PROVIDERS. */
  provider: ProviderName;
  method: 'GET' | 'POST';
  /** `url.template` of the call (the endpoint tag). */
  template: string;
  /** Concrete path sent (ids filled in). */
  path: string;
  /** Calls per inbound request (fractions are probabilities). */
  perRequest: number;
}

export interface ServiceSpec {
  name: 'checkout' | 'feed';
  /** Inbound route and method of the service. */
  route: string;
  method: 'GET' | 'POST';
  /** Inbound requests per second at the middle of the day shape. */
  baseRatePerSecond: number;
  /** Own work per request besides the outbound calls. */
  selfMs: number;
  calls: CallSpec[];
}

export type ProviderName = 'payments' | 'messaging' | 'storage';

/** A fake third-party API: its host name (server.address) and regions with their latency. */
export interface ProviderSpec {
  host: string;
  regions: { name: string; medianMs: number; share: number }[];
  errorRatio: number;
}

export const PROVIDERS: Readonly<Record<ProviderName, ProviderSpec>> = {
  payments: {
    host: 'api.stripe.test',
    regions: [
      { name: 'us-east', medianMs: 120, share: 0.8 },
      { name: 'eu-west', medianMs: 160, share: 0.2 },
    ],
    errorRatio: 0.001,
  },
  messaging: {
    host: 'api.twilio.test',
    regions: [{ name: 'us-east', medianMs: 180, share: 1 }],
    errorRatio: 0.003,
  },
  storage: {
    host: 'storage.s3.test',
    regions: [{ name: 'us-east', medianMs: 60, share: 1 }],
    errorRatio: 0.001,
  },
};

export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'checkout',
    route: '/cart/checkout',
    method: 'POST',
    baseRatePerSecond: 8,
    selfMs: 10,
    calls: [
      {
        provider: 'payments',
        method: 'GET',
        template: '/v1/prices/{id}',
        path: '/v1/prices/price_42',
        perRequest: 1,
      },
      {
        provider: 'payments',
        method: 'POST',
        template: '/v1/payment_intents',
        path: '/v1/payment_intents',
        perRequest: 1,
      },
      {
        provider: 'messaging',
        method: 'POST',
        template: '/v1/messages',
        path: '/v1/messages',
        perRequest: 0.3,
      },
    ],
  },
  {
    name: 'feed',
    route: '/feed',
    method: 'GET',
    baseRatePerSecond: 6,
    selfMs: 10,
    calls: [
      {
        provider: 'storage',
        method: 'GET',
        template: '/v1/objects/{key}',
        path: '/v1/objects/img-7',
        perRequest: 2,
      },
      { provider: 'messaging', method: 'POST', template: '/v1/push', path: '/v1/push', perRequest: 0.1 },
    ],
  },
];

/** Offsets from the demo start, in seconds at speed 1. */
const TIMELINE_S = {
  incidentStart: 30,
  incidentEnd: 80,
  surgeStart: 200,
  surgeEnd: 260,
  end: 330,
} as const;

/** How a provider region behaves now: latency multiplier and error ratio. */
export interface Degradation {
  latencyFactor: number;
  errorRatio: number;
}

/**
 * The demo's timeline, compressed by `speed`: the compressed day, the checkout surge (anchored at
 * `anchorMs`, the end of the backfilled history: it also happened at this time of day on the
 * previous days, a daily promotion, which is what lets a forecaster see it coming) and the
 * payments incident in the primary region (anchored at `startMs`, when the fleet starts
 * exporting, which may be later than planned when the daemon is slow to start; history has no
 * incident).
 */
export class Scenario {
  /** Length of one compressed "day" (divides 24 h, so yesterday has the same phase). */
  readonly dayMs: number;
  readonly incident: { fromMs: number; toMs: number; provider: ProviderName; region: string };
  readonly surge: { fromMs: number; toMs: number; service: ServiceSpec['name']; factor: number };
  readonly endMs: number;

  constructor(
    readonly anchorMs: number,
    readonly speed = 1,
    readonly startMs = anchorMs,
  ) {
    const at = (s: number) => startMs + Math.round((s * 1000) / speed);
    const fromAnchor = (s: number) => anchorMs + Math.round((s * 1000) / speed);
    const cycles = Math.max(1, Math.round(DAY_MS / (240_000 / speed)));
    this.dayMs = DAY_MS / cycles;
    this.incident = {
      fromMs: at(TIMELINE_S.incidentStart),
      toMs: at(TIMELINE_S.incidentEnd),
      provider: 'payments',
      region: 'us-east',
    };
    this.surge = {
      fromMs: fromAnchor(TIMELINE_S.surgeStart),
      toMs: fromAnchor(TIMELINE_S.surgeEnd),
      service: 'checkout',
      factor: 3,
    };
    this.endMs = Math.max(at(TIMELINE_S.end), fromAnchor(TIMELINE_S.end));
  }

  /** Inbound requests per second of `service` at `timeMs` (history and live alike). */
  ratePerSecond(service: ServiceSpec, timeMs: number): number {
    const phase = (2 * Math.PI * (timeMs % this.dayMs)) / this.dayMs;
    const shape = 1 + 0.35 * Math.sin(phase);
    return service.baseRatePerSecond * shape * this.surgeFactor(service.name, timeMs);
  }

  /** The daily surge: now, and at the same time on earlier days. */
  surgeFactor(service: ServiceSpec['name'], timeMs: number): number {
    if (service !== this.surge.service) return 1;
    const sinceMs = (((timeMs - this.surge.fromMs) % DAY_MS) + DAY_MS) % DAY_MS;
    return sinceMs < this.surge.toMs - this.surge.fromMs ? this.surge.factor : 1;
  }

  /** Injected degradation of a provider region at `timeMs` (only live: history was healthy). */
  degradation(provider: ProviderName, region: string, timeMs: number): Degradation {
    const i = this.incident;
    if (provider === i.provider && region === i.region && timeMs >= i.fromMs && timeMs < i.toMs) {
      return { latencyFactor: 6, errorRatio: 0.3 };
    }
    return { latencyFactor: 1, errorRatio: PROVIDERS[provider].errorRatio };
  }
}
