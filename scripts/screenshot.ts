/**
 * docs/screenshot.png for the README: the page after auditing samples/, one finding opened.
 * `npm run screenshot` (needs /usr/bin/chromium, and a CJK font such as fonts-wqy-zenhei for the Chinese to show).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../src/server/index.js';
import { launchChromium } from './browser.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(ROOT, 'docs', 'screenshot.png');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'recon-shot-'));
const server = await startServer({ dataDir, port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1, locale: 'zh-CN' });
  await page.goto(server.url);
  await page.getByTestId('folder-input').setInputFiles(path.join(ROOT, 'samples'));
  await page.getByTestId('start').click();
  await page.getByTestId('results').waitFor({ state: 'visible', timeout: 60_000 });
  await page.getByTestId('finding-row').filter({ hasText: '雪亮工程' }).filter({ hasText: '749.41' }).first().click();
  // The clicked row scrolled the page: show the summary and the ranking beside the detail.
  await page.getByTestId('results').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${path.relative(ROOT, out)}`);
} finally {
  await browser.close();
  await server.app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
