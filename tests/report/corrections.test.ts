import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import {
  CORRECTION_HEADERS,
  correctionRows,
  toCsv,
  writeAllCorrections,
  writeCorrections,
} from '../../src/report/index.js';
import { finding, tmpDir, TITLES } from './helpers.js';

XLSX.set_fs(fs);

function readXlsxRows(file: string): unknown[][] {
  const wb = XLSX.readFile(file);
  expect(wb.SheetNames).toEqual(['整改清单']);
  const ws = wb.Sheets['整改清单'];
  if (!ws) throw new Error('no sheet');
  return XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, defval: '' });
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

const evil = [
  finding({ cell: 'B3', message: '=HYPERLINK("http://x","y")', project: '+1', file: '@SUM(A1).xlsx', expected: '-2+3', actual: '-0.3' }),
  finding({ cell: 'A3', message: '普通说明, 含逗号 "引号"\n第二行', project: '雪亮工程', expected: null, actual: null }),
];

describe('correctionRows', () => {
  it('starts with the headers and lists errors, then warnings, then notes, each by file, sheet, cell', () => {
    const rows = correctionRows(
      [
        finding({ cell: 'A10' }),
        finding({ cell: 'C1', severity: 'info', rule: 'value.dirty' }),
        finding({ cell: 'B2' }),
        finding({ cell: 'A1', severity: 'warning', rule: 'narrative.mismatch' }),
        finding({ cell: 'A2', rule: 'x.unknown' }),
        finding({ file: '0.xlsx', cell: 'Z9' }),
      ],
      TITLES,
    );
    expect(rows[0]).toEqual([...CORRECTION_HEADERS]);
    expect(rows[0]).toEqual(['序号', '文件', '工作表', '单元格', '预算单位', '项目', '问题类型', '严重程度', '问题说明', '应为', '表中为']);
    expect(rows.slice(1).map((r) => `${r[0]} ${r[1]} ${r[3]} ${r[7]}`)).toEqual([
      '1 0.xlsx Z9 错误（须整改）',
      '2 政法委/2022.xlsx A2 错误（须整改）',
      '3 政法委/2022.xlsx B2 错误（须整改）',
      '4 政法委/2022.xlsx A10 错误（须整改）',
      '5 政法委/2022.xlsx A1 警告（须说明）',
      '6 政法委/2022.xlsx C1 提示',
    ]);
    // A rule with no title is 其他问题: a rule id never reaches the department.
    expect(rows[2]?.[6]).toBe('其他问题');
    expect(rows[3]).toEqual([
      '3', '政法委/2022.xlsx', '网格员', 'B2', '政法委机关', '网格员意外伤害保险', '执行率计算', '错误（须整改）',
      '执行率应为 95.64%（6.695 ÷ 7），表中为 96.54%', '95.64%', '96.54%',
    ]);
    expect(rows.flat().join(' ')).not.toMatch(/fund\.|x\.unknown|value\.dirty/);
  });

  it('neutralizes formula-like text from the submission', () => {
    const rows = correctionRows(evil, TITLES);
    const row = rows[1]; // '@' sorts before '政'
    expect(row?.[1]).toBe(`'@SUM(A1).xlsx`);
    expect(row?.[5]).toBe('+1'); // a plain signed number is left alone
    expect(rows[2]?.[5]).toBe('雪亮工程');
    expect(row?.[8]).toBe(`'=HYPERLINK("http://x","y")`);
    expect(row?.[9]).toBe(`'-2+3`);
    expect(row?.[10]).toBe('-0.3');
  });
});

describe('toCsv', () => {
  it('writes BOM, CRLF and RFC 4180 quoting that parses back to the same rows', () => {
    const rows = correctionRows(evil, TITLES);
    const csv = toCsv(rows);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).toContain('"普通说明, 含逗号 ""引号""\n第二行"');
    expect(csv.split('\r\n')[0]).toBe('\uFEFF序号,文件,工作表,单元格,预算单位,项目,问题类型,严重程度,问题说明,应为,表中为');
    expect(parse(csv, { bom: true })).toEqual(rows);
  });
  it('quotes only when needed', () => {
    expect(toCsv([['a', 'b,c', 'd"e', ''], ['x\ry']])).toBe('\uFEFFa,"b,c","d""e",\r\n"x\ry"\r\n');
  });
});

const HEADING_ROWS = 7; // 整改清单, 主管部门, 审核日期, 审核范围, 核对台账, 问题数, a blank row

