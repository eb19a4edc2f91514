import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { loadLedger } from '../../src/audit/ledger.js';
import { checkTable, ledgerDepartments, tableRules } from '../../src/rules/index.js';
import { insurance, roundTrip } from '../helpers/workbooks.js';

/*
 * The insurance seed table (全年预算数 7, 全年执行数 6.695 万元; unit 007001) against ledgers in 元, GB18030, as
 * budget systems export them. Each case is one ledger; the findings are the ledger rules' only.
 */
const UNIT = '007001';
const UNIT_NAME = '中国共产党大同市云州区委员会政法委员会';

const HEAD = ['单位代码', '单位名称', '项目编码', '项目名称', '全年预算数（元）', '全年执行数（元）'];

async function ledgerOf(rows: string[][], head: string[] = HEAD, above: string[][] = []) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'perf-recon-ledger-')), '台账.csv');
  fs.writeFileSync(file, iconv.encode([...above, head, ...rows].map((r) => r.map((f) => `"${f}"`).join(',')).join('\r\n'), 'gb18030'));
  return loadLedger(file, null);
}

/** The ledger rules' findings on the insurance table (its unit, name and figures unchanged unless `edit` says). */
function against(ledger: Awaited<ReturnType<typeof ledgerOf>>, edit: (t: ReturnType<typeof roundTrip>) => void = () => {}) {
  const t = roundTrip(insurance);
  edit(t);
  return checkTable(t, tableRules, undefined, ledger.index).filter((f) => f.rule.startsWith('ledger.')).map((f) => `${f.rule} ${f.cell} ${f.message}`);
}

async function ledgerFindings(rows: string[][], projectCode: string | null = null) {
  const ledger = await ledgerOf(rows, HEAD);
  const t = roundTrip(insurance);
  // (the seed layout has no 项目编码 field; a layout that has one fills it so)
  if (projectCode) t.projectCode = { value: projectCode, cell: null };
  return { ledger, t, found: checkTable(t, tableRules, undefined, ledger.index).filter((f) => f.rule.startsWith('ledger.')) };
}

describe('ledger.mismatch', () => {
  it('agrees with the ledger converted from 元 (70,000.00 and 66,950.00)', async () => {
    const { found } = await ledgerFindings([[UNIT, UNIT_NAME, '', '网格员意外伤害保险', '70,000.00', '66,950.00']]);
    expect(found).toEqual([]);
  });

  it('compares two reported figures as they stand: 70,001 元 is not the table’s 7 万元', async () => {
    const { found } = await ledgerFindings([[UNIT, UNIT_NAME, '', '网格员意外伤害保险', '70,001.00', '66,950.00']]);
    expect(found.map((f) => [f.rule, f.cell, f.message, f.expected, f.actual])).toEqual([
      ['ledger.mismatch', 'E8', '全年预算数与预算系统台账不符：台账为 70001 元（折合 7.0001 万元），表中为 7 万元', '7.0001 万元', '7 万元'],
    ]);
  });
});

describe('matching tables to ledger rows', () => {
  it('a ledger row under the same name with another project code is another project', async () => {
    const { found } = await ledgerFindings([[UNIT, UNIT_NAME, 'P100', '网格员意外伤害保险', '70,000.00', '66,950.00']], 'P999');
    expect(found.map((f) => f.rule)).toEqual(['ledger.unknown-project']);
    const same = await ledgerFindings([[UNIT, UNIT_NAME, 'P100', '另一个名称', '70,000.00', '66,950.00']], 'P100');
    expect(same.found).toEqual([]);
  });

  it('of two ledger rows with one unit and name, takes the one whose figures agree', async () => {
    const { ledger, t, found } = await ledgerFindings([
      [UNIT, UNIT_NAME, '', '网格员意外伤害保险', '30,000.00', '30,000.00'],
      [UNIT, UNIT_NAME, '', '网格员意外伤害保险', '70,000.00', '66,950.00'],
    ]);
    expect(found).toEqual([]);
    expect(ledger.index.match(t)?.row).toBe(2);
  });

  it('skips a 合计 row: it is no project', async () => {
    const { ledger } = await ledgerFindings([
      [UNIT, UNIT_NAME, '', '网格员意外伤害保险', '70,000.00', '66,950.00'],
      ['', '', '', '合计', '70,000.00', '66,950.00'],
      ['合 计', '', '', '—', '70,000.00', '66,950.00'],
    ]);
    expect([...ledger.rows].map((r) => r.projectName.value)).toEqual(['网格员意外伤害保险']);
  });
});

