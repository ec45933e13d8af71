import { statusOutcome } from '../status-class.js';
import type { CallTagger } from '../call-tagger.js';
import type { ErrorSampler } from '../error-sampler.js';
import { normalizeMethod } from '../http-method.js';
import { DROPPED_TOO_OLD, type Rollup } from '../rollup.js';
import { CallAttributes } from './call-attributes.js';
import { IngestTally } from './ingest-tally.js';
import { readResource } from './resource.js';
import { anyValueString, durationMs, listOf, nanosToMs } from './values.js';

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_CODE_ERROR = 2;

export interface TraceMapperOptions {
  rollup: Rollup;
  tagger: CallTagger;
  errors: ErrorSampler;
  maxTagValueLength: number;
}

/**
 * Rolls up an ExportTraceServiceRequest (protobufjs message or parsed OTLP/JSON, walked directly
 * without `toObject`): CLIENT spans are calls to third-party APIs (`api_calls`), SERVER spans
 * the service's own load (`inbound`); other kinds are accepted and ignored. Duration is end −
 * start; the span counts at its end time. Errors follow status-class.ts; error spans publish
 * their status message or `exception.message` as error samples.
 *
 * Rejected (reported in partial_success): spans that are not objects, have unreadable or
 * reversed timestamps, carry a tag value longer than `maxTagValueLength`, or are older than
 * the rollup accepts.
 */
export class TraceMapper {
  private readonly attrs = new CallAttributes();

  constructor(private readonly options: TraceMapperOptions) {}

  map(request: unknown, nowMs: number): IngestTally {
    const { rollup, tagger, errors, maxTagValueLength } = this.options;
    const tally = new IngestTally();
    const attrs = this.attrs;
    const resourceSpans = listOf((request as { resourceSpans?: unknown } | null)?.resourceSpans);
    for (let r = 0; r < resourceSpans.length; r++) {
      const rs = resourceSpans[r] as { resource?: unknown; scopeSpans?: unknown } | null;
      if (typeof rs !== 'object' || rs === null) continue;
      const { service, region } = readResource(rs.resource);
      const serviceTooLong = service.length > maxTagValueLength || region.length > maxTagValueLength;
      const scopeSpans = listOf(rs.scopeSpans);
      for (let s = 0; s < scopeSpans.length; s++) {
        const spans = listOf((scopeSpans[s] as { spans?: unknown } | null)?.spans);
        for (let i = 0; i < spans.length; i++) {
          tally.received++;
          const span = spans[i] as SpanLike | null;
          if (typeof span !== 'object' || span === null) {
            tally.reject('spans that are not objects');
            continue;
          }
          const kind = spanKind(span.kind);
          if (kind !== SPAN_KIND_CLIENT && kind !== SPAN_KIND_SERVER) {
            tally.ignored++;
            continue;
          }
          const duration = durationMs(span.startTimeUnixNano, span.endTimeUnixNano);
          if (!(duration >= 0)) {
            tally.reject('spans with missing, unreadable or reversed start/end times');
            continue;
          }
          attrs.read(span.attributes);
          const client = kind === SPAN_KIND_CLIENT;
          const provider = client ? tagger.provider(attrs.host(), attrs.peerService()) : '';
          const template = attrs.template();
          const endpoint = template !== '' ? template : tagger.endpoint('', attrs.path());
          if (attrs.calleeRegion().length > maxTagValueLength) {
            tally.reject(`spans with a service, host or route longer than ${maxTagValueLength} characters`);
            continue;
          }
          if (serviceTooLong || provider.length > maxTagValueLength || endpoint.length > maxTagValueLength) {
            tally.reject(`spans with a service, host or route longer than ${maxTagValueLength} characters`);
            continue;
          }
          const spanError = statusCode(span.status) === STATUS_CODE_ERROR || attrs.errorType() !== '';
          const outcome = statusOutcome(attrs.status(), spanError);
          const endMs = nanosToMs(span.endTimeUnixNano);
          const recorded = rollup.record(
            client ? 'api_calls' : 'inbound',
            service,
            provider,
            endpoint,
            normalizeMethod(attrs.method()),
            (client && attrs.calleeRegion()) || region,
            outcome.statusClass,
            endMs,
            nowMs,
            duration,
            outcome.isError,
          );
          if (recorded === DROPPED_TOO_OLD) {
            tally.reject('spans older than the rollup accepts (collectors.rollup.maxLateMs)');
            continue;
          }
          if (outcome.isError && errors.wants(nowMs)) {
            const text = errorText(span);
            if (text !== '')
              errors.publish(endMs, provider ? { service, provider, endpoint } : { service, endpoint }, text);
          }
        }
      }
    }
    return tally;
  }
}

interface SpanLike {
  kind?: unknown;
  startTimeUnixNano?: unknown;
  endTimeUnixNano?: unknown;
  attributes?: unknown;
  status?: unknown;
  events?: unknown;
}

/** Span kind as an integer; OTLP/JSON must use integers, enum names are tolerated. */
function spanKind(kind: unknown): number {
  if (typeof kind === 'number') return kind;
  if (kind === 'SPAN_KIND_CLIENT') return SPAN_KIND_CLIENT;
  if (kind === 'SPAN_KIND_SERVER') return SPAN_KIND_SERVER;
  return 0;
}

function statusCode(status: unknown): number {
  if (typeof status !== 'object' || status === null) return 0;
  const code = (status as { code?: unknown }).code;
  if (typeof code === 'number') return code;
  return code === 'STATUS_CODE_ERROR' ? STATUS_CODE_ERROR : 0;
}

/** The span status message, else the first `exception` event's message (or type). */
function errorText(span: SpanLike): string {
  const message = (span.status as { message?: unknown } | null | undefined)?.message;
  if (typeof message === 'string' && message !== '') return message;
  const events = listOf(span.events);
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as { name?: unknown; attributes?: unknown } | null;
    if (event?.name !== 'exception') continue;
    let type = '';
    for (const kv of listOf(event.attributes)) {
      const { key, value } = (kv ?? {}) as { key?: unknown; value?: unknown };
      if (key === 'exception.message') {
        const text = anyValueString(value);
        if (text !== '') return text;
      } else if (key === 'exception.type') type = anyValueString(value);
    }
    if (type !== '') return type;
  }
  return '';
}
