/**
 * Alerts benchmark: the costs that sit on hot or durable paths.
 * - ErrorTemplateCollector.publish (collectors call it per error span): messages/s.
 * - summarize + checkNumbers per incident (every tick with a message due).
 * - Outbox enqueue + acknowledge with SQLite synchronous=FULL (each is an fsync'd transaction).
 * Run: npm run bench:alerts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '../../core/clock.js';
import { errorTemplatesConfigSchema } from '../../alerts/config.js';
import { OutboxStore } from '../../alerts/outbox/outbox-store.js';
import { ErrorTemplateCollector } from '../../alerts/summary/error-templates.js';
import { checkNumbers } from '../../alerts/summary/number-checker.js';
import { summarize } from '../../alerts/summary/summarizer.js';
import { incidentFixtures, seededRandom } from '../../alerts/testing/incident-fixtures.js';
import { sampleNotification } from '../../alerts/testing/notifications.js';
import { runFixture } from '../../alerts/testing/run-fixture.js';

function time<T>(fn: () => T): { result: T; ms: number } {
  const start = process.hrtime.bigint();
  const result = fn();
  return { result, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

console.log(
  `load average (1/5/15 min): ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}`,
);

// 1. Template mining.
const random = seededRandom(42);
const shapes = [
  (i: number) => `card_declined for customer cus_${(i * 7919).toString(36)}Xk`,
  (i: number) => `503 Service Unavailable from api.twilio.com (request ${(i * 104729).toString(16)}ab)`,
  (i: number) => `connect ETIMEDOUT 10.0.${i % 256}.${(i * 7) % 256}:443`,
  (i: number) => `rate_limit exceeded for key rk_live_${(i * 31).toString(36)}a9`,
  (i: number) => `upstream returned 502 after ${100 + (i % 900)}ms on shard ${i % 17}`,
  (i: number) =>
    `user u${i % 5000} not allowed to access tenant t${i % 300} resource ${['orders', 'invoices', 'refunds'][i % 3]}`,
];
const messages = Array.from({ length: 200_000 }, (_, i) => shapes[Math.floor(random() * shapes.length)]!(i));
const clock = new FakeClock();
const collector = new ErrorTemplateCollector(
  errorTemplatesConfigSchema.parse({ maxSamplesPerSecond: 1_000_000, maxSamples: 20_000 }),
  clock,
);
const tags = { provider: 'stripe', service: 'checkout' };
const mined = time(() => {
  for (let i = 0; i < messages.length; i++)
    collector.publish({ timeMs: clock.now(), tags, message: messages[i]! });
});
console.log(
  `template miner: ${messages.length} messages in ${mined.ms.toFixed(0)} ms = ${Math.round(
    messages.length / (mined.ms / 1000),
  )} messages/s (${((mined.ms * 1000) / messages.length).toFixed(2)} µs each); ${collector.stats().templates} templates`,
);
const top = time(() => collector.top({ provider: 'stripe' }, 0, Number.MAX_SAFE_INTEGER));
console.log(`top templates over a full ring of 20,000 samples: ${top.ms.toFixed(2)} ms`);

// 2. Summaries and the number check.
const facts = incidentFixtures().flatMap((f) => runFixture(f).notices.map((n) => n.facts));
const rounds = 2_000;
const summaries = time(() => {
  for (let r = 0; r < rounds; r++) for (const f of facts) summarize(f);
});
const perSummaryUs = (summaries.ms * 1000) / (rounds * facts.length);
const checks = time(() => {
  for (let r = 0; r < rounds; r++) for (const f of facts) checkNumbers(summarize(f).body, f);
});
const perCheckUs = (checks.ms * 1000) / (rounds * facts.length) - perSummaryUs;
console.log(
  `summarize: ${perSummaryUs.toFixed(1)} µs per incident; checkNumbers: ${perCheckUs.toFixed(1)} µs per summary`,
);

// 3. Durable outbox bookkeeping.
const dir = mkdtempSync(join(tmpdir(), 'headroom-bench-outbox-'));
try {
  const store = new OutboxStore(join(dir, 'outbox.sqlite'));
  const n = 500;
  const enqueue = time(() => {
    for (let i = 0; i < n; i++)
      store.enqueue(
        [{ id: `m${i}`, notifier: 'slack', notification: sampleNotification({ id: `m${i}` }) }],
        i,
      );
  });
  const ack = time(() => {
    for (let i = 0; i < n; i++) store.acknowledge(store.head('slack')!, i);
  });
  console.log(
    `outbox (SQLite WAL, synchronous=FULL): enqueue ${(enqueue.ms / n).toFixed(3)} ms, acknowledge ${(ack.ms / n).toFixed(3)} ms per message (${n} each, one transaction per message)`,
  );
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `load average after (1/5/15 min): ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}`,
);