describe('ledgers as budget systems and bureaus export them (QA round 3)', () => {
  it('matches a unit code that lost its leading zeros as a number (7001 for 007001), and full-width project codes', async () => {
    const numeric = await ledgerOf([['7001', '区委政法委', '', '网格员意外伤害保险', '70000', '66950']]);
    expect(against(numeric)).toEqual([]);
    const coded = await ledgerOf([[UNIT, UNIT_NAME, 'P100', '网格员意外伤害保险', '70000', '70000']]);
    expect(against(coded, (t) => void (t.projectCode = { value: 'Ｐ１００', cell: null }))).toEqual([
      'ledger.mismatch F8 全年执行数与预算系统台账不符：台账为 70000 元（折合 7 万元），表中为 6.695 万元',
    ]);
  });

  it('matches by the project name alone a ledger that names no unit', async () => {
    const ledger = await ledgerOf([['网格员意外伤害保险', '70000', '60000']], ['项目名称', '全年预算数（元）', '全年执行数（元）']);
    expect(against(ledger)).toEqual(['ledger.mismatch F8 全年执行数与预算系统台账不符：台账为 60000 元（折合 6 万元），表中为 6.695 万元']);
  });

  it('takes the unit from a 单位：万元 line above the header, or a units row under it', async () => {
    const head = ['单位代码', '单位名称', '项目名称', '全年预算数', '全年执行数'];
    const row = [UNIT, UNIT_NAME, '网格员意外伤害保险', '7', '6.695'];
    const titled = await ledgerOf([row], head, [['预算执行台账'], ['单位：万元']]);
    expect([titled.rows.at(0)!.sourceUnit.budget, against(titled)]).toEqual(['万元', []]);
    const unitsRow = await ledgerOf([['', '', '', '（万元）', '（万元）'], row], head);
    expect([unitsRow.rows.length, unitsRow.rows.at(0)!.sourceUnit.executed, against(unitsRow)]).toEqual([1, '万元', []]);
  });

  it('reads a ledger longer than a submission may be (6,000 rows), to its last row', async () => {
    const filler = Array.from({ length: 6000 }, (_, i) => ['009001', '其他单位', '', `其他项目${i}`, '1000', '1000']);
    const ledger = await ledgerOf([...filler, [UNIT, UNIT_NAME, '', '网格员意外伤害保险', '70000', '60000']]);
    expect(ledger.rows).toHaveLength(6001);
    expect(against(ledger)).toEqual(['ledger.mismatch F8 全年执行数与预算系统台账不符：台账为 60000 元（折合 6 万元），表中为 6.695 万元']);
  });
});

describe('the department of a missing submission', () => {
  const known = [{ unitCode: '007001', department: '007-中国共产党大同市云州区委员会政法委员会' }];
  const ledgerDepartment = ledgerDepartments(known);
  const row = (departmentCode: string | null, departmentName: string | null, unitCode: string | null) =>
    ({ departmentCode, departmentName, unitCode }) as Parameters<typeof ledgerDepartment>[0];

  it('is the department the tables of its department code are filed under, whatever the ledger calls it', () => {
    expect(ledgerDepartment(row('007', '区委政法委', '007002'))).toBe('007-中国共产党大同市云州区委员会政法委员会');
    expect(ledgerDepartment(row('7', null, null))).toBe('007-中国共产党大同市云州区委员会政法委员会');
  });

  it('is the ledger’s own when no table names that department, else the department of its unit', () => {
    expect(ledgerDepartment(row('009', '区财政局', null))).toBe('009-区财政局');
    expect(ledgerDepartment(row(null, null, '7001'))).toBe('007-中国共产党大同市云州区委员会政法委员会');
  });

  it('is, for a unit no table names, the department its unit code begins with; the first table answers', () => {
    const departmentOf = ledgerDepartments([
      { unitCode: null, department: '区直单位' },
      { unitCode: '012001', department: '012-区教育局' },
      { unitCode: '012002', department: '012-云州区教育局' },
    ]);
    expect(departmentOf(row(null, null, '012009'))).toBe('012-区教育局');
    expect(departmentOf(row('12', null, null))).toBe('012-区教育局');
    expect(departmentOf(row(null, null, '012002'))).toBe('012-云州区教育局');
    expect(departmentOf(row(null, null, '099001'))).toBeNull();
  });
});

