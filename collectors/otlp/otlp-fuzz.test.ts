import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpHarness, T0 } from '../testing/otlp-harness.js';
import {
  ExportMetricsServiceRequest,
  ExportTraceServiceRequest,
  ExportTraceServiceResponse,
} from './proto.js';

/**
 * Property tests: whatever arrives, the receiver answers 200 (possibly with partial success) or
 * a 4xx, never a 5xx, never crashes, and keeps serving. Fixed seeds keep runs reproducible.
 */
const SEED = 20260105;
const PB = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

let harness: OtlpHarness;
beforeAll(async () => {
  harness = new OtlpHarness({ otlp: { maxBodyBytes: 256 * 1024 } });
  await harness.start();
  harness.clock.set(T0 + 5_000);
});
afterAll(async () => {
  await harness.stop();
});

interface Attempt {
  path: string;
  contentType: string;
  encoding?: string;
  body: Uint8Array;
}

async function send(a: Attempt): Promise<void> {
  const res = await fetch(`${harness.otlpUrl}${a.path}`, {
    method: 'POST',
    headers: { 'content-type': a.contentType, ...(a.encoding ? { 'content-encoding': a.encoding } : {}) },
    body: a.body,
  });
  const body = Buffer.from(await res.arrayBuffer());
  expect(
    res.status === 200 || (res.status >= 400 && res.status < 500),
    `status ${res.status}: ${body.toString().slice(0, 200)}`,
  ).toBe(true);
  if (res.status === 200 && a.path === '/v1/traces') {
    if (res.headers.get('content-type') === JSON_TYPE) {
      const answer = JSON.parse(body.toString()) as {
        partialSuccess?: { rejectedSpans: string; errorMessage: string };
      };
      if (answer.partialSuccess) expect(Number(answer.partialSuccess.rejectedSpans)).toBeGreaterThan(0);
    } else {
      ExportTraceServiceResponse.decode(body);
    }
  }
}

function span(attributes: { key: string; value: unknown }[], extra: Record<string, unknown> = {}) {
  return {
    name: 'GET',
    kind: 3,
    startTimeUnixNano: String(BigInt(T0) * 1_000_000n),
    endTimeUnixNano: String(BigInt(T0 + 20) * 1_000_000n),
    attributes,
    ...extra,
  };
}

function request(spans: unknown[], service: unknown = { stringValue: 'svc' }) {
  return {
    resourceSpans: [
      { resource: { attributes: [{ key: 'service.name', value: service }] }, scopeSpans: [{ spans }] },
    ],
  };
}

const validProtobuf = Buffer.from(
  ExportTraceServiceRequest.encode(
    request([span([{ key: 'server.address', value: { stringValue: 'api.stripe.com' } }])]),
  ).finish(),
);

/** A span attribute whose AnyValue nests `depth` times through arrayValue, encoded by hand. */
function deepAnyValue(depth: number): Buffer {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    while (n > 127) {
      out.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.push(n);
    return out;
  };
  // Lengths inside out, then the prefixes outside in: O(depth) instead of re-copying each level.
  const innermost = [0x0a, 1, 0x78]; // AnyValue { stringValue: "x" }
  const prefixes: number[][] = [];
  let length = innermost.length;
  for (let i = 0; i < depth; i++) {
    const arrayValue = [0x0a, ...varint(length)]; // ArrayValue.values
    const anyValue = [0x2a, ...varint(arrayValue.length + length)]; // AnyValue.arrayValue
    prefixes.push(arrayValue, anyValue);
    length += arrayValue.length + anyValue.length;
  }
  const value = Buffer.from([...prefixes.reverse().flat(), ...innermost]);
  const wrap = (tag: number, inner: Buffer): Buffer =>
    Buffer.concat([Buffer.from([tag, ...varint(inner.length)]), inner]);
  const keyValue = Buffer.concat([wrap(0x0a, Buffer.from('deep')), wrap(0x12, value)]);
  const spanBytes = Buffer.concat([
    wrap(0x2a, Buffer.from('GET')),
    Buffer.from([0x30, 3]),
    wrap(0x4a, keyValue),
  ]);
  return wrap(0x0a, wrap(0x12, wrap(0x12, spanBytes)));
}

