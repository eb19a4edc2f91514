/**
 * Exit codes of `recon audit`: 0 with no error-level finding, 1 with one, 2 for a usage or set-up problem (with a
 * message on stderr and no traceback).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insurance } from '../helpers/workbooks.js';
import { readFindings, runAudit, tableXlsx, tempRoot, write, removeTempRoots } from './helpers.js';

afterAll(removeTempRoots);

let root: string;

beforeAll(() => {
  root = tempRoot();
  write(path.join(root, 'clean', '网格员意外伤害保险.xlsx'), tableXlsx(insurance));
  fs.mkdirSync(path.join(root, 'nothing'));
  write(path.join(root, 'nothing', '说明.txt'), '没有表格');
  write(path.join(root, 'bad.json'), '{ "disabled": [ ');
  write(path.join(root, 'tolerance.json'), '{ "tolerance": "abc" }');
  write(path.join(root, 'contacts.csv'), '姓名,电话\n张三,0352-1234567\n');
  write(path.join(root, 'a-file'), 'not a folder');
});

function expectUsage(r: { code: number | null; stderr: string; stdout: string }, pattern?: RegExp) {
  expect(r.code, r.stdout + r.stderr).toBe(2);
  expect(r.stderr.trim()).not.toBe('');
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // a message, not a stack trace
  if (pattern) expect(r.stderr).toMatch(pattern);
}

describe.concurrent('recon audit exit codes', () => {
  it.runIf(process.platform === 'linux')('2 at once when --out cannot be made (under /proc, where mkdir -p would spin)', async () => {
    expectUsage(await runAudit(['clean', '--out', '/proc/perf-recon/out'], root), /输出文件夹无法创建/);
  });

  it('0 for a folder with only clean tables', async () => {
    const r = await runAudit(['clean', '--out', 'out-clean'], root);
    expect(r.code, r.stderr).toBe(0);
    const doc = readFindings(path.join(root, 'out-clean'));
    expect(doc.inputs.map((i) => [i.file, i.status])).toEqual([['网格员意外伤害保险.xlsx', 'audited']]);
    expect(doc.summary.errors).toBe(0);
    expect(doc.findings.every((f) => f.severity !== 'error')).toBe(true);
  });

  it('2 with no arguments', async () => expectUsage(await runAudit([], root)));

  it('2 without --out', async () => {
    expectUsage(await runAudit(['clean'], root), /--out/);
    expect(fs.existsSync(path.join(root, 'clean', 'findings.json'))).toBe(false);
  });

  it('2 for a folder with no workbooks', async () => {
    expectUsage(await runAudit(['nothing', '--out', 'out-nothing'], root), /nothing/);
    expect(fs.existsSync(path.join(root, 'out-nothing', 'findings.json'))).toBe(false);
  });

  it('2 for a path that does not exist', async () => expectUsage(await runAudit(['no-such-folder', '--out', 'out-missing'], root)));

  it('2 for a rules file that is not JSON', async () => {
    expectUsage(await runAudit(['clean', '--out', 'out-bad-json', '--rules', 'bad.json'], root), /bad\.json/);
    expect(fs.existsSync(path.join(root, 'out-bad-json', 'findings.json'))).toBe(false);
  });

  it('2 for a rules file with a tolerance that is not a number', async () =>
    expectUsage(await runAudit(['clean', '--out', 'out-tolerance', '--rules', 'tolerance.json'], root), /tolerance/));

  it('2 for a rules file that does not exist', async () =>
    expectUsage(await runAudit(['clean', '--out', 'out-no-rules', '--rules', 'no-such-rules.json'], root)));

  it('2 for a ledger that does not exist', async () =>
    expectUsage(await runAudit(['clean', '--out', 'out-no-ledger', '--ledger', 'no-such-ledger.csv'], root)));

  it('2 for a ledger with no ledger header', async () =>
    expectUsage(await runAudit(['clean', '--out', 'out-bad-ledger', '--ledger', 'contacts.csv'], root), /台账无法读取.*找不到台账表头（须有/));

  it('2 when --out is an existing file', async () => {
    const r = await runAudit(['clean', '--out', 'a-file'], root);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('a-file');
    // Note: the message is a raw stack trace (EEXIST from mkdirSync), not a one-line explanation.
  });

  it('2 for --jobs 0', async () => expectUsage(await runAudit(['clean', '--out', 'out-jobs', '--jobs', '0'], root), /--jobs/));
});
