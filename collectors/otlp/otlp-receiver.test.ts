import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { HeadroomError } from '../../core/errors.js';
import type { MemoryStore } from '../testing/memory-store.js';
import { OtlpHarness, T0 } from '../testing/otlp-harness.js';
import { ExportTraceServiceRequest, ExportTraceServiceResponse } from './proto.js';

const PB = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

function clientSpan(endMs: number, status = 200) {
  return {
    name: 'GET',
    kind: 3,
    startTimeUnixNano: String(BigInt(endMs - 20) * 1_000_000n),
    endTimeUnixNano: String(BigInt(endMs) * 1_000_000n),
    attributes: [
      { key: 'server.address', value: { stringValue: 'api.stripe.com' } },
      { key: 'http.response.status_code', value: { intValue: status } },
    ],
  };
}

function traces(spans: unknown[]) {
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] };
}

function protobuf(spans: ReturnType<typeof clientSpan>[]): Buffer {
  return Buffer.from(ExportTraceServiceRequest.encode(traces(spans)).finish());
}

/** Decodes a google.rpc.Status {code = 1, message = 2} by hand, to check what we encode. */
function decodeStatus(bytes: Uint8Array): { code: number; message: string } {
  let i = 0;
  let code = 0;
  let message = '';
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[i++]!;
      v |= (b & 0x7f) << shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  };
  while (i < bytes.length) {
    const tag = varint();
    if (tag === 8) code = varint();
    else if (tag === 18) {
      const len = varint();
      message = Buffer.from(bytes.subarray(i, i + len)).toString('utf8');
      i += len;
    } else throw new Error(`unexpected tag ${tag}`);
  }
  return { code, message };
}

interface Reply {
  status: number;
  headers: Headers;
  body: Buffer;
}

