import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { Child } from '../support/child.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '../artifacts');
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const found = existsSync(CHROMIUM);
if (!found) console.warn(`inspector page test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openBrowser(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'uwe-chromium-'));
  cleanups.push(() => rmSync(profile, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  cleanups.push(() => context.close());
  return context;
}

describe.skipIf(!found)('the inspector page in headless Chromium', () => {
  it('draws the demo tree live: a forced crash goes Run -> Failed -> Run on the chart, the log shows it, nothing is fetched from elsewhere', async () => {
    const child = new Child('examples/dummy.ts', {
      APP_NAME: `insp-page-${process.pid}`,
      INSPECT_PORT: '0',
      HEALTH_PORT: '0',
      CRASH_EVERY_MS: '0',
      CRASH_BACKOFF_MS: '3000',
    });
    child.leaves.push(`/tmp/_uwe_insp-page-${process.pid}.socket`);
    cleanups.push(() => child.dispose());
    await child.waitFor('inspector: http', 60_000);
    const url = /inspector: (http:\/\/\S+)/.exec(child.stdout)![1]!;
    const origin = new URL(url).origin;

    const context = await openBrowser();
    const requested: string[] = [];
    context.on('request', (request) => requested.push(request.url()));
    // As with the network cut off: anything but the inspector itself fails.
    await context.route('**/*', (route) => (route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort()));
    const page = context.pages()[0] ?? (await context.newPage());
    await page.setViewportSize({ width: 1400, height: 860 });
    await page.goto(url);

    const flakyBadge = page.locator('#list .row[data-name="flaky"] .badge');
    await flakyBadge.filter({ hasText: 'Run' }).waitFor();
    await page.locator('#list .row[data-name="ingest/reader"]').waitFor();
    await page.locator('#list .row[data-name="flaky"]').click();
    await page.locator('#chart-worker svg[data-current="Run"] .state.active[data-key="Run"]').waitFor();
    // Every state the chart highlights, in order (the detail pane is redrawn on each change).
    // (through globalThis: the test is compiled without the DOM's types)
    await page.evaluate(() => {
      const w = globalThis as any;
      const seen: string[] = (w.seen = []);
      const note = () => {
        const current = w.document.querySelector('#chart-worker svg')?.getAttribute('data-current');
        if (current && seen[seen.length - 1] !== current) seen.push(current);
      };
      note();
      new w.MutationObserver(note).observe(w.document.getElementById('detail'), { childList: true, subtree: true });
    });

    process.kill(child.process.pid!, 'SIGUSR2');
    await page.locator('#chart-worker .state.active[data-key="Failed"]').waitFor();
    await page.locator('#detail-reason', { hasText: 'flaky: simulated crash #1' }).waitFor();
    await page.locator('#detail .cd', { hasText: /\d\.\d s/ }).waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-failed.png'), fullPage: true });
    // A function, not text: the page's Content-Security-Policy forbids eval.
    await page.waitForFunction(() => {
      const seen = (globalThis as unknown as { seen: string[] }).seen;
      const failed = seen.indexOf('Failed');
      return failed > 0 && seen.indexOf('Run', failed) > failed;
    });
    const seen = await page.evaluate(() => (globalThis as unknown as { seen: string[] }).seen);
    expect(seen.slice(0, 3)).toEqual(['Run', 'Failed', 'Run']);

    const crashLine = page.locator('#log li[data-type="worker.crashed"]');
    await expect(crashLine.first().textContent()).resolves.toContain('flaky: simulated crash #1');
    await expect(page.locator('#list .row[data-name="flaky"] .meta').textContent()).resolves.toContain('\u21bb1');
    await page.locator('#history li', { hasText: 'Failed (crash)' }).waitFor();

    // The log filter by worker and level.
    await page.fill('#log-worker', 'ingest');
    await page.locator('#log li .who', { hasText: 'ingest/reader' }).first().waitFor();
    // The filter applies on the next animation frame: wait for it rather than read at once.
    await expect.poll(() => page.locator('#log li .who', { hasText: 'flaky' }).count()).toBe(0);
    await page.fill('#log-worker', '');
    await page.selectOption('#log-level', 'error');
    await expect(page.locator('#log li').count()).resolves.toBeGreaterThan(0);
    await expect.poll(() => page.locator('#log li.lv-info').count()).toBe(0);
    await page.selectOption('#log-level', 'debug');
    await page.screenshot({ path: join(ARTIFACTS, 'inspector.png'), fullPage: true });

    expect(requested.length).toBeGreaterThan(3);
    expect(requested.filter((r) => !r.startsWith(`${origin}/`))).toEqual([]);
  }, 150_000);

  it('shows a worker\'s mailbox counts in its row and detail pane (the mailbox example)', async () => {
    const child = new Child('examples/mailbox.ts', { INSPECT_PORT: '0' });
    cleanups.push(() => child.dispose());
    await child.waitFor('inspector: http', 60_000);
    const url = /inspector: (http:\/\/\S+)/.exec(child.stdout)![1]!;
    await child.waitFor('ledger: order 3 booked');
    const context = await openBrowser();
    const page = context.pages()[0] ?? (await context.newPage());
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(url);
    await page.locator('#list .row[data-name="ledger"]').click();
    const line = page.locator('#detail-mailbox');
    await line.filter({ hasText: /\b([3-9]|\d{2,}) delivered/ }).waitFor();
    expect(await line.textContent()).toMatch(/^\d+ waiting · \d+ delivered · 0 dropped · 0 refused$/);
    await page.locator('#list .row[data-name="pricer"]').click();
    await page.locator('#detail-mailbox', { hasText: 'delivered' }).waitFor();
    // Lines the first snapshot and the next update both carried are shown once.
    await page.locator('#log li[data-type="worker.crashed"]').first().waitFor();
    const seqs = await page.locator('#log li[data-seq]').evaluateAll((lines) => lines.map((li) => Number((li as unknown as { dataset: { seq: string } }).dataset.seq)));
    expect(seqs.length).toBeGreaterThan(10);
    expect(new Set(seqs).size).toBe(seqs.length);
    // As when a page connects between two ticks: the update after its snapshot repeats lines the
    // snapshot had. The stream is made up here, so the overlap happens every time.
    const logLine = (seq: number) => ({ seq, time: Date.now(), level: 'info', type: 'custom', message: `line ${seq}` });
    const snapshot = { reset: true, now: Date.now(), phase: 'running', workers: [], removed: [], skipped: 0, log: [1, 2, 3].map(logLine) };
    const update = { now: Date.now(), phase: 'running', workers: [], removed: [], skipped: 0, log: [2, 3, 4].map(logLine) };
    const replayed = await context.newPage();
    await replayed.route('**/events*', (route) =>
      route.fulfill({ status: 200, contentType: 'text/event-stream', body: `data: ${JSON.stringify(snapshot)}\n\ndata: ${JSON.stringify(update)}\n\n` }),
    );
    await replayed.goto(url);
    await replayed.locator('#log li[data-seq="4"]').waitFor();
    const shown = await replayed.locator('#log li[data-seq]').evaluateAll((lines) => lines.map((li) => (li as unknown as { dataset: { seq: string } }).dataset.seq));
    expect(shown.sort()).toEqual(['1', '2', '3', '4']);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-mailbox.png') });
  }, 150_000);

  it('stays usable with 1,000 workers: the nested groups fold, the list is bounded, search finds one by name', async () => {
    const child = new Child('test/inspector/fixtures/many.ts');
    child.leaves.push(`/tmp/_uwe_insp-page-${process.pid}.socket`);
    cleanups.push(() => child.dispose());
    await child.waitFor('inspector: http', 60_000);
    const url = /inspector: (http:\/\/\S+)/.exec(child.stdout)![1]!;
    await child.waitFor('all groups running', 60_000);
    const context = await openBrowser();
    const page = context.pages()[0] ?? (await context.newPage());
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(url);
    await page.locator('#counts', { hasText: '1000 workers' }).waitFor();
    await page.locator('#counts', { hasText: '1000 Run' }).waitFor();
    // The list shows a bounded number of rows and says how many more there are.
    expect(await page.locator('#list .row').count()).toBeLessThanOrEqual(400);
    await page.locator('#list .more').waitFor();
    // Folding a group hides its workers.
    await page.locator('#list .row[data-name="group0"] .fold').click();
    await page.locator('#list .row[data-name="group0/w0"]').waitFor({ state: 'detached' });
    expect(await page.locator('#list .row[data-name^="group0/"]').count()).toBe(0);
    // Search by name.
    await page.fill('#search', 'w957');
    await page.locator('#list .row[data-name="group9/w957"]').waitFor();
    expect(await page.locator('#list .row').count()).toBe(1);
    await page.locator('#list .row[data-name="group9/w957"]').click();
    await page.locator('#chart-worker .state.active[data-key="Run"]').waitFor();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-1000.png') });
  }, 150_000);
});
