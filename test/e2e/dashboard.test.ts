import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../daemon/version.js';
import { repoRoot } from '../helpers/shared-dir.js';
import {
  anomalyRecord,
  exportPagerDutyCalls,
  seedRollups,
  startDashboardFixture,
  type DashboardFixture,
} from './dashboard-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
const AUTO_REFRESH_MS = 10_000;
/** Each test starts a whole daemon (and loads TensorFlow.js once per file): generous under load. */
const TEST_TIMEOUT_MS = 120_000;
const XSS_IMG = '<img src=x onerror="window.__xss=1">';
const XSS_SCRIPT = '<script>window.__xss=2</script>';

function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true')
    throw new Error(`Chromium (${CHROMIUM}) is required in CI but not installed`);
  console.warn(
    `skipping the dashboard browser tests: ${CHROMIUM} is not installed (apt-get install chromium)`,
  );
  return false;
}

/** Console errors, uncaught page errors and failed requests: the page must produce none. */
function watchErrors(page: Page, allow: (text: string) => boolean = () => false): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !allow(m.text())) errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return errors;
}

/** Text of the one element a locator matches (the page renders before it counts a refresh). */
async function text(locator: Locator): Promise<string> {
  return (await locator.textContent({ timeout: 5_000 })) ?? '';
}

