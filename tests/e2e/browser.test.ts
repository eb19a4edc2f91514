import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, haveChromium, launchChromium } from '../../scripts/browser.js';
import { type RunningServer, startServer } from '../../src/server/index.js';
import { type FindingsDocument as Doc, parseFindings } from '../helpers/findings.js';

/**
 * The page as a finance clerk uses it, in Debian's Chromium: choose the samples folder (the ledger is picked out
 * by its name), start, wait, read the ranking and the findings, open one, download a 整改清单.
 * `.ci/run` installs chromium and sets RECON_REQUIRE_BROWSER=1, so in CI a missing browser fails instead of skipping.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLES = path.join(ROOT, 'samples');
const haveBrowser = haveChromium();
if (!haveBrowser && process.env.RECON_REQUIRE_BROWSER === '1') {
  throw new Error(`RECON_REQUIRE_BROWSER=1 but no browser at ${CHROMIUM}`);
}

describe.skipIf(!haveBrowser)('the web page in a real browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let dataDir: string;
  let downloads: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'recon-e2e-'));
    downloads = mkdtempSync(path.join(os.tmpdir(), 'recon-e2e-dl-'));
    server = await startServer({ dataDir, port: 0, host: '127.0.0.1', jobs: 2 });
    browser = await launchChromium();
    page = await browser.newPage({ acceptDownloads: true, locale: 'zh-CN' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(downloads, { recursive: true, force: true });
  });

  async function auditedDoc(): Promise<Doc> {
    const id = /audit=([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(id).toBeTruthy();
    const res = await fetch(`${server.url}api/audits/${id}`);
    expect(res.status).toBe(200);
    return parseFindings(await res.text());
  }

  it('uploads the samples folder, shows progress and the result', async () => {
    await page.goto(server.url);
    await expect(page.title()).resolves.toMatch(/绩效自评表审核/);
    await expect(page.getByTestId('start').isDisabled()).resolves.toBe(true);

    await page.getByTestId('folder-input').setInputFiles(SAMPLES);
    const selection = await page.getByTestId('selection').innerText();
    // 14 workbooks and CSVs (samples/layouts among them); rules.example.json is not a workbook; the ledger is recognised by its name.
    expect(selection).toContain('已选择 14 个工作簿');
    expect(selection).toContain('忽略 1 个非工作簿文件');
    expect(selection).toContain('台账：预算执行台账.csv');

    await page.getByTestId('start').click();
    // Until the audit has finished, a second click could only upload the batch again.
    await expect(page.getByTestId('start').isDisabled()).resolves.toBe(true);
    await page.getByTestId('results').waitFor({ state: 'visible', timeout: 60_000 });
    // what was chosen has been sent: the selection is empty again, ready for the next round
    await expect(page.getByTestId('selection').innerText()).resolves.toBe('尚未选择文件');
    await expect(page.getByTestId('start').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('progress-text').innerText()).resolves.toBe('审核完成：共 14 个文件');
    await expect(page.getByTestId('error').isHidden()).resolves.toBe(true);

    const doc = await auditedDoc();
    expect(doc.summary.files).toBe(14);
    const stat = async (id: string) => (await page.getByTestId(id).locator('.n').innerText()).trim();
    await expect(stat('stat-文件')).resolves.toBe('14');
    await expect(stat('stat-自评表')).resolves.toBe(String(doc.summary.tables));
    await expect(stat('stat-error')).resolves.toBe(String(doc.summary.errors));
    await expect(stat('stat-warning')).resolves.toBe(String(doc.summary.warnings));
    expect(doc.summary.errors).toBeGreaterThan(0);
  });

  it('ranks departments by errors, each with a bar', async () => {
    const doc = await auditedDoc();
    const rows = page.getByTestId('dept-row');
    const names = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-department')));
    const errors = (d: string | null) => doc.findings.filter((f) => (f.department ?? '未知部门') === d && f.severity === 'error').length;
    expect(names.length).toBe(new Set(doc.findings.map((f) => f.department ?? '未知部门')).size);
    expect(names[0]).toContain('公安局');
    for (let i = 1; i < names.length; i++) expect(errors(names[i - 1]!)).toBeGreaterThanOrEqual(errors(names[i]!));
    // The 政法委 tables are arithmetically clean: no red segment, only the two narrative warnings and notes.
    const zfw = rows.filter({ hasText: '政法委员会' });
    await expect(zfw.locator('.bar span.e').count()).resolves.toBe(0);
    await expect(zfw.locator('.bar span.w').count()).resolves.toBe(1);
    await expect(rows.first().locator('.bar span.e').count()).resolves.toBe(1);
  });

  it('filters findings by department, rule and severity', async () => {
    const doc = await auditedDoc();
    const shown = () => page.getByTestId('finding-row').count();
    await expect(shown()).resolves.toBe(doc.findings.length);

    const zfw = doc.findings.find((f) => f.department?.includes('政法委员会'))!.department!;
    await page.getByTestId('filter-department').selectOption(zfw);
    await expect(shown()).resolves.toBe(doc.findings.filter((f) => f.department === zfw).length);

    await page.getByTestId('filter-rule').selectOption('narrative.mismatch');
    await expect(shown()).resolves.toBe(2);
    await expect(page.getByTestId('filter-count').innerText()).resolves.toContain('显示 2 / 2 条');

    await page.getByTestId('filter-severity').selectOption('error');
    await expect(shown()).resolves.toBe(0);
    await expect(page.locator('#findings-empty').isVisible()).resolves.toBe(true);

    await page.getByTestId('filter-severity').selectOption('');
    await page.getByTestId('filter-department').selectOption('');
    await page.getByTestId('filter-rule').selectOption('fund.sum');
    const rows = await page.getByTestId('finding-row').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-rule')));
    expect(rows.length).toBe(doc.findings.filter((f) => f.rule === 'fund.sum').length);
    expect(new Set(rows)).toEqual(new Set(['fund.sum']));
    await page.getByTestId('filter-rule').selectOption('');
  });

  it('opens a finding to show its file, sheet, cell, expected and actual', async () => {
    await page.getByTestId('filter-rule').selectOption('narrative.mismatch');
    const row = page.getByTestId('finding-row').filter({ hasText: '雪亮工程' });
    await row.click();
    const detail = page.getByTestId('detail');
    await expect(detail.isVisible()).resolves.toBe(true);
    const text = (id: string) => page.getByTestId(id).innerText();
    await expect(text('detail-file')).resolves.toBe('政法委/雪亮工程建设项目.xlsx');
    await expect(text('detail-cell')).resolves.toMatch(/^[A-Z]+\d+$/);
    await expect(text('detail-message')).resolves.toContain('749.41');
    await expect(text('detail-expected')).resolves.toContain('500');
    await expect(text('detail-actual')).resolves.toContain('749.41');
    await expect(page.getByTestId('detail-annotated').isVisible()).resolves.toBe(true);
    await page.getByTestId('detail-close').click();
    await expect(detail.isHidden()).resolves.toBe(true);
    await page.getByTestId('filter-rule').selectOption('');
  });

  it('shows the rule’s title, never its id; 重置筛选 resets every filter', async () => {
    await page.getByTestId('filter-rule').selectOption('narrative.mismatch');
    await page.getByTestId('filter-severity').selectOption('warning');
    const labels = await page.getByTestId('filter-rule').locator('option').allInnerTexts();
    expect(labels.some((l) => /[a-z]+\.[a-z]/.test(l))).toBe(false);
    expect(await page.locator('body').innerText()).not.toMatch(/\b(fund|score|indicator|form|narrative|value|ledger|batch|file|rule)\.[a-z-]+/);
    await page.getByTestId('filter-reset').click();
    await expect(page.getByTestId('filter-rule').inputValue()).resolves.toBe('');
    await expect(page.getByTestId('filter-severity').inputValue()).resolves.toBe('');
  });

  it('fits a phone’s width (390 px): no sideways scrolling, findings as cards', async () => {
    const doc = await auditedDoc();
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await phone.goto(page.url());
    await phone.getByTestId('results').waitFor({ state: 'visible', timeout: 60_000 });
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await expect(phone.getByTestId('finding-row').count()).resolves.toBe(doc.findings.length);
    await phone.close();
  });

  it('loads an audit whose link is pasted into the open page, and says so when only other files were chosen', async () => {
    const fresh = await browser.newPage({ locale: 'zh-CN' });
    await fresh.goto(server.url);
    const id = /audit=([0-9a-f-]{36})/.exec(page.url())![1]!;
    await fresh.evaluate((h) => (location.hash = h), `audit=${id}`);
    await fresh.getByTestId('results').waitFor({ state: 'visible', timeout: 60_000 });
    await fresh.getByTestId('files-input').setInputFiles({ name: '说明.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('x') });
    await expect(fresh.getByTestId('selection').innerText()).resolves.toContain('没有可审核的工作簿');
    await expect(fresh.getByTestId('start').isDisabled()).resolves.toBe(true);
    await fresh.close();
  });

  it('downloads a department correction list that holds that department’s findings', async () => {
    const doc = await auditedDoc();
    const row = page.getByTestId('dept-row').first();
    const department = (await row.getAttribute('data-department'))!;
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('download-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(download.suggestedFilename()).toContain('公安局');
    const saved = path.join(downloads, download.suggestedFilename());
    await download.saveAs(saved);

    const wb = XLSX.read(readFileSync(saved));
    // the list's heading (整改清单, 主管部门 … a blank row) stands above its header row
    const rows = XLSX.utils.sheet_to_json<Record<string, unknown>>(wb.Sheets[wb.SheetNames[0]!]!, { range: 7 });
    const own = doc.findings.filter((f) => (f.department ?? '未知部门') === department);
    expect(rows).toHaveLength(own.length);
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['序号', '文件', '工作表', '单元格', '问题类型', '严重程度', '问题说明', '应为', '表中为']));
    expect(rows.map((r) => r['问题说明']).sort()).toEqual(own.map((f) => f.message).sort());
  });
});
