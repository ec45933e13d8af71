import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/helpers/shared-dir.js';
import { loadConfig } from './load-config.js';

describe('headroom.example.yaml', () => {
  const path = join(repoRoot(), 'headroom.example.yaml');

  it('is valid as shipped', () => {
    const config = loadConfig({ path, env: {} });
    expect(config.api.host).toBe('127.0.0.1');
    expect(config.collectors.rollup.providers.stripe).toEqual(['api.stripe.com']);
  });

  it('stays valid with every commented example switched on', () => {
    // Uncomment the example blocks: lines of the form "  # key: ..." or "  # - ..." under a key.
    const text = readFileSync(path, 'utf8')
      .split('\n')
      .map((line) => line.replace(/^(\s*)# ( *)(?=[a-zA-Z]+:|- )/, '$1$2'))
      .join('\n')
      .replace(
        /^(\s+)(targets|policies|notifiers|nginxLogs|probes|scaling|rateLimit|cacheTtl|routing): \[\]/gm,
        '$1$2:',
      );
    const dir = mkdtempSync(join(tmpdir(), 'headroom-example-'));
    const full = join(dir, 'full.yaml');
    writeFileSync(full, text);
    // `env:NAME` secrets are read from the process environment when the config is validated.
    const secrets = {
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
      SLACK_BOT_TOKEN: 'xoxb-123456789',
      PAGER_URL: 'https://pager.example/h',
      PAGER_HMAC_KEY: 'k'.repeat(32),
    };
    const saved = { ...process.env };
    Object.assign(process.env, secrets);
    let config;
    try {
      config = loadConfig({ path: full, env: {} });
    } finally {
      for (const key of Object.keys(secrets)) if (!(key in saved)) delete process.env[key];
    }
    expect(config.store.influx?.url).toBe('http://127.0.0.1:8086');
    expect(config.actuators.targets.map((t) => t.kind)).toEqual(['kubernetes', 'nginx', 'redis', 'webhook']);
    expect(config.actuators.policies.routing[0]?.endpoints).toHaveLength(2);
    expect(config.alerts.notifiers).toHaveLength(3);
  });
});