/** Polls the API (the rollup flushes on its own real-time tick) until the provider has a series. */
async function waitForSeries(url: string, provider: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { series } = (await (await fetch(`${url}/api/v1/series?provider=${provider}`)).json()) as {
      series: unknown[];
    };
    if (series.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no series for provider ${provider} after 10 s`);
}

async function refreshes(page: Page): Promise<number> {
  return Number(await page.evaluate(() => document.body.dataset.refreshes ?? '0'));
}

async function waitForRefresh(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.refreshes ?? '0') >= n, count, {
    timeout: 20_000,
  });
}

/** Data attributes the page sets from what it handed uPlot, per chart. */
async function chartData(page: Page, entity: string, chart: string) {
  return page.evaluate(
    ([e, c]) => {
      const box = document.querySelector<HTMLElement>(`.chart[data-entity="${e}"][data-chart="${c}"]`);
      if (!box) return undefined;
      return {
        points: Number(box.dataset.points ?? 0),
        forecastPoints: Number(box.dataset.forecastPoints ?? 0),
        markers: Number(box.dataset.markers ?? 0),
        decisions: Number(box.dataset.decisions ?? 0),
        canvases: box.querySelectorAll('canvas').length,
      };
    },
    [entity, chart] as const,
  );
}

/** Pixels of the chart's canvas close to a CSS colour variable: the line was really drawn. */
async function pixelsOf(page: Page, entity: string, chart: string, cssVar: string): Promise<number> {
  return page.evaluate(
    ([e, c, v]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(
        `.chart[data-entity="${e}"][data-chart="${c}"] canvas`,
      )!;
      const hex = getComputedStyle(document.documentElement).getPropertyValue(v).trim();
      const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const d =
          Math.abs(data[i]! - want[0]!) +
          Math.abs(data[i + 1]! - want[1]!) +
          Math.abs(data[i + 2]! - want[2]!);
        if (data[i + 3]! > 200 && d < 60) n++;
      }
      return n;
    },
    [entity, chart, cssVar] as const,
  );
}

const run = chromiumAvailable();

describe.skipIf(!run)('dashboard in a real Chromium against the real daemon', () => {
  let browser: Browser;
  let fixture: DashboardFixture | undefined;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await fixture?.stop();
    fixture = undefined;
  });

  it(
    'shows the fleet without console errors, then new OTLP traffic, a decision and an incident after the next auto-refresh',
    async () => {
      fixture = await startDashboardFixture();
      const api = async (path: string) => (await fetch(`${fixture!.url}/api/v1/${path}`)).json();
      const context = await browser.newContext({
        viewport: { width: 1440, height: 900 },
        colorScheme: 'dark',
      });
      const page = await context.newPage();
      const errors = watchErrors(page);
      // The page's timers run on a fake clock: the test moves it to the next auto-refresh instead of
      // waiting ten seconds.
      await page.clock.install();
      await page.goto(`${fixture.url}/`);
      await waitForRefresh(page, 1);

      // Header: version, store kind and state, served with a strict CSP.
      expect(await text(page.locator('#status'))).toContain(`v${VERSION}`);
      expect(await text(page.locator('#status [data-store="ok"]'))).toContain('embedded');

      // One card per provider, the one with the critical incident first; every chart has data.
      const entities = await page
        .locator('#entities > .entity')
        .evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.entity));
      expect(entities[0]).toBe('stripe');
      expect([...entities].sort()).toEqual(['maps', 'stripe', 'twilio']);
      for (const entity of ['stripe', 'maps', 'twilio']) {
        for (const chart of ['rate', 'latency', 'errors']) {
          const data = await chartData(page, entity, chart);
          expect(data, `${entity}/${chart}`).toBeDefined();
          expect(data!.canvases, `${entity}/${chart} canvas`).toBeGreaterThan(0);
          expect(data!.points, `${entity}/${chart} points`).toBeGreaterThan(50);
        }
      }
      expect(await pixelsOf(page, 'stripe', 'rate', '--accent')).toBeGreaterThan(100);
      expect(await pixelsOf(page, 'stripe', 'latency', '--latency')).toBeGreaterThan(100);

      // Forecast band ahead of now, from the forecasting stage's own forecast.
      const forecasts = (await api('forecasts?measurement=api_calls&provider=stripe')).forecasts;
      expect(forecasts).toHaveLength(1);
      expect((await chartData(page, 'stripe', 'rate'))!.forecastPoints).toBeGreaterThan(0);

      // Anomalies marked on the latency chart: as many as the API has for stripe p95 in range.
      const anomalies = (await api('anomalies?from=now-1h&provider=stripe&signal=latency_p95_ms')).anomalies;
      expect(anomalies.length).toBeGreaterThan(0);
      expect((await chartData(page, 'stripe', 'latency'))!.markers).toBe(anomalies.length);

      // Detection is warming up on two hours of history, and says so.
      const watched = (await api('anomalies/series')).series as { warmingUp: boolean }[];
      expect(watched.length).toBeGreaterThan(0);
      expect(await text(page.locator('[data-tile="learning"]'))).toContain(
        `warming up: ${watched.filter((s) => s.warmingUp).length} of ${watched.length} series still learning`,
      );

      // The open incident with its summary, as the alerts engine wrote it.
      const [incident] = (await api('incidents?status=open')).incidents;
      const card = page.locator(`[data-incident="${incident.id}"]`);
      expect(await text(card.locator('.incident-title'))).toBe(incident.title);
      expect(await text(card.locator('.incident-summary'))).toBe(incident.summary.replaceAll('`', ''));

      const silences = (await api('silences')).silences as { id: string }[];
      expect(silences).toHaveLength(1);
      expect(await page.locator(`#incidents [data-silence="${silences[0]!.id}"]`).count()).toBe(1);

      // Targets: mode, and current vs desired per subject.
      expect(await text(page.locator('tr.target-row[data-target="edge-cache"] .mode'))).toBe('enforce');
      expect(await text(page.locator('tr.target-row[data-target="checkout-scaler"] .mode'))).toBe('dry run');
      const scaler = page.locator('tr.subject-row[data-target="checkout-scaler"]');
      expect(await text(scaler.locator('.state-current'))).toBe('4 replicas');
      expect(await text(scaler.locator('.state-desired'))).toBe('6 replicas');
      expect(await page.locator('#decisions .decision').count()).toBe(3);
      const decisionsBefore = (await chartData(page, 'stripe', 'rate'))!.decisions;

      // After the page loaded: calls to a new provider through the OpenTelemetry SDK and the OTLP
      // receiver (in the rollup interval still open at "now"), written once the clock passes that
      // interval's grace period.
      const now = fixture.clock.now();
      await exportPagerDutyCalls(fixture.otlpUrl, { fromMs: now - 9_000, toMs: now - 1_000 });
      fixture.clock.advance(30_000);
      await waitForSeries(fixture.url, 'pagerduty');

      // A decision applied through the guard to the enforcing webhook target, and a new twilio
      // anomaly that the alerts engine turns into an incident. Their texts carry markup, as
      // telemetry and reasons may: it must show as text and never run.
      const record = await fixture.services.actuation!.actuate('edge-cache', {
        actuation: {
          control: 'cache_ttl',
          subject: { provider: 'stripe', endpoint: '/v1/charges' },
          desired: { ttlSeconds: 300, staleOnError: true },
        },
        policy: 'cache-ttl',
        reasons: [`stripe p95 latency 3.5× normal ${XSS_IMG}`],
        suppressed: [],
      });
      expect(record.body.outcome).toBe('applied');
      expect(fixture.receiver.deliveries.filter((d) => d.signatureValid)).toHaveLength(1);
      const twilio = anomalyRecord(
        fixture.clock.now(),
        { provider: 'twilio', endpoint: '/2010-04-01/Accounts/{AccountSid}/Messages.json' },
        {
          signal: 'error_ratio',
          score: 0.93,
          observed: 0.31,
          expected: 0.01,
          lower: 0.002,
          upper: 0.02,
          explanation: `error ratio 31% ${XSS_SCRIPT}, expected 0.2%–2%`,
        },
      );
      await fixture.store.putRecords([twilio]);
      await fixture.services.alerts!.ingest({ anomalies: [twilio] });

      const before = await refreshes(page);
      await page.clock.runFor(AUTO_REFRESH_MS);
      await waitForRefresh(page, before + 1);

      // The new provider has its card, from the rollups the receiver wrote.
      const pagerduty = await chartData(page, 'pagerduty', 'rate');
      expect(pagerduty?.points).toBeGreaterThan(0);
      expect((await chartData(page, 'pagerduty', 'latency'))!.points).toBeGreaterThan(0);

      const decision = page.locator(`#decisions [data-decision="${record.id}"]`);
      expect(await decision.getAttribute('data-outcome')).toBe('applied');
      expect(await text(decision.locator('.decision-change'))).toBe('→ TTL 5m, stale on error');
      expect(await text(decision.locator('.decision-reason'))).toBe(
        `stripe p95 latency 3.5× normal ${XSS_IMG}`,
      );
      expect((await chartData(page, 'stripe', 'rate'))!.decisions).toBe(decisionsBefore + 1);
      const open = (await api('incidents?status=open')).incidents as { id: string; title: string }[];
      expect(open).toHaveLength(2);
      expect(await page.title()).toBe('(2) Headroom');
      const fresh = open.find((i) => i.id !== incident.id)!;
      expect(await text(page.locator(`[data-incident="${fresh.id}"] .incident-title`))).toBe(fresh.title);
      await page.locator(`[data-incident="${fresh.id}"] .incident-timeline summary`).click();
      expect(await text(page.locator(`[data-incident="${fresh.id}"] .incident-timeline`))).toContain(
        XSS_SCRIPT,
      );
      const newSubject = page.locator('tr.subject-row[data-target="edge-cache"]', { hasText: '/v1/charges' });
      expect(await text(newSubject.locator('.state-desired'))).toBe('TTL 5m, stale on error');
      expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
      expect(await page.locator('#decisions img, #incidents img, #incidents script').count()).toBe(0);

      expect(errors).toEqual([]);
      const dir = join(repoRoot(), 'test-results');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'dashboard.png'), fullPage: true });
      await context.close();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'shows empty states on a fresh install, without console errors',
    async () => {
      fixture = await startDashboardFixture({ seed: false });
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.goto(`${fixture.url}/`);
      await waitForRefresh(page, 1);
      expect(await page.locator('#entities > .entity').count()).toBe(0);
      expect(await text(page.locator('#entities-empty .empty-title'))).toBe('No data yet');
      expect(await text(page.locator('#incidents .empty-title'))).toBe('No open incidents');
      expect(await text(page.locator('#decisions .empty-title'))).toBe('No decisions in this range');
      expect(await page.locator('tr.target-row').count()).toBe(3);
      expect(await page.locator('tr.subject-row', { hasText: 'no decisions yet' }).count()).toBe(3);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'says loudly when the store is spooling',
    async () => {
      fixture = await startDashboardFixture();
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const errors = watchErrors(page);
      await page.clock.install();
      await page.goto(`${fixture.url}/`);
      await waitForRefresh(page, 1);
      expect(await page.locator('[data-banner="spooling"]').count()).toBe(0);
      // Another process holds the SQLite database (a backup, the sqlite3 shell): the next write
      // goes to the spool, as it would in production.
      const db = new Database(join(fixture.dataDir, 'headroom.sqlite'));
      try {
        db.exec('BEGIN EXCLUSIVE');
        await fixture.store.write(seedRollups(fixture.clock.now() + 60_000, 10_000).slice(0, 1));
        const before = await refreshes(page);
        await page.clock.runFor(AUTO_REFRESH_MS);
        await waitForRefresh(page, before + 1);
        expect(await text(page.locator('[data-banner="spooling"]'))).toContain('SPOOLING');
        expect(await text(page.locator('#status [data-store="spooling"]'))).toContain('embedded · spooling');
        // Reads still work (WAL): the charts stay.
        expect((await chartData(page, 'stripe', 'rate'))!.points).toBeGreaterThan(50);
      } finally {
        db.exec('ROLLBACK');
        db.close();
      }
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'asks for the read token when one is configured and sends it as a Bearer token',
    async () => {
      const token = 'dashboard-read-token-0123456789';
      fixture = await startDashboardFixture({ readToken: token });
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      // The browser reports each refused request (401) as a console error: expected here, nothing else is.
      const errors = watchErrors(page, (text) => text.includes('401 (Unauthorized)'));
      const authorizations: (string | undefined)[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/')) authorizations.push(r.headers().authorization);
      });
      await page.goto(`${fixture.url}/`);
      await page.locator('#token-dialog').waitFor({ state: 'visible' });
      await page.locator('#token-input').fill('not-the-token-at-all');
      await page.locator('#token-form button[type="submit"]').click();
      await page.waitForFunction(
        () => document.getElementById('token-error')?.textContent === 'That token was refused.',
      );
      await page.locator('#token-input').fill(token);
      await page.locator('#token-form button[type="submit"]').click();
      await waitForRefresh(page, 1);
      await page.locator('#token-dialog').waitFor({ state: 'hidden' });
      expect((await chartData(page, 'stripe', 'rate'))!.points).toBeGreaterThan(50);
      expect(await page.evaluate(() => sessionStorage.getItem('headroom.readToken'))).toBe(token);
      expect(authorizations.at(-1)).toBe(`Bearer ${token}`);
      expect(errors).toEqual([]);
      await context.close();
    },
    TEST_TIMEOUT_MS,
  );
});