describe('writeCorrections', () => {
  it('writes a heading, then the table, as xlsx and csv that read back to the same rows, with injection neutralized', () => {
    const out = tmpDir();
    const ctx = { date: '2026年12月6日', ledger: '预算执行台账.csv', submitted: { 政法委: { files: 3, tables: 4 } } };
    const res = writeCorrections(out, '政法委', evil, TITLES, ctx);
    expect(res).toEqual({
      xlsx: path.join(out, 'corrections', '政法委.xlsx'),
      csv: path.join(out, 'corrections', '政法委.csv'),
    });
    const heading = [
      ['整改清单'],
      ['主管部门', '政法委'],
      ['审核日期', '2026年12月6日'],
      ['审核范围', '报送文件 3 个，自评表 4 张'],
      ['核对台账', '预算执行台账.csv'],
      ['问题数', '错误 2 个（须整改），警告 0 个（须说明），提示 0 个（供参考）'],
    ];
    const rows = correctionRows(evil, TITLES);
    const csv = fs.readFileSync(res.csv);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(parse(csv, { bom: true, relax_column_count: true })).toEqual([...heading, [''], ...rows]);
    expect(csv.toString('utf8')).toContain(`'=HYPERLINK(""http://x"",""y"")`);

    const back = readXlsxRows(res.xlsx);
    const width = CORRECTION_HEADERS.length;
    const pad = (r: unknown[]) => [...r, ...Array(width - r.length).fill('')];
    expect(back.slice(0, HEADING_ROWS - 1)).toEqual(heading.map(pad));
    expect(back.slice(HEADING_ROWS)).toEqual(rows.map((r, i) => (i === 0 ? r : [Number(r[0]), ...r.slice(1)])));
    const ws = XLSX.readFile(res.xlsx).Sheets['整改清单'];
    const at = (col: string, row: number) => ws?.[`${col}${HEADING_ROWS + row}`];
    expect(at('I', 2)).toMatchObject({ t: 's', v: `'=HYPERLINK("http://x","y")` });
    expect(at('I', 2)?.f).toBeUndefined();
    expect(at('B', 2)?.v).toBe(`'@SUM(A1).xlsx`);
    expect(at('F', 2)).toMatchObject({ t: 's', v: '+1' });
    expect(at('J', 2)?.v).toBe(`'-2+3`);
    expect(at('K', 2)).toMatchObject({ t: 's', v: '-0.3' });
    expect(at('I', 3)?.v).toBe('普通说明, 含逗号 "引号"\n第二行');
    expect(at('A', 2)).toMatchObject({ t: 'n', v: 1 });
    const cols = XLSX.readFile(res.xlsx, { cellStyles: true }).Sheets['整改清单']?.['!cols'];
    expect(cols?.length).toBe(width);
    expect(cols?.[8]?.wch).toBeGreaterThan(cols?.[0]?.wch ?? 99);
  });

  it('says 未使用台账 when the audit had no ledger', () => {
    const res = writeCorrections(tmpDir(), '政法委', evil, TITLES, { date: '2026年12月6日', ledger: null, submitted: {} });
    expect(readXlsxRows(res.xlsx)[4]?.slice(0, 2)).toEqual(['核对台账', '未使用台账']);
  });

  it('keeps hostile department names inside the output folder', () => {
    const out = tmpDir();
    for (const dept of ['../../x', 'a/b\\c:d', '..', 'CON']) {
      const res = writeCorrections(out, dept, [finding({ department: dept })], TITLES);
      for (const file of [res.xlsx, res.csv]) {
        expect(inside(path.join(out, 'corrections'), file)).toBe(true);
        expect(path.dirname(file)).toBe(path.join(out, 'corrections'));
        expect(fs.existsSync(file)).toBe(true);
      }
    }
    expect(fs.readdirSync(path.join(out, 'corrections')).sort()).toEqual(
      ['CON_.csv', 'CON_.xlsx', '_._x.csv', '_._x.xlsx', 'a_b_c_d.csv', 'a_b_c_d.xlsx', '部门.csv', '部门.xlsx'].sort(),
    );
    expect(fs.readdirSync(out)).toEqual(['corrections']);
  });
});

describe('writeAllCorrections', () => {
  it('groups by department and gives colliding safe names _2, _3 in department-name order', () => {
    const out = tmpDir();
    const fs_ = [
      finding({ department: 'a:b', cell: 'A1' }),
      finding({ department: 'a/b', cell: 'A2' }),
      finding({ department: 'a*b', cell: 'A3' }),
      finding({ department: 'a*b', cell: 'A4' }),
      finding({ department: null, cell: 'A5' }),
      finding({ department: '政法委', cell: 'A6' }),
    ];
    const res = writeAllCorrections(out, fs_, TITLES);
    const base = (p: string) => path.basename(p);
    // sorted by code unit: 'a*b' (0x2a) < 'a/b' (0x2f) < 'a:b' (0x3a)
    expect(Object.fromEntries(Object.entries(res).map(([k, v]) => [k, [base(v.xlsx), base(v.csv)]]))).toEqual({
      'a*b': ['a_b.xlsx', 'a_b.csv'],
      'a/b': ['a_b_2.xlsx', 'a_b_2.csv'],
      'a:b': ['a_b_3.xlsx', 'a_b_3.csv'],
      未知部门: ['未知部门.xlsx', '未知部门.csv'],
      政法委: ['政法委.xlsx', '政法委.csv'],
    });
    const ab = readXlsxRows(path.join(out, 'corrections', 'a_b.xlsx'));
    expect(ab.slice(HEADING_ROWS + 1).map((r) => r[3])).toEqual(['A3', 'A4']);
    const ab3 = parse(fs.readFileSync(path.join(out, 'corrections', 'a_b_3.csv')), { bom: true, relax_column_count: true }) as string[][];
    expect(ab3.slice(HEADING_ROWS + 1).map((r) => r[3])).toEqual(['A1']);
    // same result run again on shuffled input
    const again = writeAllCorrections(tmpDir(), [...fs_].reverse(), TITLES);
    expect(Object.fromEntries(Object.entries(again).map(([k, v]) => [k, base(v.csv)]))).toEqual(
      Object.fromEntries(Object.entries(res).map(([k, v]) => [k, base(v.csv)])),
    );
  });

  it('treats names differing only in case as colliding', () => {
    const res = writeAllCorrections(tmpDir(), [finding({ department: 'abc' }), finding({ department: 'ABC' })], TITLES);
    expect(path.basename(res['ABC']?.csv ?? '')).toBe('ABC.csv');
    expect(path.basename(res['abc']?.csv ?? '')).toBe('abc_2.csv');
  });
});
