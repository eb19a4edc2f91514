/**
 * A hostile file is stopped by the per-file limits and reported as file.unreadable with its reason; the files
 * around it are audited as usual. The time limit runs from when a worker starts the file: a worker's own boot
 * (here TypeScript compiled by tsx, seconds) never counts against the first files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FindingsDoc, ZFW_UNIT_NAME, ledgerCsv, readFindings, removeTempRoots, runAudit, tableXlsx, tempRoot, write } from './helpers.js';
import { insurance, xueliang } from '../helpers/workbooks.js';
import { ZipArchive, writeZip } from '../../src/ooxml/index.js';

/** A table's package whose sheet inflates to ~21 MB of cells: more than a quarter of a 64 MB worker heap. */
function inflatingXlsx(): Buffer {
  const zip = new ZipArchive(tableXlsx(insurance));
  const rows = '<row><c><v>1</v></c></row>'.repeat(800_000);
  const parts = [...zip.entries.values()].map((e) =>
    e.name === 'xl/worksheets/sheet1.xml'
      ? { name: e.name, data: Buffer.from(zip.text(e.name)!.replace(/<sheetData>[\s\S]*<\/sheetData>/, `<sheetData>${rows}</sheetData>`)) }
      : { name: e.name, from: zip, entry: e },
  );
  return writeZip(parts);
}

afterAll(removeTempRoots);

/** 5,000 × 200 distinct text cells: a valid CSV whose grid takes seconds and hundreds of MB to build. */
function hugeCsv(): string {
  const rows: string[] = [];
  for (let r = 0; r < 5000; r++) rows.push(Array.from({ length: 200 }, (_, c) => `第${r}行${c}列`).join(','));
  return rows.join('\n');
}

let bureau: string;
beforeAll(() => {
  const root = tempRoot();
  bureau = path.join(root, 'bureau');
  write(path.join(bureau, '政法委', '网格员意外伤害保险.xlsx'), tableXlsx(insurance));
  write(path.join(bureau, '政法委', '雪亮工程.xlsx'), tableXlsx(xueliang));
  write(path.join(bureau, '政法委', '巨大的附件.csv'), hugeCsv());
});

async function audit(args: string[]): Promise<{ code: number | null; doc: FindingsDoc }> {
  const out = path.join(path.dirname(bureau), `out-${args.join('-')}`);
  const run = await runAudit([bureau, '--out', out, ...(args.includes('--jobs') ? [] : ['--jobs', '2']), ...args], path.dirname(bureau));
  if (!fs.existsSync(path.join(out, 'findings.json'))) throw new Error(`no findings.json; exit ${run.code}\n${run.stderr}`);
  return { code: run.code, doc: readFindings(out) };
}

describe('per-file limits', () => {
  it('a file over the time limit is file.unreadable (读取超时); the others are audited', async () => {
    const { code, doc } = await audit(['--timeout', '1']);
    expect(code).toBe(1);
    const status = Object.fromEntries(doc.inputs.map((i) => [i.file, i.status]));
    expect(status).toEqual({ '政法委/巨大的附件.csv': 'unreadable', '政法委/网格员意外伤害保险.xlsx': 'audited', '政法委/雪亮工程.xlsx': 'audited' });
    const f = doc.findings.filter((x) => x.rule === 'file.unreadable');
    expect(f).toHaveLength(1);
    // under the department the other tables of its folder name
    expect(f[0]).toMatchObject({ file: '政法委/巨大的附件.csv', severity: 'error', cell: null, department: '007-中国共产党大同市云州区委员会政法委员会' });
    expect(f[0]!.message).toContain('读取超时（超过 1 秒）');
    expect(doc.summary.tables).toBe(2);
  });

  it('the worker that replaces a stopped one gets the ledger too: the files after the hostile one are checked against it', async () => {
    const ledger = path.join(path.dirname(bureau), 'ledger.csv');
    write(ledger, ledgerCsv([['007001', ZFW_UNIT_NAME, '网格员意外伤害保险', '70,000.00', '66,950.00'], ['007001', ZFW_UNIT_NAME, '“雪亮工程”建设项目', '5,000,000.00', '4,900,000.00']]));
    // one worker: the hostile file goes first (file order), the other two run on its replacement
    const { doc } = await audit(['--timeout', '1', '--jobs', '1', '--ledger', ledger]);
    expect(doc.inputs.map((i) => i.status)).toEqual(['unreadable', 'audited', 'audited']);
    expect(doc.findings.filter((x) => x.rule.startsWith('ledger.')).map((x) => [x.rule, x.file, x.cell])).toEqual([['ledger.mismatch', '政法委/雪亮工程.xlsx', 'F8']]);
  });

  it('a file over the memory limit is file.unreadable (内存超限); the others are audited', async () => {
    const { doc } = await audit(['--memory', '64']);
    const status = Object.fromEntries(doc.inputs.map((i) => [i.file, i.status]));
    expect(status).toEqual({ '政法委/巨大的附件.csv': 'unreadable', '政法委/网格员意外伤害保险.xlsx': 'audited', '政法委/雪亮工程.xlsx': 'audited' });
    expect(doc.findings.filter((x) => x.rule === 'file.unreadable')).toMatchObject([{ file: '政法委/巨大的附件.csv', message: expect.stringContaining('内存超限') }]);
  });

  it('a package whose sheet would inflate past a quarter of the memory limit is file.unreadable (文件过大) before it is parsed, never a crash', async () => {
    // Parsed in one go, such a sheet took the whole process down with V8's heap limit instead of only its worker.
    const root = tempRoot();
    write(path.join(root, 'in', '政法委', '网格员意外伤害保险.xlsx'), tableXlsx(insurance));
    write(path.join(root, 'in', '政法委', '膨胀.xlsx'), inflatingXlsx());
    const out = path.join(root, 'out');
    const run = await runAudit([path.join(root, 'in'), '--out', out, '--memory', '64', '--jobs', '1'], root);
    expect(run.code).toBe(1);
    const doc = readFindings(out);
    expect(doc.inputs.map((i) => [i.file, i.status])).toEqual([['政法委/网格员意外伤害保险.xlsx', 'audited'], ['政法委/膨胀.xlsx', 'unreadable']]);
    expect(doc.findings.filter((x) => x.rule === 'file.unreadable')).toMatchObject([{ file: '政法委/膨胀.xlsx', message: expect.stringContaining('文件过大') }]);
  });
});
