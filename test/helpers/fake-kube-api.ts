import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { selfSignedCert } from './self-signed-cert.js';

/** A Deployment or StatefulSet as far as its `scale` subresource shows it. */
export interface FakeWorkload {
  resource: 'deployments' | 'statefulsets';
  namespace: string;
  name: string;
  replicas: number;
  resourceVersion: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  body: unknown;
  status: number;
}

type Verb = 'get' | 'patch' | 'update';

/** Media types the API server accepts for PATCH (Kubernetes API concepts, "Patch operations"). */
const PATCH_TYPES = ['application/merge-patch+json', 'application/strategic-merge-patch+json'];
const ALL_PATCH_TYPES =
  'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json';
const QUERY_PARAMS = new Set(['pretty', 'dryRun', 'fieldManager', 'fieldValidation', 'force']);
const SCALE_PATH =
  /^\/apis\/apps\/v1\/namespaces\/([a-z0-9.-]+)\/(deployments|statefulsets)\/([a-z0-9.-]+)\/scale$/;

/**
 * A stand-in for the Kubernetes API server's `scale` subresource (apps/v1 Deployments and
 * StatefulSets), over HTTPS with a self-signed certificate. Each request is checked as the API
 * documents it: path, verb (GET / PATCH / PUT), bearer token, content type (PATCH: merge or
 * strategic merge patch; PUT: JSON), body shape (autoscaling/v1 Scale), resourceVersion
 * preconditions. It answers as the API server does: a Scale object, or a `Status` object with
 * 401 Unauthorized, 403 Forbidden, 404 NotFound, 409 Conflict, 415 UnsupportedMediaType,
 * 422 Invalid, 429 / 5xx. Requests the fake does not implement are recorded in `unexpected`
 * (tests assert it stays empty).
 */