async function post(
  url: string,
  body: Buffer | string,
  headers: Record<string, string>,
  method = 'POST',
): Promise<Reply> {
  const res = await fetch(url, { method, headers, ...(method === 'GET' ? {} : { body }) });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe('OtlpReceiver (OTLP/HTTP)', () => {
  let harness: OtlpHarness;
  afterEach(async () => {
    await harness.stop();
  });

  async function start(options: ConstructorParameters<typeof OtlpHarness>[0] = {}): Promise<string> {
    harness = new OtlpHarness(options);
    await harness.start();
    return harness.otlpUrl;
  }

  it('answers 200 with an empty ExportTraceServiceResponse in the request encoding', async () => {
    const url = await start();
    const pb = await post(`${url}/v1/traces`, protobuf([clientSpan(T0 + 1_000)]), { 'content-type': PB });
    expect(pb.status).toBe(200);
    expect(pb.headers.get('content-type')).toBe(PB);
    expect(pb.body.length).toBe(0);
    const json = await post(`${url}/v1/traces`, JSON.stringify(traces([clientSpan(T0 + 1_000)])), {
      'content-type': `${JSON_TYPE}; charset=utf-8`,
    });
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe(JSON_TYPE);
    expect(JSON.parse(json.body.toString())).toEqual({});
    await harness.flushThrough(T0 + 1_000);
    expect((harness.store as MemoryStore).all().reduce((n, p) => n + p.count, 0)).toBe(2);
  });

  it('treats an empty request as success', async () => {
    const url = await start();
    expect((await post(`${url}/v1/traces`, Buffer.alloc(0), { 'content-type': PB })).status).toBe(200);
    expect((await post(`${url}/v1/metrics`, '{}', { 'content-type': JSON_TYPE })).status).toBe(200);
  });

  it('accepts gzip bodies', async () => {
    const url = await start();
    const res = await post(`${url}/v1/traces`, gzipSync(protobuf([clientSpan(T0 + 1_000)])), {
      'content-type': PB,
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
  });

  it('reports rejected spans as partial success (protobuf)', async () => {
    const url = await start({ rollup: { maxLateMs: 60_000 } });
    harness.clock.set(T0 + 3_600_000);
    const res = await post(
      `${url}/v1/traces`,
      protobuf([clientSpan(T0 + 3_600_000), clientSpan(T0), clientSpan(T0 + 1)]),
      { 'content-type': PB },
    );
    expect(res.status).toBe(200);
    const answer = ExportTraceServiceResponse.decode(res.body) as {
      partialSuccess: { rejectedSpans: { low: number }; errorMessage: string };
    };
    expect(Number(answer.partialSuccess.rejectedSpans.low)).toBe(2);
    expect(answer.partialSuccess.errorMessage).toContain('2 spans older than the rollup accepts');
  });

  const failures: {
    name: string;
    maxBodyBytes?: number;
    path?: string;
    method?: string;
    headers: Record<string, string>;
    body?: Buffer | string;
    status: number;
    message: string;
  }[] = [
    {
      name: 'unknown path',
      path: '/v1/logs',
      headers: { 'content-type': PB },
      status: 404,
      message: 'no OTLP endpoint',
    },
    { name: 'wrong method', method: 'GET', headers: {}, status: 405, message: 'POST' },
    {
      name: 'other content type',
      headers: { 'content-type': 'text/plain' },
      status: 415,
      message: 'Content-Type',
    },
    {
      name: 'other content encoding',
      headers: { 'content-type': PB, 'content-encoding': 'br' },
      status: 415,
      message: 'Content-Encoding br',
    },
    {
      name: 'undecodable protobuf',
      headers: { 'content-type': PB },
      body: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]),
      status: 400,
      message: 'cannot decode the protobuf body',
    },
    {
      name: 'undecodable JSON',
      headers: { 'content-type': JSON_TYPE },
      body: '{"resourceSpans": [',
      status: 400,
      message: 'cannot decode the OTLP/JSON body',
    },
    {
      name: 'corrupt gzip',
      headers: { 'content-type': PB, 'content-encoding': 'gzip' },
      body: Buffer.from('not gzip at all'),
      status: 400,
      message: 'gzip',
    },
    {
      name: 'body over the limit',
      headers: { 'content-type': PB },
      body: Buffer.alloc(4096, 1),
      status: 413,
      message: 'exceeds 2048 bytes',
    },
    {
      name: 'gzip bomb',
      maxBodyBytes: 65_536,
      headers: { 'content-type': PB, 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(10 * 1024 * 1024)),
      status: 413,
      message: 'decompressed body exceeds',
    },
  ];

  it.each(failures)(
    '$name → $status with a Status body',
    async ({ maxBodyBytes, path, method, headers, body, status, message }) => {
      const url = await start({ otlp: { maxBodyBytes: maxBodyBytes ?? 2048 } });
      const res = await post(`${url}${path ?? '/v1/traces'}`, body ?? Buffer.alloc(0), headers, method);
      expect(res.status).toBe(status);
      const parsed =
        res.headers.get('content-type') === PB
          ? decodeStatus(res.body)
          : (JSON.parse(res.body.toString()) as { message: string });
      expect(parsed.message).toContain(message);
      if (status === 405) expect(res.headers.get('allow')).toBe('POST');
    },
  );

  it('refuses a chunked body as soon as it passes the limit', async () => {
    const url = await start({ otlp: { maxBodyBytes: 1024 } });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': PB } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(512, 1));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('requires the bearer token when one is configured', async () => {
    const url = await start({ otlp: { bearerToken: 'a-long-secret-token-1234' } });
    const body = protobuf([clientSpan(T0 + 1)]);
    expect((await post(`${url}/v1/traces`, body, { 'content-type': PB })).status).toBe(401);
    const wrong = await post(`${url}/v1/traces`, body, {
      'content-type': PB,
      authorization: 'Bearer a-long-secret-token-1235',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect(wrong.body.toString()).not.toContain('a-long-secret');
    expect(
      (
        await post(`${url}/v1/traces`, body, {
          'content-type': PB,
          authorization: 'Bearer a-long-secret-token-1234',
        })
      ).status,
    ).toBe(200);
  });

  it('sheds load with 503 and Retry-After while the spool is full, then recovers', async () => {
    const url = await start({ rollup: { graceMs: 0 } });
    const store = harness.store as MemoryStore;
    expect(
      (await post(`${url}/v1/traces`, protobuf([clientSpan(T0 + 1)]), { 'content-type': PB })).status,
    ).toBe(200);
    store.failWith = new HeadroomError('spool_full', 'spool is full', { retryable: true });
    await harness.flushThrough(T0);
    const shed = await post(`${url}/v1/traces`, protobuf([clientSpan(harness.clock.now())]), {
      'content-type': PB,
    });
    expect(shed.status).toBe(503);
    expect(Number(shed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(decodeStatus(shed.body).message).toContain('spool is full');
    store.failWith = undefined;
    harness.clock.advance(60_000);
    await harness.collector.rollup.flushDue();
    expect(
      (await post(`${url}/v1/traces`, protobuf([clientSpan(harness.clock.now())]), { 'content-type': PB }))
        .status,
    ).toBe(200);
    expect(store.all().reduce((n, p) => n + p.count, 0)).toBe(1);
  });

  it('answers 429 when maxInFlightBytes are held by other requests, and lets one big request through alone', async () => {
    const url = await start({ otlp: { maxInFlightBytes: 1024 } });
    const big = protobuf(Array.from({ length: 40 }, (_, i) => clientSpan(T0 + i)));
    expect(big.length).toBeGreaterThan(1024);
    expect((await post(`${url}/v1/traces`, big, { 'content-type': PB })).status).toBe(200);
    const held = request(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': PB, 'content-length': '100' },
    });
    held.on('error', () => undefined);
    held.write(Buffer.alloc(10));
    await new Promise((r) => setTimeout(r, 50));
    const res = await post(`${url}/v1/traces`, big, { 'content-type': PB });
    expect(res.status).toBe(429);
    expect(decodeStatus(res.body).message).toContain('bytes in flight');
    held.destroy();
  });

  it('answers 429 with Retry-After beyond maxConcurrentRequests', async () => {
    const url = await start({ otlp: { maxConcurrentRequests: 1 } });
    // Hold one request open mid-body.
    const held = request(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': PB, 'content-length': '100' },
    });
    held.on('error', () => undefined);
    held.write(Buffer.alloc(10));
    await new Promise((r) => setTimeout(r, 50));
    const res = await post(`${url}/v1/traces`, protobuf([clientSpan(T0 + 1)]), { 'content-type': PB });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    held.destroy();
  });
});
