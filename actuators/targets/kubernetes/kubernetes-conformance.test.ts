import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKubeApi } from '../../../test/helpers/fake-kube-api.js';
import { describeTargetConformance } from '../../../test/target-conformance.js';
import { actuatorsConfigSchema, type TargetConfigOf } from '../../config.js';
import { KubernetesTarget } from './kubernetes-target.js';

const TOKEN = 'conformance-kube-token-eyJhbGciOi-4411';

function config(kubeconfig: string): TargetConfigOf<'kubernetes'> {
  return actuatorsConfigSchema.parse({
    targets: [
      {
        id: 'cluster',
        kind: 'kubernetes',
        kubeconfig,
        workloads: [{ subject: { service: 'checkout' }, name: 'checkout' }],
      },
    ],
  }).targets[0] as TargetConfigOf<'kubernetes'>;
}

describeTargetConformance('kubernetes', async ({ logger, clock }) => {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-kube-conf-'));
  const apis: FakeKubeApi[] = [];
  const fake = async (): Promise<FakeKubeApi> => {
    const api = await FakeKubeApi.start({ token: TOKEN });
    api.addWorkload({ resource: 'deployments', namespace: 'shop', name: 'checkout', replicas: 3 });
    apis.push(api);
    return api;
  };
  const main = await fake();
  const subject = { service: 'checkout' };
  const actuation = (replicas: number) => ({ control: 'replicas' as const, subject, desired: { replicas } });
  const targetFor = (api: FakeKubeApi) =>
    new KubernetesTarget(config(api.writeKubeconfig(dir, TOKEN)), { logger, clock });
  return {
    target: targetFor(main),
    actuations: [actuation(5), actuation(2)],
    secrets: [TOKEN],
    retryableFailure: async () => {
      const api = await fake();
      api.failNext(...Array.from({ length: 10 }, () => ({ status: 503 })));
      return { target: targetFor(api), actuation: actuation(9) };
    },
    permanentFailure: async () => {
      const api = await fake();
      api.forbid('patch');
      return { target: targetFor(api), actuation: actuation(9) };
    },
    cleanup: async () => {
      for (const api of apis) await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
