/**
 * Issue 15: which cell fund.sum blames when a total is not the sum of its sources. A correction list must never tell
 * a department to change a figure to a value the ledger contradicts; where the evidence (the ledger, the text, the
 * figures beside a cell) cannot single out a cell, it says so instead of prescribing one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { loadLedger } from '../../src/audit/ledger.js';
import { checkTable, tableRules } from '../../src/rules/index.js';
import { here, insurance, load, roundTrip, spec } from '../helpers/workbooks.js';

const HEAD = ['单位代码', '单位名称', '项目编码', '项目名称', '全年预算数（元）', '全年执行数（元）'];

async function ledgerOf(rows: string[][]) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'perf-recon-blame-')), '台账.csv');
  fs.writeFileSync(file, iconv.encode([HEAD, ...rows].map((r) => r.map((f) => `"${f}"`).join(',')).join('\r\n'), 'gb18030'));
  return (await loadLedger(file, null)).index;
}

const errorsAndWarnings = (t: ReturnType<typeof roundTrip>, ledger: Awaited<ReturnType<typeof ledgerOf>> | null = null) =>
  checkTable(t, tableRules, undefined, ledger)
    .filter((f) => f.severity !== 'info')
    .map((f) => `${f.rule} ${f.cell} ${f.message}`);

describe('the sample 社区警务室建设: 上级补助资金 1.5 where 1 belongs, the total 7 / 6.695 right', () => {
  const table = () => load(fs.readFileSync(path.join(here, '../../samples/公安局/社区警务室建设.xlsx')), '社区警务室建设.xlsx').tables[0]!;
  const expected = (ledgerNote: string) => [
    'fund.sum C10 上级补助资金的目标申报数与资金总额不符，应为 1（资金总额 7 − 6），表中为 1.5',
    'fund.sum D10 上级补助资金的年初预算数与资金总额不符，应为 1（资金总额 7 − 6），表中为 1.5',
    `fund.sum E10 上级补助资金的全年预算数与资金总额不符，应为 1（资金总额 7 − 6${ledgerNote}），表中为 1.5；该行的资金结(转)余、执行率、得分随之改正`,
  ];

  it('without the ledger: the text (年度预算资金7万元) and the figures beside the total single out the source', () => {
    expect(errorsAndWarnings(table())).toEqual(expected(''));
  });

  it('with the ledger (70,000 / 66,950 元, as the total): the same cells, and never “资金总额应为 7.5”', async () => {
    const ledger = await ledgerOf([['008001', '大同市云州区公安局', '', '社区警务室建设', '70,000.00', '66,950.00']]);
    const found = errorsAndWarnings(table(), ledger);
    expect(found).toEqual(expected('；资金总额与预算系统台账一致'));
    expect(found.join('\n')).not.toMatch(/资金总额的全年预算数应为/);
  });
});

/** Two sources (市县区 5 / 4.695, 上级补助 2 / 2) under the total 7 / 6.695; the text states neither amount. */
const twoSources = spec(insurance, (t) => {
  t.funds = [
    t.funds[0]!,
    { label: '市县区财政资金', declared: 5, initial: 5, budget: 5, executed: 4.695, balance: 0.305, rate: 93.9, score: 9.39 },
    { label: '上级补助资金', declared: 2, initial: 2, budget: 2, executed: 2, balance: 0, rate: 100, score: 10 },
  ];
  t.analysis[0]!.text = '项目按计划实施，资金使用规范。';
});

/** The second source's 全年执行数 1.9 with its balance 0.1 and rate 95 worked out from it. */
const secondSpent19 = spec(twoSources, (t) => void Object.assign(t.funds[2]!, { executed: 1.9, balance: 0.1, rate: 95, score: 9.5 }));

describe('ledger-aware blame', () => {
  it('with nothing to tell which cell is wrong: the figures are to be checked, no value prescribed', () => {
    expect(errorsAndWarnings(roundTrip(secondSpent19))).toEqual([
      'fund.sum F8 资金总额的全年执行数 6.695 与各来源行之和 6.595（4.695 + 1.9）不符，请核对资金总额与各来源行，无法判断哪一格有误',
    ]);
  });

  it('a ledger that agrees with the total: a source is wrong, and the list says to check the sources, not the total', async () => {
    const ledger = await ledgerOf([['007001', '中国共产党大同市云州区委员会政法委员会', '', '网格员意外伤害保险', '70,000.00', '66,950.00']]);
    expect(errorsAndWarnings(roundTrip(secondSpent19), ledger)).toEqual([
      'fund.sum F8 资金总额的全年执行数 6.695 与各来源行之和 6.595（4.695 + 1.9）不符；资金总额与预算系统台账一致，请核对各来源行',
    ]);
  });

  it('a ledger that agrees with the sum: the total is the wrong cell, said once (no ledger.mismatch beside it)', async () => {
    const ledger = await ledgerOf([['007001', '中国共产党大同市云州区委员会政法委员会', '', '网格员意外伤害保险', '70,000.00', '65,950.00']]);
    expect(errorsAndWarnings(roundTrip(secondSpent19), ledger)).toEqual([
      'fund.sum F8 资金总额的全年执行数应为 6.595（4.695 + 1.9，与预算系统台账一致），表中为 6.695',
    ]);
  });

  it('sources with no balance or rate of their own (the central layout): the ledger decides which source could take the difference', async () => {
    // 其中：当年财政拨款 7.5 where 7 belongs (上年结转资金 0): the total 7 agrees with the ledger.
    const central = spec(insurance, (t) => {
      t.funds = [t.funds[0]!, { ...t.funds[1]!, budget: 7.5, rate: '—', score: '—' }, { label: '上年结转资金', declared: 0, initial: 0, budget: 0, executed: 0, balance: null, rate: '—', score: '—' }];
      t.analysis[0]!.text = '项目按计划实施。';
    });
    const ledger = await ledgerOf([['007001', '中国共产党大同市云州区委员会政法委员会', '', '网格员意外伤害保险', '70,000.00', '66,950.00']]);
    const found = errorsAndWarnings(roundTrip(central, 'central'), ledger).filter((f) => f.startsWith('fund.sum'));
    expect(found).toEqual(['fund.sum D8 其中当年财政拨款的全年预算数与资金总额不符，应为 7（资金总额 7 − 0；资金总额与预算系统台账一致），表中为 7.5']);
  });
});
