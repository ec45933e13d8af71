import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiConfigSchema } from '../../config/schema.js';
import { ApiServer } from '../api-server.js';
import { dashboardRoutes } from './dashboard-routes.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('dashboard routes in the API server', () => {
  let server: ApiServer;
  let base: string;

  beforeAll(async () => {
    server = new ApiServer({
      config: apiConfigSchema.parse({ port: 0 }),
      logger: pino({ level: 'silent' }),
      metricsHandler: (_req, res) => res.end(),
      readiness: async () => ({ state: 'ok', detail: {} }),
      mountApi: ({ router }) => {
        router.get('/status', (_req, res) => {
          res.json({ ok: true });
        });
      },
      mountRoot: (app) => {
        app.use(dashboardRoutes());
      },
    });
    await server.start();
    base = server.url();
  });
  afterAll(async () => {
    await server.stop();
  });

  it.each([
    ['/', 'text/html', '<script type="module" src="assets/app.js">'],
    ['/assets/app.js', 'text/javascript', "from './api.js'"],
    ['/assets/dashboard.css', 'text/css', '--accent'],
    ['/assets/favicon.svg', 'image/svg+xml', '<svg'],
    ['/assets/vendor/uPlot.esm.js', 'text/javascript', 'export { uPlot as default }'],
    ['/assets/vendor/uPlot.min.css', 'text/css', '.uplot'],
  ])('GET %s answers %s under a strict CSP', async (path, type, snippet) => {
    const response = await fetch(`${base}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(type);
    expect(await response.text()).toContain(snippet);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers the JSON 404 for an unknown asset, a path outside the folder, or a non-GET', async () => {
    for (const path of [
      '/assets/missing.js',
      '/assets/vendor/other.js',
      '/assets/%2e%2e/dashboard-routes.ts',
    ]) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    }
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(404);
  });

  it('leaves the API alone: no dashboard CSP on /api/v1', async () => {
    const response = await fetch(`${base}/api/v1/status`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBeNull();
  });

  it('ships no inline script or style and no remote URL in the page and its modules', () => {
    const html = readFileSync(join(here, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    const files = [
      'index.html',
      ...readdirSync(join(here, 'assets'), { recursive: true, encoding: 'utf8' }).map((f) =>
        join('assets', f),
      ),
    ].filter((f) => /\.(html|js|css)$/.test(f));
    for (const file of files) {
      const text = readFileSync(join(here, file), 'utf8');
      expect(text, file).not.toMatch(/https?:\/\/(?!<host>)/);
      expect(text, file).not.toMatch(/\.innerHTML\s*=|insertAdjacentHTML|document\.write/);
    }
  });
});
