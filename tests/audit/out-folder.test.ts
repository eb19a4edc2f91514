/**
 * Item 9 of issue 17: a report is written aside and moved into --out only when complete. A disk that fills up while
 * it is written (ENOSPC, injected at the write of one report) leaves the previous report exactly as it was, says in
 * Chinese what was not written and why, and exits 2; a run killed midway leaves debris the next run clears.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFindings, removeTempRoots, runAudit, tableXlsx, tempRoot, walk, write } from '../cli/helpers.js';
import { insurance, xueliang } from '../helpers/workbooks.js';
import { StagedOutput } from '../../src/audit/outputs.js';

afterAll(removeTempRoots);
afterEach(() => vi.restoreAllMocks());

let root: string;
let bureau: string;

beforeAll(() => {
  root = tempRoot();
  bureau = path.join(root, 'bureau');
  write(path.join(bureau, '政法委', '网格员意外伤害保险.xlsx'), tableXlsx(insurance));
  write(path.join(bureau, '政法委', '雪亮工程.xlsx'), tableXlsx(xueliang));
});

/** Every file of a folder with its bytes, to compare a folder before and after. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(walk(dir).map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]));
}

function noSpaceWhen(match: (file: string) => boolean): void {
  const real = fs.writeFileSync;
  vi.spyOn(fs, 'writeFileSync').mockImplementation((file, ...rest) => {
    if (typeof file === 'string' && match(file)) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
    return real(file, ...(rest as [string]));
  });
}

describe('a full disk while the report is written', () => {
  it.each([
    ['the summary', (f: string) => f.endsWith('summary.xlsx'), '汇总表 summary.xlsx'],
    ['a correction list', (f: string) => f.endsWith('.csv'), '整改清单'],
  ])('at %s: the previous report stays byte for byte, the error says what and why, exit 2', async (_what, match, writing) => {
    const out = path.join(root, `out-${writing.length}`);
    const first = await runAudit([bureau, '--out', out, '--jobs', '1'], root);
    expect(first.code).toBeLessThan(2);
    const before = snapshot(out);
    expect(Object.keys(before)).toContain('findings.json');

    // resubmitted: one table corrected, so that a new report would differ
    write(path.join(bureau, '政法委', '雪亮工程.xlsx'), tableXlsx(insurance));
    noSpaceWhen(match);
    const second = await runAudit([bureau, '--out', out, '--jobs', '1'], root);
    vi.restoreAllMocks();
    write(path.join(bureau, '政法委', '雪亮工程.xlsx'), tableXlsx(xueliang));

    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`报告未能写出：写${writing}时磁盘空间不足`);
    expect(second.stderr).toContain('输出文件夹里原有的报告保持不变');
    expect(second.stderr).toContain('请腾出磁盘空间后重新审核');
    expect(snapshot(out)).toEqual(before);
    // no stage left behind
    expect(fs.readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('into a new folder: nothing half-written is left that could pass for a report', async () => {
    const out = path.join(root, 'out-new');
    noSpaceWhen((f) => f.endsWith('summary.xlsx'));
    const run = await runAudit([bureau, '--out', out, '--jobs', '1'], root);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('输出文件夹里没有留下不完整的报告');
    expect(fs.readdirSync(out)).toEqual([]);
  });
});

describe('StagedOutput', () => {
  it('clears the stage a killed run left (its process is gone), not a live one', () => {
    const out = path.join(root, 'out-debris');
    fs.mkdirSync(out);
    const dead = path.join(out, '.正在写出-999999999-abcd0123');
    const live = path.join(out, `.正在写出-${process.pid}-abcd0123`);
    for (const d of [dead, live]) write(path.join(d, 'findings.json'), '{}');
    const stage = new StagedOutput(out);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    stage.abandon();
    fs.rmSync(live, { recursive: true });
  });

  it('moves a complete report in over an earlier one of ours, and keeps what is not ours', () => {
    const out = path.join(root, 'out-commit');
    fs.mkdirSync(out);
    write(path.join(out, 'summary.xlsx'), 'someone else’s file');
    write(path.join(out, '说明.txt'), 'kept');
    const stage = new StagedOutput(out);
    write(path.join(stage.dir, 'findings.json'), '{"schemaVersion":3,"tool":{"name":"perf-recon"}}');
    write(path.join(stage.dir, 'summary.xlsx'), 'new');
    write(path.join(stage.dir, 'corrections', 'a.csv'), 'new');
    stage.commit();
    const names = fs.readdirSync(out).sort();
    expect(names.filter((n) => !n.startsWith('原有文件-'))).toEqual(['corrections', 'findings.json', 'summary.xlsx', '说明.txt']);
    const kept = names.find((n) => n.startsWith('原有文件-'))!;
    expect(fs.readFileSync(path.join(out, kept, 'summary.xlsx'), 'utf8')).toBe('someone else’s file');

    // the next report replaces this one (now ours) entirely: the old list is gone
    const next = new StagedOutput(out);
    write(path.join(next.dir, 'findings.json'), '{"schemaVersion":3,"tool":{"name":"perf-recon"}}');
    write(path.join(next.dir, 'summary.xlsx'), 'newer');
    next.commit();
    expect(fs.existsSync(path.join(out, 'corrections'))).toBe(false);
    expect(fs.readFileSync(path.join(out, 'summary.xlsx'), 'utf8')).toBe('newer');
  });

  it('an audit into --out reads back as one', async () => {
    const out = path.join(root, 'out-plain');
    const run = await runAudit([bureau, '--out', out, '--jobs', '1'], root);
    expect(run.code).toBeLessThan(2);
    expect(readFindings(out).inputs).toHaveLength(2);
    expect(fs.readdirSync(out).sort()).toEqual(['annotated', 'corrections', 'findings.json', 'summary.xlsx']);
  });
});
