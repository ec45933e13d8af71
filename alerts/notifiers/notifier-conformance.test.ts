import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import { HeadroomError } from '../../core/errors.js';
import type { Notifier } from '../../core/notifier.js';
import { FakeSlack } from '../../test/helpers/fake-slack.js';
import { freePort } from '../../test/helpers/free-port.js';
import { notifierConfigSchema, type NotifierConfig } from '../config.js';
import { sampleNotification } from '../testing/notifications.js';
import { createNotifier, notifierSecrets } from './registry.js';

/**
 * What every notifier in the registry must do (STYLE.md "conformance suites"): deliver; say a
 * receiver outage, a 5xx and a closed port are retryable; say a refusal is not; keep every
 * secret of its config out of errors.
 */
type Mode = 'ok' | 'server_error' | 'refuse';

interface Backend {
  config(port?: number): Record<string, unknown>;
  set(mode: Mode): void;
}

let slack: FakeSlack;
let hook: Server;
let hookMode: Mode = 'ok';
const signal = new AbortController().signal;

beforeAll(async () => {
  slack = await FakeSlack.start();
  hook = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(hookMode === 'ok' ? 204 : hookMode === 'refuse' ? 422 : 503).end());
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await slack.stop();
  await new Promise<void>((resolve) => hook.close(() => resolve()));
});

const slackMode = (mode: Mode): void => {
  slack.recover();
  if (mode === 'server_error') slack.fail({ kind: 'server_error', status: 502 });
  // Refused twice: the blocks, then the plain-text retry.
  if (mode === 'refuse') slack.fail({ kind: 'invalid_payload' }, 2);
};

const BACKENDS: Record<NotifierConfig['type'], Backend> = {
  'slack-bot': {
    config: (port) => ({
      type: 'slack-bot',
      name: 'conformance',
      token: slack.token,
      channel: '#alerts',
      apiUrl: port ? `http://127.0.0.1:${port}/api/` : slack.apiUrl,
    }),
    set: slackMode,
  },
  'slack-webhook': {
    config: (port) => ({
      type: 'slack-webhook',
      name: 'conformance',
      webhookUrl: port ? `http://127.0.0.1:${port}${new URL(slack.webhookUrl).pathname}` : slack.webhookUrl,
    }),
    set: slackMode,
  },
  webhook: {
    config: (port) => ({
      type: 'webhook',
      name: 'conformance',
      url: `http://127.0.0.1:${port ?? (hook.address() as AddressInfo).port}/in?key=query-secret-42`,
      secret: 'conformance-hmac-key-0123',
    }),
    set: (mode) => {
      hookMode = mode;
    },
  },
};

function build(backend: Backend, port?: number): { notifier: Notifier; secrets: string[] } {
  const config = notifierConfigSchema.parse(backend.config(port));
  return {
    notifier: createNotifier(config, { logger: pino({ level: 'silent' }), clock: new FakeClock() }),
    secrets: notifierSecrets(config),
  };
}

async function outcome(notifier: Notifier, secrets: readonly string[]): Promise<HeadroomError | 'delivered'> {
  try {
    await notifier.send(sampleNotification(), { signal });
    return 'delivered';
  } catch (err) {
    expect(err).toBeInstanceOf(HeadroomError);
    const text = [JSON.stringify(err), (err as Error).message, (err as Error).stack ?? ''].join('\n');
    for (const secret of secrets) expect(text).not.toContain(secret);
    return err as HeadroomError;
  }
}

describe.each(Object.keys(BACKENDS) as NotifierConfig['type'][])('%s notifier conformance', (type) => {
  const backend = BACKENDS[type];

  it('delivers, with the registry kind and a positive or zero rate limit', async () => {
    backend.set('ok');
    const { notifier, secrets } = build(backend);
    expect(notifier.kind).toBe(type);
    expect(notifier.minIntervalMs).toBeGreaterThanOrEqual(0);
    expect(await outcome(notifier, secrets)).toBe('delivered');
  });

  it('calls a 5xx retryable', async () => {
    backend.set('server_error');
    const { notifier, secrets } = build(backend);
    expect(await outcome(notifier, secrets)).toMatchObject({ retryable: true });
  });

  it('calls a refusal not retryable', async () => {
    backend.set('refuse');
    const { notifier, secrets } = build(backend);
    expect(await outcome(notifier, secrets)).toMatchObject({ retryable: false });
  });

  it('calls an unreachable receiver retryable, without naming its secrets', async () => {
    const { notifier, secrets } = build(backend, await freePort());
    expect(await outcome(notifier, secrets)).toMatchObject({ retryable: true });
  });
});
