import { readFileSync } from 'node:fs';
import {
  ApiException,
  AppsV1Api,
  KubeConfig,
  Observable,
  PatchStrategy,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  type V1Scale,
} from '@kubernetes/client-node';
import type { Actuation, ControlKind, ControlStates, ReplicasState, Target } from '../../../core/actuator.js';
import type { Clock } from '../../../core/clock.js';
import { errorMessage } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { Tags } from '../../../core/tags.js';
import { subjectKey } from '../../control-states.js';
import type { TargetConfigOf } from '../../config.js';
import { isNetworkError, parseRetryAfter, retryableHttpStatus, targetError } from '../target-error.js';
import type { KubeWorkload } from './config.js';

const TLS_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

interface ResolvedWorkload extends KubeWorkload {
  namespace: string;
}

/**
 * Sets replicas through the `scale` subresource of Deployments and StatefulSets
 * (`/apis/apps/v1/namespaces/{ns}/{deployments|statefulsets}/{name}/scale`), authenticated by
 * the in-cluster service account or a kubeconfig. Every write carries the resourceVersion of a
 * fresh read, so a change someone else made in between (an HPA, kubectl) is answered 409 and
 * retried from a new read rather than overwritten blindly. RBAC needed: get, patch (or update)
 * on `deployments/scale` / `statefulsets/scale` in group `apps`.
 */
export class KubernetesTarget implements Target {
  readonly id: string;
  readonly kind = 'kubernetes';
  readonly controls: readonly ControlKind[] = ['replicas'];
  private readonly log: Logger;
  private api: AppsV1Api | undefined;
  private secrets: string[] = [];
  private namespace = 'default';

  constructor(
    private readonly config: TargetConfigOf<'kubernetes'>,
    private readonly deps: { logger: Logger; clock: Clock; inClusterPathPrefix?: string },
  ) {
    this.id = config.id;
    this.log = deps.logger.child({ component: 'target', target: config.id, kind: 'kubernetes' });
  }

