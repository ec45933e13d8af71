import { readFileSync } from 'node:fs';
import { type z } from 'zod';
import YAML from 'yaml';
import { ConfigError } from '../../core/errors.js';
import { configSchema, type HeadroomConfig } from './schema.js';

export interface LoadConfigOptions {
  /** YAML file path; when absent, defaults plus environment overrides. */
  path?: string;
  /** Environment (HEADROOM_* keys are read); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

const ENV_PREFIX = 'HEADROOM_';
/** Variables with the prefix that are not config overrides. */
const ENV_NOT_CONFIG = new Set(['HEADROOM_CONFIG']);

/**
 * Loads, merges and validates the configuration: the YAML file (if any), then `HEADROOM_*`
 * environment overrides, then zod validation. Every problem is reported at once, each with the
 * key path (or file line, or variable name) and what was expected. The result is deeply frozen.
 */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<HeadroomConfig> {
  const env = options.env ?? process.env;
  const issues: string[] = [];
  let raw: unknown = {};
  const source = options.path;
  if (source !== undefined) {
    let text: string;
    try {
      text = readFileSync(source, 'utf8');
    } catch (err) {
      throw new ConfigError([`cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
    }
    const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map((e) => `YAML: ${(e.message.split('\n')[0] ?? '').replace(/:$/, '')}`),
        source,
      );
    }
    raw = doc.toJS() ?? {};
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new ConfigError(['the file must hold a mapping of keys (e.g. "api:", "store:")'], source);
    }
  }
  const merged = applyEnvOverrides(raw as Record<string, unknown>, env, issues);
  const result = configSchema.safeParse(merged);
  if (!result.success) issues.push(...formatIssues(result.error));
  if (issues.length > 0) throw new ConfigError(issues, source);
  return deepFreeze(result.data!);
}

/** `store.influx.url: expected a URL (got "x")` style lines; list items as `targets[1].kind`. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i > 0 ? '.' : ''}${String(seg)}`))
      .join('');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k));
      return `${keys.join(', ')}: unknown key${keys.length > 1 ? 's' : ''}`;
    }
    const message = issue.message.replace(/^Invalid input: /, '');
    return `${path || '(root)'}: ${message}`;
  });
}

/**
 * Applies HEADROOM_A__B__C=value as a.b.c = value. Segments match schema keys ignoring case and
 * underscores (HEADROOM_STORE__INFLUX__RETENTION_DAYS → store.influx.retentionDays). Values are
 * parsed as YAML scalars, so numbers, booleans and JSON/YAML lists work.
 */
function applyEnvOverrides(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  issues: string[],
): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || ENV_NOT_CONFIG.has(name) || value === undefined) continue;
    const segments = name.slice(ENV_PREFIX.length).split('__');
    const resolved = resolvePath(segments);
    if (!resolved) {
      issues.push(`${name}: does not name a configuration key`);
      continue;
    }
    const { path, leaf } = resolved;
    let parsed: unknown = value;
    if (!expectsString(leaf)) {
      try {
        parsed = value === '' ? '' : YAML.parse(value);
      } catch {
        parsed = value;
      }
    }
    let node: Record<string, unknown> = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = parsed;
  }
  return out;
}

const squash = (s: string): string => s.replaceAll('_', '').toLowerCase();

function resolvePath(segments: string[]): { path: string[]; leaf: unknown } | undefined {
  let schema: unknown = configSchema;
  const path: string[] = [];
  for (const segment of segments) {
    const shape = objectShape(schema);
    if (!shape) return undefined;
    const key = Object.keys(shape).find((k) => squash(k) === squash(segment));
    if (!key) return undefined;
    path.push(key);
    schema = shape[key];
  }
  return path.length > 0 ? { path, leaf: schema } : undefined;
}

type SchemaNode = { def?: { type?: string; innerType?: unknown; shape?: Record<string, unknown> } };

/** Unwraps optional/default/prefault wrappers down to the value schema. */
function innermost(schema: unknown): SchemaNode {
  let s = schema as SchemaNode;
  for (let i = 0; i < 8 && s?.def?.innerType !== undefined; i++) s = s.def.innerType as SchemaNode;
  return s;
}

/** String-valued keys take the variable verbatim (a host "10" stays a string). */
function expectsString(schema: unknown): boolean {
  const type = innermost(schema).def?.type;
  return type === 'string' || type === 'enum';
}

/** The shape of a (possibly optional/defaulted) zod object schema, if it is one. */
function objectShape(schema: unknown): Record<string, unknown> | undefined {
  const s = innermost(schema);
  return s.def?.type === 'object' ? s.def.shape : undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
