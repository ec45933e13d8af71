import type { ServerResponse } from 'node:http';
import { encodeStatus, ExportMetricsServiceResponse, ExportTraceServiceResponse } from './proto.js';

export type Encoding = 'protobuf' | 'json';
export type Signal = 'traces' | 'metrics';

export const CONTENT_TYPES: Record<Encoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** google.rpc.Code for each HTTP failure we send (the spec says clients may only record it). */
const RPC_CODES: Record<number, number> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  404: 12, // UNIMPLEMENTED
  405: 12,
  413: 8, // RESOURCE_EXHAUSTED
  415: 3,
  429: 8,
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};

/**
 * 200 with an Export*ServiceResponse in the request's encoding (OTLP/HTTP "Full Success" /
 * "Partial Success"): `partial_success` is set only when items were rejected. 64-bit counts are
 * decimal strings in JSON (proto3 JSON mapping).
 */
export function sendSuccess(
  res: ServerResponse,
  signal: Signal,
  encoding: Encoding,
  rejected: number,
  errorMessage: string,
): void {
  const field = signal === 'traces' ? 'rejectedSpans' : 'rejectedDataPoints';
  const partial = rejected > 0 ? { [field]: rejected, errorMessage } : undefined;
  let body: Uint8Array | string;
  if (encoding === 'json') {
    body = JSON.stringify(partial ? { partialSuccess: { [field]: String(rejected), errorMessage } } : {});
  } else {
    const codec = signal === 'traces' ? ExportTraceServiceResponse : ExportMetricsServiceResponse;
    body = codec.encode(partial ? { partialSuccess: partial } : {}).finish();
  }
  send(res, 200, encoding, body);
}

/**
 * A failure: the HTTP status with a google.rpc.Status body (OTLP/HTTP "Failures") in the
 * request's encoding, JSON when it was not one we speak.
 */
export function sendFailure(
  res: ServerResponse,
  status: number,
  encoding: Encoding,
  message: string,
  headers: Record<string, string> = {},
): void {
  const code = RPC_CODES[status] ?? 2;
  const body = encoding === 'json' ? JSON.stringify({ code, message }) : encodeStatus(code, message);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  send(res, status, encoding, body);
}

function send(res: ServerResponse, status: number, encoding: Encoding, body: Uint8Array | string): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader('Content-Type', CONTENT_TYPES[encoding]);
  res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  res.end(body);
}
