import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logNormalMs } from './backfill.js';
import type { Degradation } from './scenario.js';

/**
 * One region of a fake third-party API: a local HTTP server that answers every request after a
 * log-normal delay around its median, with 503s at the current error ratio. `degradation()` is
 * asked per request, so the scenario can slow it down and make it fail.
 */
export class FakeProvider {
  private constructor(
    readonly name: string,
    private readonly server: Server,
  ) {}

  static async start(options: {
    name: string;
    medianMs: number;
    degradation: () => Degradation;
    random?: () => number;
  }): Promise<FakeProvider> {
    const random = options.random ?? Math.random;
    const server = createServer((req, res) => {
      req.resume();
      const { latencyFactor, errorRatio } = options.degradation();
      const delayMs = logNormalMs(random, options.medianMs * latencyFactor);
      const timer = setTimeout(() => {
        const failed = random() < errorRatio;
        res.writeHead(failed ? 503 : 200, { 'content-type': 'application/json' });
        res.end(failed ? '{"error":"upstream_unavailable"}' : '{"ok":true}');
      }, delayMs);
      res.on('close', () => clearTimeout(timer));
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new FakeProvider(options.name, server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
