import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { loadLedger } from '../../src/audit/worker-task.js';
import { checkTable, tableRules } from '../../src/rules/index.js';
import { insurance, roundTrip } from '../helpers/workbooks.js';

/*
 * The insurance seed table (全年预算数 7, 全年执行数 6.695 万元; unit 007001) against ledgers in 元, GB18030, as
 * budget systems export them. Each case is one ledger; the findings are the ledger rules' only.
 */
const UNIT = '007001';
const UNIT_NAME = '中国共产党大同市云州区委员会政法委员会';

async function ledgerOf(rows: string[][]) {
  const head = ['单位代码', '单位名称', '项目编码', '项目名称', '全年预算数（元）', '全年执行数（元）'];
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'perf-recon-ledger-')), '台账.csv');
  fs.writeFileSync(file, iconv.encode([head, ...rows].map((r) => r.map((f) => `"${f}"`).join(',')).join('\r\n'), 'gb18030'));
  return loadLedger(file, null);
}

async function ledgerFindings(rows: string[][], projectCode: string | null = null) {
  const ledger = await ledgerOf(rows);
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
      ['ledger.mismatch', 'E8', '全年预算数与预算系统台账不符：台账为 70001 元（折合 7.0001 万元），表中为 7 万元', '7.0001', '7'],
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
    expect(ledger.rows.map((r) => r.projectName.value)).toEqual(['网格员意外伤害保险']);
  });
});