describe('ledger.mismatch in the units both sides use', () => {
  /** The insurance table stated in 元: 70000 and 66950. */
  const inYuan = (t: ReturnType<typeof roundTrip>) => {
    t.amountUnit = '元';
    for (const row of [t.funds.total!, ...t.funds.sources])
      for (const k of ['budget', 'executed'] as const) row.values[k] = { ...row.values[k]!, value: row.values[k]!.value!.times(10000), text: row.values[k]!.value!.times(10000).toFixed(), decimals: 0 };
  };

  it('a table in 元 agrees with a ledger in 元, and differs in 元', async () => {
    expect(against(await ledgerOf([[UNIT, UNIT_NAME, '', '网格员意外伤害保险', '70,000.00', '66,950.00']]), inYuan)).toEqual([]);
    expect(against(await ledgerOf([[UNIT, UNIT_NAME, '', '网格员意外伤害保险', '70,001.00', '66,950.00']]), inYuan)).toEqual([
      'ledger.mismatch E8 全年预算数与预算系统台账不符：台账为 70001 元，表中为 70000 元',
    ]);
  });

  it('a table in 元 against a ledger in 万元, and a ledger in 万元 against a table in 万元 (nothing to convert)', async () => {
    const head = ['单位代码', '单位名称', '项目名称', '全年预算数（万元）', '全年执行数（万元）'];
    const wan = await ledgerOf([[UNIT, UNIT_NAME, '网格员意外伤害保险', '7.0001', '6.695']], head);
    expect(against(wan, inYuan)).toEqual(['ledger.mismatch E8 全年预算数与预算系统台账不符：台账为 7.0001 万元（折合 70001 元），表中为 70000 元']);
    expect(against(wan)).toEqual(['ledger.mismatch E8 全年预算数与预算系统台账不符：台账为 7.0001 万元，表中为 7 万元']);
  });
});

describe('the ledger packed into shared memory (one copy for every thread)', () => {
  const rows = [
    ['007001', UNIT_NAME, 'P1', '网格员意外伤害保险', '70,000.00', '66,950.00'],
    ['007001', UNIT_NAME, '', '“雪亮工程”建设项目', '5,000,000.00', ''],
  ];

  it('gives back every row as it was read, amounts exact, and each row number without decoding', async () => {
    const ledger = await ledgerOf(rows);
    const [a, b] = [...ledger.rows];
    expect(ledger.rows.length).toBe(2);
    expect([a!.projectCode, a!.projectName, a!.budget.value?.toFixed(), a!.executed.value?.toFixed(), a!.budget.cell]).toEqual(['P1', { value: '网格员意外伤害保险', cell: 'D2' }, '7', '6.695', 'E2']);
    expect([b!.projectCode, b!.executed.state, b!.executed.value, b!.file, b!.sheet]).toEqual([null, 'empty', null, '台账.csv', a!.sheet]);
    expect([ledger.rows.rowOf(0), ledger.rows.rowOf(1), ledger.rows.at(2)]).toEqual([a!.row, b!.row, undefined]);
  });

  it('another thread reads the same memory: a copy of its data is no copy of the rows', async () => {
    const ledger = await ledgerOf(rows);
    const { PackedLedger } = await import('../../src/model/index.js');
    const elsewhere = new PackedLedger(structuredClone(ledger.rows.data));
    expect(elsewhere.data.text).toBeInstanceOf(SharedArrayBuffer);
    expect([...elsewhere]).toEqual([...ledger.rows]);
    // Written through one view, seen through the other: shared, not copied.
    new Uint32Array(ledger.rows.data.rows)[0] = 999;
    expect(elsewhere.rowOf(0)).toBe(999);
  });

  it('holds one sheet of one file', async () => {
    const { PackedLedger } = await import('../../src/model/index.js');
    const ledger = await ledgerOf(rows);
    expect(() => PackedLedger.pack('other.csv', ledger.rows.sheet, [...ledger.rows])).toThrow(/not other\.csv/);
  });
});
