import { WebhookReceiver } from '../../../test/helpers/webhook-receiver.js';
import { describeTargetConformance } from '../../../test/target-conformance.js';
import { actuatorsConfigSchema, type TargetConfigOf } from '../../config.js';
import { WebhookTarget } from './webhook-target.js';

const SECRET = 'conformance-hmac-key-0f3b9c2d1e';
const AUTH = 'conformance-bearer-token-9a8b7c';

function config(url: string): TargetConfigOf<'webhook'> {
  return actuatorsConfigSchema.parse({
    targets: [
      { id: 'kong', kind: 'webhook', url, secret: SECRET, headers: { Authorization: `Bearer ${AUTH}` } },
    ],
  }).targets[0] as TargetConfigOf<'webhook'>;
}

describeTargetConformance('webhook', async ({ logger, clock }) => {
  const receiver = await WebhookReceiver.start(SECRET, () => Math.floor(clock.now() / 1000));
  // Receivers that echo request headers back in errors must not make a secret leak.
  const echo = `Authorization: Bearer ${AUTH}; key ${SECRET}`;
  const receivers = [receiver];
  /** A fresh receiver answering every request with `status` (and echoing secrets in the body). */
  const failingReceiver = async (status: number): Promise<WebhookReceiver> => {
    const r = await WebhookReceiver.start(SECRET, () => Math.floor(clock.now() / 1000));
    r.answer(...Array.from({ length: 10 }, () => ({ status, body: echo })));
    receivers.push(r);
    return r;
  };
  const subject = { provider: 'maps' };
  const actuation = (eu: number) => ({
    control: 'routing' as const,
    subject,
    desired: { weights: { eu, us: 100 - eu }, down: [], backup: [] },
  });
  return {
    target: new WebhookTarget(config(`${receiver.url}?token=${AUTH}`), { logger, clock }),
    actuations: [actuation(80), actuation(20)],
    secrets: [SECRET, AUTH],
    retryableFailure: async () => ({
      target: new WebhookTarget(config((await failingReceiver(503)).url), { logger, clock }),
      actuation: actuation(50),
    }),
    permanentFailure: async () => ({
      target: new WebhookTarget(config((await failingReceiver(400)).url), { logger, clock }),
      actuation: actuation(50),
    }),
    cleanup: async () => {
      for (const r of receivers) await r.stop();
    },
  };
});