describe('OTLP receiver robustness', () => {
  it('random bytes as protobuf, JSON or gzip', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 4096 }),
        fc.constantFrom('/v1/traces', '/v1/metrics'),
        fc.constantFrom(PB, JSON_TYPE),
        fc.constantFrom(undefined, 'gzip'),
        async (body, path, contentType, encoding) =>
          send({ path, contentType, ...(encoding ? { encoding } : {}), body }),
      ),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('valid payloads truncated anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: validProtobuf.length }), fc.boolean(), async (cut, gzip) => {
        const body = validProtobuf.subarray(0, cut);
        await send({
          path: '/v1/traces',
          contentType: PB,
          body: gzip ? gzipSync(body).subarray(0, Math.max(1, cut)) : body,
          ...(gzip ? { encoding: 'gzip' } : {}),
        });
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('wrong content types and encodings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 60 }),
        fc.option(fc.string({ maxLength: 20 })),
        async (contentType, encoding) => {
          await send({
            path: '/v1/traces',
            contentType: contentType.replace(/[^\x20-\x7e]/g, '') || 'x',
            ...(encoding ? { encoding: encoding.replace(/[^\x21-\x7e]/g, '') || 'x' } : {}),
            body: validProtobuf,
          });
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('huge attribute values and invalid UTF-8', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 100_000 }),
        fc.constantFrom(
          'server.address',
          'url.template',
          'http.route',
          'url.full',
          'http.request.method',
          'service',
        ),
        fc.boolean(),
        async (length, key, asProtobuf) => {
          const huge = { stringValue: 'a'.repeat(length) };
          const spans = key === 'service' ? [span([])] : [span([{ key, value: huge }])];
          const message = request(spans, key === 'service' ? huge : undefined);
          let body: Uint8Array = asProtobuf
            ? ExportTraceServiceRequest.encode(message).finish()
            : Buffer.from(JSON.stringify(message));
          if (length % 3 === 0) {
            // Overwrite some of the letters with bytes that are not UTF-8.
            body = Buffer.from(body);
            const at = Buffer.from(body).indexOf('aaaa');
            if (at >= 0) body.set([0xff, 0xfe, 0xc3, 0x28], at);
          }
          await send({ path: '/v1/traces', contentType: asProtobuf ? PB : JSON_TYPE, body });
        },
      ),
      { seed: SEED, numRuns: 40 },
    );
  });

  it('deep nesting in protobuf and JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20_000 }), fc.boolean(), async (depth, asProtobuf) => {
        const body = asProtobuf
          ? deepAnyValue(depth)
          : Buffer.from(`{"resourceSpans":${'['.repeat(depth)}${']'.repeat(depth)}}`);
        await send({ path: '/v1/traces', contentType: asProtobuf ? PB : JSON_TYPE, body });
      }),
      { seed: SEED, numRuns: 30 },
    );
  });

  it('structurally random OTLP/JSON', async () => {
    const anyValue = fc.oneof(
      fc.anything(),
      fc.record({ stringValue: fc.anything() }),
      fc.record({ intValue: fc.oneof(fc.string(), fc.integer(), fc.anything()) }),
    );
    const randomSpan = fc.record(
      {
        kind: fc.oneof(fc.integer({ min: -2, max: 9 }), fc.anything()),
        startTimeUnixNano: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), fc.anything()),
        endTimeUnixNano: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), fc.anything()),
        attributes: fc.oneof(
          fc.array(
            fc.record({
              key: fc.constantFrom('server.address', 'http.response.status_code', 'url.full', 'x'),
              value: anyValue,
            }),
          ),
          fc.anything(),
        ),
        status: fc.anything(),
        events: fc.anything(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.array(randomSpan, { maxLength: 20 }), fc.anything()), async (spans) => {
        await send({
          path: '/v1/traces',
          contentType: JSON_TYPE,
          body: Buffer.from(JSON.stringify(request(Array.isArray(spans) ? spans : [spans])) ?? 'null'),
        });
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('random metrics payloads (JSON and protobuf)', async () => {
    const point = fc.record({
      count: fc.oneof(fc.nat().map(String), fc.anything()),
      sum: fc.oneof(fc.double(), fc.anything()),
      bucketCounts: fc.oneof(fc.array(fc.nat().map(String), { maxLength: 20 }), fc.anything()),
      explicitBounds: fc.oneof(fc.array(fc.double(), { maxLength: 19 }), fc.anything()),
      timeUnixNano: fc.constant(String(BigInt(T0) * 1_000_000n)),
      startTimeUnixNano: fc.constant(String(BigInt(T0 - 10_000) * 1_000_000n)),
    });
    const metric = fc.record({
      name: fc.constantFrom('http.client.request.duration', 'http.server.duration', 'other'),
      unit: fc.constantFrom('s', 'ms', '', 'furlong'),
      histogram: fc.record({
        aggregationTemporality: fc.integer({ min: 0, max: 3 }),
        dataPoints: fc.array(point, { maxLength: 5 }),
      }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(metric, { maxLength: 5 }), async (metrics) => {
        const message = { resourceMetrics: [{ resource: {}, scopeMetrics: [{ metrics }] }] };
        await send({
          path: '/v1/metrics',
          contentType: JSON_TYPE,
          body: Buffer.from(JSON.stringify(message)),
        });
        let pb: Uint8Array | undefined;
        try {
          pb = ExportMetricsServiceRequest.encode(message).finish();
        } catch {
          pb = undefined; // fast-check made something the encoder itself refuses
        }
        if (pb) await send({ path: '/v1/metrics', contentType: PB, body: pb });
      }),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('gzip bombs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 64 }), async (megabytes) => {
        await send({
          path: '/v1/traces',
          contentType: PB,
          encoding: 'gzip',
          body: gzipSync(Buffer.alloc(megabytes * 1024 * 1024)),
        });
      }),
      { seed: SEED, numRuns: 8 },
    );
  });

  it('still serves valid requests afterwards', async () => {
    const res = await fetch(`${harness.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': PB },
      body: validProtobuf,
    });
    expect(res.status).toBe(200);
  });
});
