import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { loadConfig } from './load-config.js';

function yamlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-config-'));
  const path = join(dir, 'headroom.yaml');
  writeFileSync(path, text);
  return path;
}

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('works with no file at all: embedded store under ./data, API on loopback:8080', () => {
    const config = loadConfig({ env: {} });
    expect(config.dataDir).toBe('./data');
    expect(config.api).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.store.influx).toBeUndefined();
    expect(Object.isFrozen(config.api)).toBe(true);
  });

  it('reads a YAML file and applies HEADROOM_* overrides on top', () => {
    const path = yamlFile('api:\n  port: 9000\nstore:\n  influx:\n    url: http://127.0.0.1:8086\n');
    const config = loadConfig({
      path,
      env: {
        HEADROOM_API__PORT: '9100',
        HEADROOM_STORE__INFLUX__RETENTION_DAYS: '30',
        HEADROOM_API__HOST: '10',
      },
    });
    expect(config.api.port).toBe(9100);
    expect(config.api.host).toBe('10');
    expect(config.store.influx).toMatchObject({
      url: 'http://127.0.0.1:8086',
      database: 'headroom',
      retentionDays: 30,
    });
  });

  it('reports every problem at once, each with its key path', () => {
    const path = yamlFile(
      'api:\n  port: "eighty"\n  hots: 1.2.3.4\nstore:\n  influx:\n    url: not a url\nbogus: 1\n',
    );
    const issues = issuesOf(() => loadConfig({ path, env: { HEADROOM_LOG__LEVEL: 'loud' } }));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^api\.port: expected number/),
        'api.hots: unknown key',
        expect.stringMatching(/^store\.influx\.url: /),
        'bogus: unknown key',
        expect.stringMatching(/^log\.level: /),
      ]),
    );
    expect(issues).toHaveLength(5);
  });

  it('names the line of a YAML syntax error', () => {
    const path = yamlFile('api:\n  port: 8080\n   host: x\n');
    const issues = issuesOf(() => loadConfig({ path, env: {} }));
    expect(issues[0]).toMatch(/^YAML: .* at line 2, column 9$/);
  });

  it('rejects duplicate keys, a non-mapping document, a missing file and unknown variables', () => {
    expect(issuesOf(() => loadConfig({ path: yamlFile('api: {}\napi: {}\n'), env: {} }))[0]).toMatch(/YAML/);
    expect(issuesOf(() => loadConfig({ path: yamlFile('- 1\n- 2\n'), env: {} }))[0]).toMatch(/mapping/);
    expect(issuesOf(() => loadConfig({ path: '/nonexistent/headroom.yaml', env: {} }))[0]).toMatch(/ENOENT/);
    expect(issuesOf(() => loadConfig({ env: { HEADROOM_API__PROT: '1' } }))).toEqual([
      'HEADROOM_API__PROT: does not name a configuration key',
    ]);
  });

  it('ignores HEADROOM_CONFIG itself and accepts an empty file', () => {
    const config = loadConfig({ path: yamlFile(''), env: { HEADROOM_CONFIG: '/x.yaml' } });
    expect(config.api.port).toBe(8080);
  });

  it('does not echo secret values in errors', () => {
    const secret = 'hunter2-super-secret-password';
    const issues = issuesOf(() =>
      loadConfig({
        env: { HEADROOM_STORE__INFLUX__URL: `http://u:${secret}@`, HEADROOM_API__ADMIN_TOKEN: 'short' },
      }),
    );
    expect(issues.join('\n')).not.toContain(secret);
    expect(issues.join('\n')).not.toContain('short');
    expect(issues).toEqual(expect.arrayContaining([expect.stringMatching(/^api\.adminToken: /)]));
  });
});
