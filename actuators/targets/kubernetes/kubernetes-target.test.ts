import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../core/clock.js';
import { FakeKubeApi } from '../../../test/helpers/fake-kube-api.js';
import { actuatorsConfigSchema, type TargetConfigOf } from '../../config.js';
import { KubernetesTarget } from './kubernetes-target.js';

const TOKEN = 'kube-sa-token-eyJhbGciOiJSUzI1NiJ9-do-not-leak';
const logger = pino({ level: 'silent' });
const clock = new FakeClock(Date.UTC(2026, 0, 5, 12, 0, 0));
const signal = (): AbortSignal => AbortSignal.timeout(10_000);
const checkout = { service: 'checkout' };
const ledger = { service: 'ledger' };

const writeKubeconfig = (dir: string, api: FakeKubeApi, token: string, withCa = true): string =>
  api.writeKubeconfig(dir, token, withCa);

function kubeTargetConfig(kubeconfig: string | undefined, extra: object = {}): TargetConfigOf<'kubernetes'> {
  return actuatorsConfigSchema.parse({
    targets: [
      {
        id: 'cluster',
        kind: 'kubernetes',
        ...(kubeconfig ? { kubeconfig } : {}),
        workloads: [
          { subject: checkout, name: 'checkout' },
          { subject: ledger, resource: 'statefulsets', name: 'ledger', namespace: 'data' },
          { subject: { service: 'ghost' }, name: 'ghost' },
        ],
        ...extra,
      },
    ],
  }).targets[0] as TargetConfigOf<'kubernetes'>;
}

