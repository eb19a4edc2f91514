import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, haveChromium, launchChromium } from '../../scripts/browser.js';
import { type RunningServer, startServer } from '../../src/server/index.js';
import { type FindingsDocument as Doc, parseFindings } from '../helpers/findings.js';
import { POLICE, type UploadFile, roundOne, roundTwo } from '../fixtures/resubmission.js';

/**
 * The 整改 loop on the page, in Debian's Chromium, as a clerk goes through it: round 1 uploaded under a name; the
 * resubmission uploaded with round 1 offered (and kept) as the audit to compare with; the 整改进度 chart and table;
 * findings filtered by 整改情况 and found by the search box, a page at a time; the print view with every finding;
 * the history list (open, rename, delete with confirmation); a department's 整改材料 downloaded as one ZIP; and the
 * login page of a server with an access password.
 * Screenshots of the history, the progress and the print view are taken on every run; with
 * RECON_UPDATE_SCREENSHOTS=1 they go to docs/ (the README's, small PNGs; a CJK font such as fonts-wqy-zenhei must be
 * installed for the Chinese to show), else to a temp folder, so that a test run leaves the checkout as it was.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCS = process.env.RECON_UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs') : mkdtempSync(path.join(os.tmpdir(), 'recon-shots-'));
const haveBrowser = haveChromium();
if (!haveBrowser && process.env.RECON_REQUIRE_BROWSER === '1') {
  throw new Error(`RECON_REQUIRE_BROWSER=1 but no browser at ${CHROMIUM}`);
}
const EXTRA = 20;

function writeRound(dir: string, list: UploadFile[]): void {
  for (const f of list) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.data);
  }
}

describe.skipIf(!haveBrowser)('the 整改 loop on the page, in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let work: string;
  let firstId: string;
  let secondId: string;
  let doc: Doc;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'recon-e2e-'));
    work = mkdtempSync(path.join(os.tmpdir(), 'recon-e2e-loop-'));
    const r1 = roundOne(EXTRA);
    writeRound(path.join(work, '第一轮报送'), r1);
    writeRound(path.join(work, '第二轮报送'), roundTwo(r1, EXTRA));
    server = await startServer({ dataDir, port: 0, host: '127.0.0.1', jobs: 2 });
    browser = await launchChromium();
    page = await browser.newPage({ acceptDownloads: true, locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    if (!DOCS.startsWith(ROOT)) rmSync(DOCS, { recursive: true, force: true });
  });

  const rows = () => page.getByTestId('finding-row');
  const idOfPage = () => /audit=([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';

  async function audit(folder: string, name: string): Promise<void> {
    await page.getByTestId('folder-input').setInputFiles(path.join(work, folder));
    await page.getByTestId('audit-name').fill(name);
    await page.getByTestId('start').click();
    await page.getByTestId('progress-text').filter({ hasText: '审核完成' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('result-name').filter({ hasText: name }).waitFor({ timeout: 10_000 });
  }

  it('round 1: an empty history, nothing to compare with; then the audit, listed under its name', async () => {
    await page.goto(server.url);
    await expect(page.getByTestId('history-empty').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('previous-select').locator('option').allInnerTexts()).resolves.toEqual(['不比较']);
    await audit('第一轮报送', '第一轮');
    firstId = idOfPage();
    const row = page.getByTestId('history-row');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.getByTestId('history-name').innerText()).resolves.toBe('第一轮');
    await expect(row.getByTestId('history-status').innerText()).resolves.toBe('已完成');
    await expect(page.getByTestId('progress-card').isHidden()).resolves.toBe(true);
  });

  it('round 2: round 1 is offered to compare with, and the results say so', async () => {
    const choice = page.getByTestId('previous-select');
    await expect(choice.inputValue()).resolves.toBe(firstId);
    await expect(choice.locator('option:checked').innerText()).resolves.toBe('与“第一轮”比较（最近一次）');
    await audit('第二轮报送', '第二轮');
    secondId = idOfPage();
    expect(secondId).not.toBe(firstId);
    await expect(page.getByTestId('result-meta').innerText()).resolves.toContain('与“第一轮”比较');
    doc = parseFindings(await (await fetch(`${server.url}api/audits/${secondId}`)).text());
    expect(doc.progress?.length).toBeGreaterThan(0);
  });

  it('shows fixed / open / new per department as a stacked bar, and the 整改进度 table', async () => {
    const card = page.getByTestId('progress-card');
    await expect(card.isVisible()).resolves.toBe(true);
    const bars = await page.getByTestId('progress-row').evaluateAll((els) =>
      els.map((e) => ({ d: e.getAttribute('data-department'), fixed: Number(e.getAttribute('data-fixed')), open: Number(e.getAttribute('data-open')), new: Number(e.getAttribute('data-new')), segs: e.children.length })),
    );
    expect(bars.map((b) => b.d).sort()).toEqual(doc.progress!.map((p) => p.department).sort());
    for (const p of doc.progress!) expect(bars.find((b) => b.d === p.department)).toMatchObject({ fixed: p.fixed, open: p.open, new: p.new, segs: [p.fixed, p.open, p.new].filter(Boolean).length });
    const police = bars.find((b) => b.d === POLICE)!;
    expect(police.fixed).toBe(1);
    // the police bar has a green (fixed) and an orange (open) segment, with widths in that proportion
    const widths = await page.locator(`[data-testid="progress-row"][data-department="${POLICE}"] span`).evaluateAll((els) => els.map((e) => [e.className, e.getBoundingClientRect().width]));
    expect(widths.map((w) => w[0])).toEqual(['fixed', 'open']);
    expect(Number(widths[1]![1]) / Number(widths[0]![1])).toBeCloseTo(police.open / police.fixed, 0);
    const table = page.getByTestId('progress-table-row');
    await expect(table.count()).resolves.toBe(doc.progress!.length);
    await expect(table.filter({ hasText: '教育局' }).innerText()).resolves.toContain('未重新报送');
    await expect(table.filter({ hasText: POLICE }).innerText()).resolves.toContain('20%');
    await card.screenshot({ path: path.join(DOCS, 'web-progress.png') });
  });

  it('filters findings by 整改情况: new, still open, and the fixed ones of round 1', async () => {
    const change = page.getByTestId('filter-change');
    for (const [value, expected] of [
      ['new', doc.findings.filter((f) => f.change === 'new').length],
      ['open', doc.findings.filter((f) => f.change === 'open').length],
      ['resolved', doc.resolved!.length],
    ] as const) {
      await change.selectOption(value);
      await expect(rows().count()).resolves.toBe(Math.min(expected, 50));
      const kinds = await rows().evaluateAll((trs) => [...new Set(trs.map((tr) => tr.getAttribute('data-change')))]);
      expect(kinds).toEqual([value]);
    }
    // the fixed one: round 1's file and cell, 已整改
    await expect(rows().first().innerText()).resolves.toContain('已整改');
    await expect(rows().first().innerText()).resolves.toContain('反诈宣传经费.xlsx');
    await change.selectOption('');
  });

  it('finds findings by project, unit or message text, a page of 50 at a time', async () => {
    const total = doc.findings.length;
    expect(total).toBeGreaterThan(50);
    await expect(rows().count()).resolves.toBe(50);
    await expect(page.getByTestId('page-info').innerText()).resolves.toBe(`第 1 / ${Math.ceil(total / 50)} 页`);
    await page.getByTestId('page-next').click();
    await expect(rows().count()).resolves.toBe(total - 50);
    await page.getByTestId('page-prev').click();

    const search = page.getByTestId('search');
    await search.fill('社区警务室');
    const want = doc.findings.filter((f) => `${f.project}\n${f.unit}\n${f.message}`.includes('社区警务室')).length;
    expect(want).toBeGreaterThan(0);
    await expect(rows().count()).resolves.toBe(want);
    // words in the message, in any order
    await search.fill('执行率 96.54');
    await expect(rows().count()).resolves.toBe(doc.findings.filter((f) => f.message.includes('执行率') && f.message.includes('96.54')).length);
    await expect(rows().first().innerText()).resolves.toContain('新增');
    await search.fill('没有这样的文字');
    await expect(rows().count()).resolves.toBe(0);
    await expect(page.locator('#findings-empty').isVisible()).resolves.toBe(true);
    await page.getByTestId('filter-reset').click();
    await expect(search.inputValue()).resolves.toBe('');
  });

  it('prints every finding (not the page on screen) under the audit’s name and date, without the upload form', async () => {
    await page.emulateMedia({ media: 'print' });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="finding-row"]').length === n, doc.findings.length);
    await expect(page.getByTestId('print-header').isVisible()).resolves.toBe(true);
    const header = await page.getByTestId('print-header').innerText();
    expect(header).toContain('绩效自评表审核结果：第二轮');
    expect(header).toContain('与“第一轮”比较');
    expect(header).toMatch(/审核时间：\d{4}-\d\d-\d\d \d\d:\d\d/);
    for (const id of ['dropzone', 'start', 'history', 'pager', 'filter-department']) await expect(page.getByTestId(id).isVisible(), id).resolves.toBe(false);
    await expect(page.getByTestId('findings').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: path.join(DOCS, 'web-print.png'), clip: { x: 0, y: 0, width: 1280, height: 900 }, fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="finding-row"]').length === 50);
  });

  it('downloads a department’s 整改材料 as one zip named 部门名称-整改材料-日期.zip', async () => {
    const row = page.getByTestId('dept-row').filter({ hasText: POLICE });
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('download-bundle').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${POLICE}-整改材料-\\d{4}-\\d\\d-\\d\\d\\.zip$`));
  });

  it('keeps the history: a lost link is no lost result; rename; delete asks first', async () => {
    const fresh = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    await fresh.goto(server.url);
    const history = fresh.getByTestId('history-row');
    await expect(history.count()).resolves.toBe(2);
    await expect(history.getByTestId('history-name').allInnerTexts()).resolves.toEqual(['第二轮\n与“第一轮”比较', '第一轮']);
    await fresh.getByTestId('history').screenshot({ path: path.join(DOCS, 'web-history.png') });

    // open round 1 from the list
    await history.filter({ hasText: /^第一轮/ }).last().getByTestId('history-open').click();
    await fresh.getByTestId('result-name').filter({ hasText: '第一轮' }).waitFor({ timeout: 30_000 });
    expect(fresh.url()).toContain(`#audit=${firstId}`);

    // rename round 2
    const second = fresh.locator(`[data-testid="history-row"][data-id="${secondId}"]`);
    await second.getByTestId('history-rename').click();
    await fresh.getByTestId('history-rename-input').fill('2026年度 第二轮（整改后）');
    await fresh.getByTestId('history-rename-save').click();
    await second.getByTestId('history-name').filter({ hasText: '2026年度 第二轮（整改后）' }).waitFor();

    // delete round 1: asked first; cancelled, then confirmed
    const first = fresh.locator(`[data-testid="history-row"][data-id="${firstId}"]`);
    await first.getByTestId('history-delete').click();
    await first.getByTestId('history-delete-cancel').click();
    await expect(history.count()).resolves.toBe(2);
    await first.getByTestId('history-delete').click();
    await first.getByTestId('history-delete-confirm').click();
    await fresh.waitForFunction(() => document.querySelectorAll('[data-testid="history-row"]').length === 1);
    // it was open: its results are gone from the page too
    await expect(fresh.getByTestId('results').isHidden()).resolves.toBe(true);
    await expect(second.getByTestId('history-name').innerText()).resolves.toContain('与一次已删除的审核比较');
    expect((await fetch(`${server.url}api/audits/${firstId}`)).status).toBe(404);
    await fresh.close();
  });

  it('with an access password: the Chinese login page, a session the page’s script cannot read, logout', async () => {
    const guardedDir = mkdtempSync(path.join(os.tmpdir(), 'recon-e2e-'));
    const guarded = await startServer({ dataDir: guardedDir, port: 0, host: '127.0.0.1', access: { secret: 'correct horse battery' } });
    const ctx = await browser.newContext({ locale: 'zh-CN' });
    const p = await ctx.newPage();
    try {
      await p.goto(guarded.url);
      expect(new URL(p.url()).pathname).toBe('/login');
      await p.getByTestId('login-password').fill('wrong password');
      await p.getByTestId('login-submit').click();
      await expect(p.getByTestId('login-error').innerText()).resolves.toBe('访问密码不对，请重新输入');
      await p.getByTestId('login-password').fill('correct horse battery');
      await p.getByTestId('login-submit').click();
      await p.getByTestId('history').waitFor();
      const [cookie] = await ctx.cookies();
      expect(cookie).toMatchObject({ name: 'recon_session', httpOnly: true, sameSite: 'Strict' });
      await expect(p.evaluate(() => document.cookie)).resolves.toBe('');
      await p.getByTestId('logout').click();
      await p.waitForURL(/\/login$/);
      await p.goto(guarded.url);
      expect(new URL(p.url()).pathname).toBe('/login');
    } finally {
      await ctx.close();
      await guarded.app.close();
      rmSync(guardedDir, { recursive: true, force: true });
    }
  });
});
