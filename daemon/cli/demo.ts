import { InvalidArgumentError } from 'commander';
import type { CliCommand } from './command.js';
import { EXIT } from './command.js';

function positive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

/**
 * `headroom demo`: the daemon on the embedded store (or InfluxDB), a simulated fleet exporting
 * OpenTelemetry traces to it, an injected provider incident and traffic surge, narrated from the
 * API. Runs until --duration elapses or Ctrl-C.
 */
export const demoCommand: CliCommand = {
  name: 'demo',
  register(program, run) {
    program
      .command('demo')
      .description('run Headroom against a simulated fleet with an injected incident and surge (dry-run)')
      .option(
        '--duration <seconds>',
        'stop after this long (default: run until Ctrl-C)',
        positive('--duration'),
      )
      .option(
        '--speed <factor>',
        'compress the scenario timeline (2 = twice as fast)',
        positive('--speed'),
        1,
      )
      .option(
        '--port <port>',
        'API and dashboard port (default 8080 if free, else any free port)',
        positive('--port'),
      )
      .option('--slack-webhook <url>', 'send incidents to this Slack incoming webhook (or SLACK_WEBHOOK_URL)')
      .option('--influx-url <url>', 'store in this InfluxDB 1.x instead of the embedded store')
      .option('--data-dir <dir>', 'keep the demo data here (default: a temp dir, deleted at exit)')
      .action(
        (opts: {
          duration?: number;
          speed: number;
          port?: number;
          slackWebhook?: string;
          influxUrl?: string;
          dataDir?: string;
        }) =>
          run(async () => {
            const { runDemo } = await import('../demo/run-demo.js');
            const slackWebhookUrl = opts.slackWebhook ?? (process.env.SLACK_WEBHOOK_URL || undefined);
            return runDemo({
              speed: opts.speed,
              ...(opts.duration !== undefined ? { durationSeconds: opts.duration } : {}),
              ...(opts.port !== undefined ? { apiPort: opts.port } : {}),
              ...(slackWebhookUrl ? { slackWebhookUrl } : {}),
              ...(opts.influxUrl ? { influxUrl: opts.influxUrl } : {}),
              ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
            });
          }),
      );
  },
};
export { EXIT };