describe('KubernetesTarget against a fake API server (HTTPS)', () => {
  let api: FakeKubeApi;
  let dir: string;
  let kubeconfig: string;
  let target: KubernetesTarget;

  beforeAll(async () => {
    api = await FakeKubeApi.start({ token: TOKEN });
    dir = mkdtempSync(join(tmpdir(), 'headroom-kube-'));
    kubeconfig = writeKubeconfig(dir, api, TOKEN);
  });
  afterAll(async () => {
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    api.addWorkload({ resource: 'deployments', namespace: 'shop', name: 'checkout', replicas: 3 });
    api.addWorkload({ resource: 'statefulsets', namespace: 'data', name: 'ledger', replicas: 2 });
    api.reset();
    target = new KubernetesTarget(kubeTargetConfig(kubeconfig), { logger, clock });
    await target.start();
  });
  afterEach(() => {
    expect(api.unexpected).toEqual([]);
  });

  it('reads replicas from the scale subresource (namespace from the kubeconfig context)', async () => {
    expect(await target.read('replicas', checkout, signal())).toEqual({ replicas: 3 });
    expect(api.requests).toMatchObject([
      { method: 'GET', path: '/apis/apps/v1/namespaces/shop/deployments/checkout/scale' },
    ]);
  });

  it('PATCHes a merge patch with the resourceVersion of a fresh read', async () => {
    await target.apply({ control: 'replicas', subject: checkout, desired: { replicas: 5 } }, signal());
    expect(api.requests.map((r) => r.method)).toEqual(['GET', 'PATCH']);
    expect(api.requests[1]).toMatchObject({
      contentType: 'application/merge-patch+json',
      query: { fieldManager: 'headroom' },
      body: { metadata: { resourceVersion: '1000' }, spec: { replicas: 5 } },
      status: 200,
    });
    expect(api.workload('deployments', 'shop', 'checkout')?.replicas).toBe(5);
    expect(await target.read('replicas', checkout, signal())).toEqual({ replicas: 5 });
  });

  it('is idempotent: the same replicas again only reads', async () => {
    await target.apply({ control: 'replicas', subject: checkout, desired: { replicas: 3 } }, signal());
    expect(api.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('PUTs a full autoscaling/v1 Scale in replace mode, for StatefulSets too', async () => {
    const replace = new KubernetesTarget(kubeTargetConfig(kubeconfig, { update: 'replace' }), {
      logger,
      clock,
    });
    await replace.start();
    await replace.apply({ control: 'replicas', subject: ledger, desired: { replicas: 4 } }, signal());
    expect(api.requests[1]).toMatchObject({
      method: 'PUT',
      path: '/apis/apps/v1/namespaces/data/statefulsets/ledger/scale',
      contentType: 'application/json',
      body: {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'ledger', namespace: 'data', resourceVersion: '1000' },
        spec: { replicas: 4 },
      },
      status: 200,
    });
    expect(api.workload('statefulsets', 'data', 'ledger')?.replicas).toBe(4);
  });

  it.each(['merge_patch', 'replace'] as const)(
    '%s: a 409 Conflict is retried from a fresh read',
    async (update) => {
      const t = new KubernetesTarget(kubeTargetConfig(kubeconfig, { update }), { logger, clock });
      await t.start();
      api.concurrentWriterBeforeNextWrites(2);
      await t.apply({ control: 'replicas', subject: checkout, desired: { replicas: 6 } }, signal());
      expect(api.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
        'GET 200',
        `${update === 'replace' ? 'PUT' : 'PATCH'} 409`,
        'GET 200',
        `${update === 'replace' ? 'PUT' : 'PATCH'} 409`,
        'GET 200',
        `${update === 'replace' ? 'PUT' : 'PATCH'} 200`,
      ]);
      // Each write carried the version its own read returned.
      const versions = api.requests
        .filter((r) => r.method !== 'GET')
        .map((r) => (r.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
      expect(versions).toEqual(['1000', '1001', '1002']);
      expect(api.workload('deployments', 'shop', 'checkout')?.replicas).toBe(6);
    },
  );

  it('gives up on endless conflicts with a retryable error', async () => {
    api.concurrentWriterBeforeNextWrites(10);
    await expect(
      target.apply({ control: 'replicas', subject: checkout, desired: { replicas: 7 } }, signal()),
    ).rejects.toMatchObject({ code: 'kube_conflict', retryable: true });
  });

  it.each([
    ['403 Forbidden (RBAC)', () => api.forbid('patch'), 'kube_http_403', false, undefined],
    [
      '429 with Retry-After',
      () => api.failNext({ verb: 'patch', status: 429, retryAfterSeconds: 3 }),
      'kube_http_429',
      true,
      3_000,
    ],
    ['503', () => api.failNext({ status: 503 }), 'kube_http_503', true, undefined],
    ['500', () => api.failNext({ status: 500 }), 'kube_http_500', true, undefined],
  ])('%s', async (_name, arrange, code, retryable, retryAfterMs) => {
    const fresh = await FakeKubeApi.start({ token: TOKEN });
    fresh.addWorkload({ resource: 'deployments', namespace: 'shop', name: 'checkout', replicas: 3 });
    const t = new KubernetesTarget(kubeTargetConfig(writeKubeconfig(dir, fresh, TOKEN)), { logger, clock });
    await t.start();
    const apiBefore = api;
    api = fresh;
    try {
      arrange();
      const err = await t
        .apply({ control: 'replicas', subject: checkout, desired: { replicas: 9 } }, signal())
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code, retryable });
      expect((err as { retryAfterMs?: number }).retryAfterMs).toBe(retryAfterMs);
      expect((err as Error).message).not.toContain(TOKEN);
    } finally {
      api = apiBefore;
      await fresh.stop();
    }
  });

  it('a wrong token is answered 401 (not retryable)', async () => {
    const t = new KubernetesTarget(kubeTargetConfig(writeKubeconfig(dir, api, 'another-token-1234')), {
      logger,
      clock,
    });
    await t.start();
    const err = await t.read('replicas', checkout, signal()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'kube_http_401', retryable: false });
    expect((err as Error).message).not.toContain('another-token-1234');
  });

  it('an unknown workload is 404 (not retryable); an unconfigured subject fails before any request', async () => {
    await expect(target.read('replicas', { service: 'ghost' }, signal())).rejects.toMatchObject({
      code: 'kube_http_404',
      retryable: false,
    });
    await expect(target.read('replicas', { service: 'nope' }, signal())).rejects.toMatchObject({
      code: 'unknown_subject',
      retryable: false,
    });
  });

  it('invalid replicas are refused by the API server with 422 (not retryable)', async () => {
    await expect(
      target.apply({ control: 'replicas', subject: checkout, desired: { replicas: -1 } }, signal()),
    ).rejects.toMatchObject({
      code: 'kube_http_422',
      retryable: false,
      message: expect.stringContaining('spec.replicas'),
    });
  });

  it('an untrusted server certificate is not retryable; an API server that is down is', async () => {
    const noCa = new KubernetesTarget(kubeTargetConfig(writeKubeconfig(dir, api, TOKEN, false)), {
      logger,
      clock,
    });
    await noCa.start();
    await expect(noCa.read('replicas', checkout, signal())).rejects.toMatchObject({
      code: 'kube_tls',
      retryable: false,
    });

    const gone = await FakeKubeApi.start({ token: TOKEN });
    const path = writeKubeconfig(dir, gone, TOKEN);
    await gone.stop();
    const down = new KubernetesTarget(kubeTargetConfig(path), { logger, clock });
    await down.start();
    await expect(down.read('replicas', checkout, signal())).rejects.toMatchObject({
      code: 'kube_unreachable',
      retryable: true,
    });
  });

  it('a missing kubeconfig fails start-up with a readable, non-retryable error', async () => {
    const t = new KubernetesTarget(kubeTargetConfig(join(dir, 'missing.yaml')), { logger, clock });
    await expect(t.start()).rejects.toMatchObject({ code: 'kube_config_invalid', retryable: false });
  });

  it('without a kubeconfig outside a cluster, start-up says so', async () => {
    const host = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      const t = new KubernetesTarget(kubeTargetConfig(undefined), { logger, clock });
      await expect(t.start()).rejects.toMatchObject({
        code: 'kube_config_invalid',
        message: expect.stringContaining('not running in a cluster') as unknown,
      });
    } finally {
      if (host !== undefined) process.env.KUBERNETES_SERVICE_HOST = host;
    }
  });
});

describe('KubernetesTarget with the in-cluster service account', () => {
  it('reads the token and CA from the service-account directory', async () => {
    const api = await FakeKubeApi.start({ token: TOKEN });
    api.addWorkload({ resource: 'deployments', namespace: 'headroom', name: 'checkout', replicas: 2 });
    const root = mkdtempSync(join(tmpdir(), 'headroom-sa-'));
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), TOKEN);
    writeFileSync(join(sa, 'ca.crt'), api.caPem!);
    writeFileSync(join(sa, 'namespace'), 'headroom');
    const env = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = String(api.port);
    try {
      const t = new KubernetesTarget(kubeTargetConfig(undefined), {
        logger,
        clock,
        inClusterPathPrefix: root,
      });
      await t.start();
      await t.apply({ control: 'replicas', subject: checkout, desired: { replicas: 4 } }, signal());
      expect(api.workload('deployments', 'headroom', 'checkout')?.replicas).toBe(4);
      expect(api.unexpected).toEqual([]);
    } finally {
      if (env.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      else process.env.KUBERNETES_SERVICE_HOST = env.host;
      if (env.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      else process.env.KUBERNETES_SERVICE_PORT = env.port;
      await api.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
