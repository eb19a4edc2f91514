/**
 * Submission text never becomes a formula in a report, and department names never steer a file out of --out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  type FindingsDoc,
  POLICE_UNIT,
  csvRows,
  police,
  readFindings,
  removeTempRoots,
  runAudit,
  sheetRows,
  tableXlsx,
  tempRoot,
  walk,
  write,
} from './helpers.js';

afterAll(removeTempRoots);

/** Rows above a list's header (整改清单, 主管部门, 审核日期, 审核范围, 核对台账, 问题数, a blank row). */
const HEADING = 7;
const EVIL_PROJECT = '=HYPERLINK("http://evil","点我")';
const PLUS_FILE = '+公式.xlsx';
const AT_FILE = '@恶意.xlsx';
const TRAVERSAL = '../../x';
const SLASHES = 'a/b\\c';

let root: string;
let out: string;
let run: CliResult;
let doc: FindingsDoc;
let before: string[];

beforeAll(async () => {
  root = tempRoot();
  const input = path.join(root, 'in');
  write(path.join(input, PLUS_FILE), tableXlsx(police(EVIL_PROJECT, (t) => void (t.department = TRAVERSAL))));
  write(path.join(input, AT_FILE), tableXlsx(police('@SUM(1+1)', (t) => void (t.department = SLASHES))));
  before = walk(root);
  out = path.join(root, 'work', 'out');
  run = await runAudit(['in', '--out', 'work/out'], root);
  doc = readFindings(out);
});

/** All correction files, as rows (xlsx) and rows (csv), by base name. */
function corrections(): { name: string; xlsx: unknown[][]; csv: string[][] }[] {
  const dir = path.join(out, 'corrections');
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.xlsx'))
    .sort()
    .map((n) => ({ name: n.slice(0, -5), xlsx: sheetRows(path.join(dir, n)), csv: csvRows(path.join(dir, `${n.slice(0, -5)}.csv`)) }));
}

describe('formula injection', () => {
  it('the audit ran and found the two tables', () => {
    expect([0, 1], run.stderr).toContain(run.code);
    expect(doc.inputs.map((i) => [i.file, i.status])).toEqual([
      [PLUS_FILE, 'audited'],
      [AT_FILE, 'audited'],
    ].sort());
    expect(new Set(doc.findings.map((f) => f.project))).toEqual(new Set([EVIL_PROJECT, '@SUM(1+1)']));
  });

  it('CSV fields starting with = + @ get a leading apostrophe', () => {
    const all = corrections().flatMap((c) => c.csv.slice(HEADING + 1));
    expect(all.length).toBe(doc.findings.length);
    for (const row of all) {
      for (const field of row) expect(field, JSON.stringify(row)).not.toMatch(/^[=+@]/);
      expect(['\'' + PLUS_FILE, '\'' + AT_FILE]).toContain(row[1]);
      expect(['\'' + EVIL_PROJECT, "'@SUM(1+1)"]).toContain(row[5]);
    }
    // The raw CSV text: the field really begins with '= (quoted, as it holds quotes and a comma).
    const text = fs.readdirSync(path.join(out, 'corrections')).filter((n) => n.endsWith('.csv')).map((n) => fs.readFileSync(path.join(out, 'corrections', n), 'utf8')).join('');
    expect(text).toContain(`"'=HYPERLINK(""http://evil"",""点我"")"`);
    expect(text).not.toMatch(/(^|,)"?=/m);
  });

  it('xlsx cells hold the text with a leading apostrophe, as text, never a formula', () => {
    for (const c of corrections()) {
      for (const row of c.xlsx.slice(HEADING + 1)) {
        expect(String(row[1])).toMatch(/^'[+@]/);
        expect(String(row[5])).toMatch(/^'[=@]/);
      }
    }
    for (const n of fs.readdirSync(path.join(out, 'corrections')).filter((x) => x.endsWith('.xlsx'))) {
      const wb = XLSX.read(fs.readFileSync(path.join(out, 'corrections', n)), { type: 'buffer', cellFormula: true });
      for (const ws of Object.values(wb.Sheets))
        for (const [addr, cell] of Object.entries(ws)) if (!addr.startsWith('!')) expect((cell as XLSX.CellObject).f, `${n}!${addr}`).toBeUndefined();
    }
  });

  it('summary.xlsx neutralizes the file names and department names too', () => {
    const wb = XLSX.read(fs.readFileSync(path.join(out, 'summary.xlsx')), { type: 'buffer', cellFormula: true });
    const texts: string[] = [];
    for (const ws of Object.values(wb.Sheets))
      for (const [addr, cell] of Object.entries(ws)) {
        if (addr.startsWith('!')) continue;
        const c = cell as XLSX.CellObject;
        expect(c.f).toBeUndefined();
        if (typeof c.v === 'string') texts.push(c.v);
      }
    expect(texts).toContain(`'${PLUS_FILE}`);
    expect(texts).toContain(`'${AT_FILE}`);
    expect(texts.filter((t) => /^[=+@]/.test(t))).toEqual([]);
  });
});

describe('department names as file names', () => {
  it('the departments are taken as written', () => {
    expect(new Set(doc.findings.map((f) => f.department))).toEqual(new Set([TRAVERSAL, SLASHES]));
    expect(doc.findings.every((f) => f.unit === POLICE_UNIT)).toBe(true);
  });

  it('one xlsx and one csv per department, directly inside --out/corrections', () => {
    const dir = path.join(out, 'corrections');
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    expect(entries.every((e) => e.isFile())).toBe(true);
    expect(entries.filter((e) => e.name.endsWith('.xlsx'))).toHaveLength(2);
    expect(entries.filter((e) => e.name.endsWith('.csv'))).toHaveLength(2);
    for (const e of entries) expect(e.name).not.toMatch(/[/\\]|^\.|\.\./);
    // Every finding is in exactly one list, under its own department.
    expect(corrections().reduce((n, c) => n + c.xlsx.length - HEADING - 1, 0)).toBe(doc.findings.length);
  });

  it('nothing is written outside --out', () => {
    const after = walk(root);
    const created = after.filter((f) => !before.includes(f));
    expect(created.length).toBeGreaterThan(0);
    expect(created.filter((f) => !f.startsWith('work/out/'))).toEqual([]);
    for (const ext of ['.xlsx', '.csv']) {
      expect(fs.existsSync(path.resolve(out, 'corrections', `${TRAVERSAL}${ext}`)), `${TRAVERSAL}${ext}`).toBe(false);
      expect(fs.existsSync(path.join(root, `x${ext}`))).toBe(false);
      expect(fs.existsSync(path.join(root, 'work', `x${ext}`))).toBe(false);
      expect(fs.existsSync(path.join(out, 'corrections', 'a', `b\\c${ext}`))).toBe(false);
    }
    expect(fs.readdirSync(os.tmpdir()).filter((n) => n === 'x.xlsx' || n === 'x.csv')).toEqual([]);
  });

  it('annotated copies keep the (odd) file names inside --out/annotated', () => {
    const files = walk(path.join(out, 'annotated'));
    expect(files).toHaveLength(2);
    for (const f of files) expect(f).not.toMatch(/\//);
  });
});