  /** Loads credentials (no network). A missing or unreadable kubeconfig fails start-up. */
  async start(): Promise<void> {
    if (this.api) return;
    const kc = new KubeConfig();
    try {
      if (this.config.kubeconfig) {
        kc.loadFromFile(this.config.kubeconfig);
        if (this.config.context) {
          if (!kc.getContextObject(this.config.context))
            throw new Error(`context "${this.config.context}" not found`);
          kc.setCurrentContext(this.config.context);
        }
      } else {
        if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
          throw new Error('not running in a cluster (KUBERNETES_SERVICE_HOST/PORT unset); set kubeconfig');
        }
        kc.loadFromCluster(this.deps.inClusterPathPrefix);
      }
    } catch (err) {
      // The loader's messages may quote the file; keep only what names the problem.
      const reason = (err as NodeJS.ErrnoException)?.code ?? errorMessage(err).split('\n')[0]!.slice(0, 200);
      throw targetError(
        'kube_config_invalid',
        `cannot load ${this.config.kubeconfig ? `kubeconfig ${this.config.kubeconfig}` : 'the in-cluster service account'}: ${reason}`,
        { retryable: false },
      );
    }
    const user = kc.getCurrentUser();
    const tokenFile = (user?.authProvider?.config as { tokenFile?: string } | undefined)?.tokenFile;
    this.secrets = [user?.token, user?.password, user?.keyData, readSecretFile(tokenFile)].filter(
      (s): s is string => !!s && s.length >= 4,
    );
    const contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
    this.namespace = this.config.namespace ?? contextNamespace ?? 'default';
    if (!kc.getCurrentCluster()) {
      throw targetError('kube_config_invalid', 'the kubeconfig has no current cluster', { retryable: false });
    }
    this.api = kc.makeApiClient(AppsV1Api);
    this.log.debug(
      { server: kc.getCurrentCluster()?.server, namespace: this.namespace },
      'kubernetes client ready',
    );
  }

  async stop(): Promise<void> {
    this.api = undefined;
  }

  async read<C extends ControlKind>(
    control: C,
    subject: Tags,
    signal: AbortSignal,
  ): Promise<ControlStates[C] | undefined> {
    this.checkControl(control);
    const scale = await this.readScale(this.workloadFor(subject), signal);
    return { replicas: scale.spec?.replicas ?? 0 } as ControlStates[C];
  }

  async apply(actuation: Actuation, signal: AbortSignal): Promise<void> {
    this.checkControl(actuation.control);
    const workload = this.workloadFor(actuation.subject);
    const { replicas } = actuation.desired as ReplicasState;
    for (let attempt = 0; attempt <= this.config.conflictRetries; attempt++) {
      const scale = await this.readScale(workload, signal);
      if (scale.spec?.replicas === replicas) return;
      const resourceVersion = scale.metadata?.resourceVersion;
      try {
        await this.writeScale(workload, replicas, resourceVersion, signal);
        return;
      } catch (err) {
        if (!(err instanceof ApiException) || err.code !== 409) throw this.classify(err, 'write', workload);
        this.log.debug({ workload: workload.name, attempt }, 'scale changed concurrently (409); re-reading');
      }
    }
    throw targetError(
      'kube_conflict',
      `${describe(workload)}: kept conflicting (409) after ${this.config.conflictRetries + 1} fresh reads`,
      { retryable: true },
    );
  }

  private async readScale(w: ResolvedWorkload, signal: AbortSignal): Promise<V1Scale> {
    const api = this.client();
    const params = { name: w.name, namespace: w.namespace };
    try {
      return w.resource === 'deployments'
        ? await api.readNamespacedDeploymentScale(params, this.options(signal))
        : await api.readNamespacedStatefulSetScale(params, this.options(signal));
    } catch (err) {
      throw this.classify(err, 'read', w);
    }
  }

  private async writeScale(
    w: ResolvedWorkload,
    replicas: number,
    resourceVersion: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const api = this.client();
    const metadata = resourceVersion ? { resourceVersion } : {};
    const common = { name: w.name, namespace: w.namespace, fieldManager: this.config.fieldManager };
    if (this.config.update === 'merge_patch') {
      // RFC 7386 merge patch; resourceVersion in it is a precondition (409 when stale).
      const body = { metadata, spec: { replicas } };
      const options = this.options(signal, PatchStrategy.MergePatch);
      if (w.resource === 'deployments')
        await api.patchNamespacedDeploymentScale({ ...common, body }, options);
      else await api.patchNamespacedStatefulSetScale({ ...common, body }, options);
    } else {
      const body: V1Scale = {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: w.name, namespace: w.namespace, ...metadata },
        spec: { replicas },
      };
      if (w.resource === 'deployments')
        await api.replaceNamespacedDeploymentScale({ ...common, body }, this.options(signal));
      else await api.replaceNamespacedStatefulSetScale({ ...common, body }, this.options(signal));
    }
  }

  /** Per-call options: the abort signal, and the PATCH content type the API server expects. */
  private options(signal: AbortSignal, contentType?: string): ConfigurationOptions<ObservableMiddleware> {
    const middleware: ObservableMiddleware = {
      pre: (ctx: RequestContext) => {
        ctx.setSignal(signal);
        if (contentType) ctx.setHeaderParam('Content-Type', contentType);
        return new Observable(Promise.resolve(ctx));
      },
      post: (rsp: ResponseContext) => new Observable(Promise.resolve(rsp)),
    };
    return { middleware: [middleware], middlewareMergeStrategy: 'append' };
  }

  private classify(err: unknown, what: 'read' | 'write', w: ResolvedWorkload): Error {
    const where = `${what} ${describe(w)}`;
    if (err instanceof ApiException) {
      const status = parseStatus(err.body);
      const text = `kubernetes ${where}: ${err.code} ${status.reason ?? ''}${status.message ? `: ${status.message}` : ''}`;
      const headers = (err.headers ?? {}) as Record<string, string>;
      const retryAfterMs = parseRetryAfter(headers['retry-after'], this.deps.clock.now());
      return targetError(`kube_http_${err.code}`, text, {
        retryable: retryableHttpStatus(err.code),
        secrets: this.secrets,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && TLS_ERRORS.has(code)) {
      return targetError('kube_tls', `kubernetes ${where}: TLS verification failed (${code})`, {
        retryable: false,
      });
    }
    const name = (err as Error)?.name;
    if (name === 'AbortError')
      return targetError('aborted', `kubernetes ${where}: aborted`, { retryable: true });
    return targetError('kube_unreachable', `kubernetes ${where}: ${errorMessage(err)}`, {
      retryable: isNetworkError(err) || name === 'FetchError',
      secrets: this.secrets,
    });
  }

  private workloadFor(subject: Tags): ResolvedWorkload {
    const key = subjectKey(subject);
    const w = this.config.workloads.find((item) => subjectKey(item.subject) === key);
    if (!w) {
      throw targetError(
        'unknown_subject',
        `no workload configured for subject ${key} on kubernetes target ${this.id}`,
        {
          retryable: false,
        },
      );
    }
    return { ...w, namespace: w.namespace ?? this.namespace };
  }

  private client(): AppsV1Api {
    if (!this.api)
      throw targetError('not_started', `kubernetes target ${this.id} is not started`, { retryable: true });
    return this.api;
  }

  private checkControl(control: ControlKind): void {
    if (control !== 'replicas') {
      throw targetError('unsupported_control', `kubernetes target handles replicas, not ${control}`, {
        retryable: false,
      });
    }
  }
}

function describe(w: ResolvedWorkload): string {
  return `${w.resource}/${w.namespace}/${w.name}/scale`;
}

/** The API server's `Status` object from an error body (string or parsed). */
function parseStatus(body: unknown): { reason?: string; message?: string } {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return { message: body.slice(0, 200) };
    }
  }
  const s = value as { reason?: unknown; message?: unknown } | undefined;
  return {
    ...(typeof s?.reason === 'string' ? { reason: s.reason } : {}),
    ...(typeof s?.message === 'string' ? { message: s.message.slice(0, 500) } : {}),
  };
}

function readSecretFile(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
