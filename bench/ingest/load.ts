/** The benchmark's load generator (its own process, pinned to another core by main.ts). */
import autocannon from 'autocannon';
import { readPayloads } from './payload-files.js';
import type { LoadOptions, LoadReport } from './protocol.js';

process.on('message', (options: LoadOptions) => {
  void (async () => {
    const requests = readPayloads(options.payloadDir).map((body) => ({
      method: 'POST',
      path: '/v1/traces',
      headers: { 'content-type': 'application/x-protobuf' },
      body,
    }));
    const result = await autocannon({
      url: options.url,
      connections: options.connections,
      duration: options.durationSeconds,
      requests,
      timeout: 30,
    });
    const report: LoadReport = {
      requests2xx: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      durationSeconds: result.duration,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      statusCodes: Object.fromEntries(
        Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
      ),
    };
    process.send!(report);
    process.disconnect();
  })();
});
