/**
 * The report stage's annotated copies: made after the batch rules, by the reader processes, of the workbooks that
 * have findings only; summary.xlsx's file list says which files got none and why.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insurance } from '../helpers/workbooks.js';
import { type CliResult, type FindingsDoc, police, readFindings, removeTempRoots, runAudit, sheetRows, tableXlsx, tempRoot, write } from './helpers.js';

afterAll(removeTempRoots);

let root: string;
let run: CliResult;
let doc: FindingsDoc;
const out = () => path.join(root, 'out');

beforeAll(async () => {
  root = tempRoot();
  const b = path.join(root, 'b');
  // Clean once the one info-level rule the seed table raises is off.
  write(path.join(b, '政法委', '保险.xlsx'), tableXlsx(insurance));
  // 总分 96.5 where the scores add up to 98.76.
  write(path.join(b, '公安局', '反诈.xlsx'), tableXlsx(police('反诈宣传经费', (t) => void (t.total = 96.5))));
  // The same table again under another name: clean by itself, a batch.duplicate of 反诈.xlsx (later in file order).
  write(path.join(b, '公安局', '反诈（再次）.xls'), tableXlsx(police('反诈宣传经费', (t) => void (t.total = 96.5)), 'biff8'));
  write(path.join(b, '公安局', '空.xlsx'), '');
  write(path.join(root, 'rules.json'), JSON.stringify({ disabled: ['indicator.met-but-deducted'] }));
  run = await runAudit(['b', '--out', 'out', '--rules', 'rules.json'], root);
  doc = readFindings(out());
});

describe('annotated copies', () => {
  it('only workbooks with findings get one; a clean one and an unreadable one get none', () => {
    expect(run.code, run.stderr).toBe(1);
    expect(doc.findings.filter((f) => f.file === '政法委/保险.xlsx')).toEqual([]);
    const copies = fs.readdirSync(path.join(out(), 'annotated'), { recursive: true }).map(String).filter((f) => f.endsWith('.xlsx')).sort();
    expect(copies).toEqual([path.join('公安局', '反诈.xlsx'), path.join('公安局', '反诈（再次）.xls.xlsx')].sort());
  });

  it('a finding of the batch rules is on the copy too, though the file is clean by itself', () => {
    const dup = doc.findings.filter((f) => f.rule === 'batch.duplicate');
    expect(dup.map((f) => f.file)).toEqual(['公安局/反诈（再次）.xls']);
    const wb = XLSX.read(fs.readFileSync(path.join(out(), 'annotated', '公安局', '反诈（再次）.xls.xlsx')));
    const comment = (wb.Sheets[dup[0]!.sheet!]?.[dup[0]!.cell!] as XLSX.CellObject | undefined)?.c?.[0]?.t ?? '';
    expect(comment).toContain(dup[0]!.message);
  });

  it('summary.xlsx says, per file, where its copy is or why there is none', () => {
    const rows = sheetRows(path.join(out(), 'summary.xlsx'), '文件');
    const header = rows[0]!.map(String);
    expect(header).toContain('批注副本');
    const col = header.indexOf('批注副本');
    const of = (file: string) => String(rows.find((r) => r[0] === file)?.[col]);
    expect(of('政法委/保险.xlsx')).toBe('无问题，未生成批注副本');
    expect(of('公安局/反诈.xlsx')).toBe('annotated/公安局/反诈.xlsx');
    expect(of('公安局/反诈（再次）.xls')).toBe('annotated/公安局/反诈（再次）.xls.xlsx');
    expect(of('公安局/空.xlsx')).toBe('未审核，无批注副本');
  });
});
