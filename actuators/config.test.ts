import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { loadConfig } from '../daemon/config/load-config.js';
import { actuatorsConfigSchema } from './config.js';

/** The issues loadConfig reports for an `actuators:` section given as YAML. */
function issuesFor(yaml: string): readonly string[] {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-actuators-config-'));
  const path = join(dir, 'headroom.yaml');
  writeFileSync(path, `actuators:\n${yaml.replace(/^/gm, '  ')}\n`);
  try {
    loadConfig({ path, env: {} });
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

const webhook = '{ id: hook, kind: webhook, url: "https://hooks.example/h", secret: "0123456789abcdef" }';

describe('actuators config', () => {
  it('defaults to no targets, dry_run per target, guard defaults', () => {
    const config = actuatorsConfigSchema.parse({
      targets: [{ id: 'hook', kind: 'webhook', url: 'https://x.example/h', secret: '0123456789abcdef' }],
    });
    expect(config.guard).toEqual({
      timeoutMs: 10_000,
      maxAttempts: 3,
      initialBackoffMs: 200,
      maxBackoffMs: 5_000,
      deadlineMs: 30_000,
      breakerFailures: 5,
      breakerHalfOpenAfterMs: 30_000,
    });
    expect(config.targets[0]).toMatchObject({ mode: 'dry_run', bounds: {}, guard: {}, timeoutMs: 5_000 });
    expect(actuatorsConfigSchema.parse({}).targets).toEqual([]);
  });

  it.each([
    [
      'an unknown target type',
      `targets:\n  - ${webhook}\n  - { id: edge, kind: ngnix, dir: /x }`,
      'actuators.targets[1].kind: unknown target type "ngnix" (expected one of kubernetes, nginx, redis, webhook)',
    ],
    [
      'a missing kind',
      'targets:\n  - { id: edge, dir: /x }',
      'actuators.targets[0].kind: required: one of kubernetes, nginx, redis, webhook',
    ],
    [
      'a missing required key',
      'targets:\n  - { id: edge, kind: nginx }',
      'actuators.targets[0].dir: expected string, received undefined',
    ],
    [
      'a bad URL',
      'targets:\n  - { id: hook, kind: webhook, url: "ftp://x", secret: "0123456789abcdef" }',
      'actuators.targets[0].url: expected an http:// or https:// URL',
    ],
    [
      'a bad Redis URL',
      'targets:\n  - { id: r, kind: redis, url: "http://x" }',
      'actuators.targets[0].url: expected a redis:// or rediss:// URL',
    ],
    [
      'a short HMAC key',
      'targets:\n  - { id: hook, kind: webhook, url: "https://x.example", secret: short }',
      'actuators.targets[0].secret: at least 16 characters',
    ],
    [
      'an unknown key',
      `targets:\n  - { id: hook, kind: webhook, url: "https://x.example", secret: "0123456789abcdef", retries: 3 }`,
      'actuators.targets[0].retries: unknown key',
    ],
    [
      'min above max',
      `targets:\n  - { id: hook, kind: webhook, url: "https://x.example", secret: "0123456789abcdef", bounds: { replicas: { min: 5, max: 2 } } }`,
      'actuators.targets[0].bounds.replicas.min: min must not be greater than max',
    ],
    [
      'a duplicate id',
      `targets:\n  - ${webhook}\n  - ${webhook}`,
      'actuators.targets[1].id: duplicate target id "hook"',
    ],
    [
      'a bad mode',
      'targets:\n  - { id: hook, kind: webhook, url: "https://x.example", secret: "0123456789abcdef", mode: apply }',
      'actuators.targets[0].mode: Invalid option: expected one of "dry_run"|"enforce"',
    ],
    [
      'kubernetes without workloads',
      'targets:\n  - { id: k, kind: kubernetes }',
      'actuators.targets[0].workloads: expected array, received undefined',
    ],
    [
      'duplicate nginx zones',
      'targets:\n  - id: edge\n    kind: nginx\n    dir: /x\n    rateLimits:\n      - { subject: { provider: a }, zone: z, initial: { ratePerSecond: 1, burst: 1 } }\n      - { subject: { provider: b }, zone: z, initial: { ratePerSecond: 1, burst: 1 } }',
      'actuators.targets[0].rateLimits[1]: duplicate zone "z"',
    ],
    [
      'backoff above its ceiling',
      `targets:\n  - { id: hook, kind: webhook, url: "https://x.example", secret: "0123456789abcdef", guard: { initialBackoffMs: 9000 } }`,
      'actuators.targets[0].guard.initialBackoffMs: must not be greater than maxBackoffMs',
    ],
  ])('rejects %s, naming the key', (_name, yaml, issue) => {
    expect(issuesFor(yaml)).toContain(issue);
  });

  it('never echoes a secret in a validation message', () => {
    const issues = issuesFor(
      'targets:\n  - { id: hook, kind: webhook, url: "https://x.example", secret: "s3cr3t-but-short", headers: { "Bad Header": "tok-123456" } }',
    );
    expect(issues.join('\n')).not.toContain('tok-123456');
    expect(issues.join('\n')).not.toContain('s3cr3t');
  });
});
