import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The protobuf codecs for OTLP: the protobufjs static code (pbjs `static-module`, generated from
 * opentelemetry-proto) that `@opentelemetry/otlp-transformer@0.214.0` ships, installed under the
 * npm alias `otlp-proto` so it stays pinned apart from the SDK's own copy.
 *
 * Why this one: it is generated code from the official .proto files (no hand-written parser),
 * decodes ~830k spans/s here (STACK.md), and lets the rollup walk decoded messages directly
 * instead of converting them with `toObject` (~310k spans/s). Only otlp-transformer 0.210–0.214
 * ship these decoders (STACK.md), hence the exact pin.
 *
 * The file is CommonJS and not a public entry point, so it is loaded with createRequire from an
 * absolute path (resolved through the package's package.json, which every exports map allows).
 */
const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('otlp-proto/package.json'));
const generatedPath = join(packageDir, 'build', 'src', 'generated', 'root.js');

interface Codec {
  decode(input: Uint8Array): unknown;
  encode(message: object): { finish(): Uint8Array };
}

/** protobufjs' Writer, from the same protobufjs instance the generated code uses. */
interface ProtoWriter {
  uint32(value: number): ProtoWriter;
  int32(value: number): ProtoWriter;
  string(value: string): ProtoWriter;
  finish(): Uint8Array;
}

interface GeneratedRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: Codec; ExportTraceServiceResponse: Codec } };
        metrics: { v1: { ExportMetricsServiceRequest: Codec; ExportMetricsServiceResponse: Codec } };
      };
    };
  };
}

const root = require(generatedPath) as GeneratedRoot;
const protobuf = createRequire(generatedPath)('protobufjs/minimal') as { Writer: { create(): ProtoWriter } };

const collector = root.opentelemetry.proto.collector;

export const ExportTraceServiceRequest = collector.trace.v1.ExportTraceServiceRequest;
export const ExportTraceServiceResponse = collector.trace.v1.ExportTraceServiceResponse;
export const ExportMetricsServiceRequest = collector.metrics.v1.ExportMetricsServiceRequest;
export const ExportMetricsServiceResponse = collector.metrics.v1.ExportMetricsServiceResponse;

/**
 * Encodes a `google.rpc.Status` { code = 1 (int32), message = 2 (string) } with protobufjs'
 * Writer: the generated root does not include google/rpc/status.proto, and the OTLP/HTTP
 * failure body is this two-field message (details omitted).
 */
export function encodeStatus(code: number, message: string): Uint8Array {
  const writer = protobuf.Writer.create();
  if (code !== 0) writer.uint32((1 << 3) | 0).int32(code);
  if (message !== '') writer.uint32((2 << 3) | 2).string(message);
  return writer.finish();
}