export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  readonly unexpected: string[] = [];
  private readonly workloads = new Map<string, FakeWorkload>();
  private readonly forbidden = new Set<Verb>();
  private readonly faults: { verb?: Verb; status: number; retryAfterSeconds?: number }[] = [];
  private concurrentWrites = 0;

  private constructor(
    private readonly server: Server | ReturnType<typeof createServer>,
    readonly url: string,
    readonly caPem: string | undefined,
    private readonly token: string,
  ) {}

  static async start(options: { token: string; tls?: boolean }): Promise<FakeKubeApi> {
    const ref: { api?: FakeKubeApi } = {};
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => ref.api!.handle(req, text, res));
    };
    const tls = options.tls ?? true;
    const cert = tls ? selfSignedCert() : undefined;
    const server = cert
      ? createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, handler)
      : createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ref.api = new FakeKubeApi(
      server,
      `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
      cert?.certPem,
      options.token,
    );
    return ref.api;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  addWorkload(w: Omit<FakeWorkload, 'resourceVersion'> & { resourceVersion?: number }): void {
    this.workloads.set(key(w.resource, w.namespace, w.name), { resourceVersion: 1000, ...w });
  }

  workload(resource: FakeWorkload['resource'], namespace: string, name: string): FakeWorkload | undefined {
    return this.workloads.get(key(resource, namespace, name));
  }

  /** RBAC: refuse this verb on the scale subresource with 403 from now on. */
  forbid(verb: Verb): void {
    this.forbidden.add(verb);
  }

  /**
   * Answer the next requests (of `verb`, when given) with these statuses (Status objects, with
   * Retry-After when set) before serving normally.
   */
  failNext(...faults: { verb?: Verb; status: number; retryAfterSeconds?: number }[]): void {
    this.faults.push(...faults);
  }

  /** Another writer (an HPA, a person with kubectl) changes the object before each of the next `n` writes. */
  concurrentWriterBeforeNextWrites(n: number): void {
    this.concurrentWrites = n;
  }

  /**
   * Writes a kubeconfig for this server into `dir` (token user, namespace "shop", the CA pinned
   * unless `withCa` is false) and returns its path.
   */
  writeKubeconfig(dir: string, token: string, withCa = true): string {
    const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}.yaml`);
    const ca =
      withCa && this.caPem
        ? `\n    certificate-authority-data: ${Buffer.from(this.caPem).toString('base64')}`
        : '';
    writeFileSync(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: fake',
        '  cluster:',
        `    server: ${this.url}${ca}`,
        'users:',
        '- name: headroom',
        '  user:',
        `    token: ${token}`,
        'contexts:',
        '- name: fake',
        '  context:',
        '    cluster: fake',
        '    user: headroom',
        '    namespace: shop',
        'current-context: fake',
        '',
      ].join('\n'),
    );
    return path;
  }

  /** Forgets recorded requests, faults, RBAC denials and pending concurrent writes. */
  reset(): void {
    this.requests.length = 0;
    this.unexpected.length = 0;
    this.faults.length = 0;
    this.forbidden.clear();
    this.concurrentWrites = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, text: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const contentType = req.headers['content-type']?.split(';')[0]?.trim();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* kept as text */
    }
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      this.requests.push({ method: req.method ?? '', path: url.pathname, query, contentType, body, status });
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };

    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    }
    for (const name of Object.keys(query)) {
      if (!QUERY_PARAMS.has(name)) this.unexpected.push(`unknown query parameter ${name}`);
    }
    const match = SCALE_PATH.exec(url.pathname);
    if (!match) {
      this.unexpected.push(`${req.method} ${url.pathname}`);
      return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    const [, namespace, resource, name] = match as unknown as [
      string,
      string,
      FakeWorkload['resource'],
      string,
    ];
    const verb: Verb | undefined =
      req.method === 'GET'
        ? 'get'
        : req.method === 'PATCH'
          ? 'patch'
          : req.method === 'PUT'
            ? 'update'
            : undefined;
    const details = { name, group: 'apps', kind: resource };
    if (!verb) {
      return send(
        405,
        status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`),
      );
    }
    if (this.forbidden.has(verb)) {
      return send(
        403,
        status(
          403,
          'Forbidden',
          `${resource}.apps "${name}" is forbidden: User "system:serviceaccount:headroom:headroom" cannot ${verb} resource "${resource}/scale" in API group "apps" in the namespace "${namespace}"`,
          details,
        ),
      );
    }
    const faultIndex = this.faults.findIndex((f) => f.verb === undefined || f.verb === verb);
    const fault = faultIndex >= 0 ? this.faults.splice(faultIndex, 1)[0] : undefined;
    if (fault) {
      const reason =
        fault.status === 429
          ? 'TooManyRequests'
          : fault.status === 503
            ? 'ServiceUnavailable'
            : 'InternalError';
      return send(
        fault.status,
        status(fault.status, reason, 'the server is currently unable to handle the request'),
        fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {},
      );
    }
    const workload = this.workloads.get(key(resource, namespace, name));
    if (!workload) return send(404, status(404, 'NotFound', `${resource}.apps "${name}" not found`, details));
    if (verb === 'get') return send(200, scaleObject(workload));

    // Writes.
    if (this.concurrentWrites > 0) {
      this.concurrentWrites--;
      workload.resourceVersion++;
    }
    if (verb === 'patch' && !PATCH_TYPES.includes(contentType ?? '')) {
      if (contentType === 'application/json-patch+json' || contentType === 'application/apply-patch+yaml') {
        this.unexpected.push(`PATCH with ${contentType} (valid, but not implemented by the fake)`);
      }
      return send(
        415,
        status(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: ${ALL_PATCH_TYPES}`,
        ),
      );
    }
    if (verb === 'update' && contentType !== 'application/json') {
      return send(
        415,
        status(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
        ),
      );
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return send(400, status(400, 'BadRequest', 'the request body is not a JSON object'));
    }
    const b = body as {
      apiVersion?: unknown;
      kind?: unknown;
      metadata?: Record<string, unknown>;
      spec?: Record<string, unknown>;
    };
    if (verb === 'update') {
      if (b.kind !== 'Scale' || b.apiVersion !== 'autoscaling/v1') {
        return send(
          400,
          status(
            400,
            'BadRequest',
            `Object 'Kind' is missing or not autoscaling/v1 Scale in '${text.slice(0, 80)}'`,
          ),
        );
      }
      if (b.metadata?.name !== name) {
        return send(
          400,
          status(
            400,
            'BadRequest',
            `the name of the object (${String(b.metadata?.name)}) does not match the name on the URL (${name})`,
          ),
        );
      }
    }
    if (b.metadata?.namespace !== undefined && b.metadata.namespace !== namespace) {
      return send(
        400,
        status(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        ),
      );
    }
    const rv = b.metadata?.resourceVersion;
    if (rv !== undefined && rv !== String(workload.resourceVersion)) {
      return send(
        409,
        status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${resource}.apps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          details,
        ),
      );
    }
    const replicas = b.spec?.replicas;
    if (replicas === undefined && verb === 'patch') return send(200, scaleObject(workload));
    if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
      return send(
        400,
        status(
          400,
          'BadRequest',
          `json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`,
        ),
      );
    }
    if (replicas < 0) {
      const message = `Invalid value: ${replicas}: must be greater than or equal to 0`;
      return send(
        422,
        status(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: ${message}`, {
          name,
          group: 'autoscaling',
          kind: 'Scale',
          causes: [{ reason: 'FieldValueInvalid', message, field: 'spec.replicas' }],
        }),
      );
    }
    if (replicas !== workload.replicas) {
      workload.replicas = replicas;
      workload.resourceVersion++;
    }
    send(200, scaleObject(workload));
  }
}

function key(resource: string, namespace: string, name: string): string {
  return `${resource}/${namespace}/${name}`;
}

function scaleObject(w: FakeWorkload): unknown {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: w.name,
      namespace: w.namespace,
      uid: `00000000-0000-4000-8000-${String(w.name.length).padStart(12, '0')}`,
      resourceVersion: String(w.resourceVersion),
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: { replicas: w.replicas },
    status: { replicas: w.replicas, selector: `app=${w.name}` },
  };
}

/** A `Status` object (meta/v1) as the API server sends with every error. */
function status(code: number, reason: string, message: string, details?: Record<string, unknown>): unknown {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}
