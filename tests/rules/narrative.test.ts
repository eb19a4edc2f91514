import { describe, expect, it } from 'vitest';
import { narrativeMismatch } from '../../src/rules/narrative.js';
import { statedFigures } from '../../src/rules/stated-figures.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { checkTable } from '../../src/rules/index.js';
import { type TableSpec, insurance, roundTrip, spec } from '../helpers/workbooks.js';

/*
 * The insurance seed table in the seed layout: 全年预算数 7, 全年执行数 6.695, 结余 0.305, 执行率 95.64 (万元);
 * the implementation text in E21, the output text in E22. The seed text reads
 * 年度预算资金7万元，实际执行6.695万元，预算执行率95.64%，结余资金0.305万元.
 */

const SEED_TEXT = insurance.analysis[0]!.text;

/** The insurance table with one phrase of its implementation text replaced. */
function saying(from: string, to: string): TableSpec {
  if (!SEED_TEXT.includes(from)) throw new Error(`not in the seed text: ${from}`);
  return spec(insurance, (t) => void (t.analysis[0]!.text = SEED_TEXT.replace(from, to)));
}

describe('statedFigures', () => {
  it('finds the four figures of the seed text with their precision and unit', () => {
    expect(statedFigures(SEED_TEXT).map((f) => `${f.kind} ${f.phrase} ${f.value.toFixed()} ${f.decimals} ${f.unit}`)).toEqual([
      'budget 年度预算资金7万元 7 0 万元',
      'executed 实际执行6.695万元 6.695 3 万元',
      'rate 执行率95.64% 95.64 2 %',
      'balance 结余资金0.305万元 0.305 3 万元',
    ]);
  });

  it('does not reach across a sentence break', () => {
    expect(statedFigures('年度预算已下达。7万元另行安排')).toEqual([]);
  });
});

ruleTester(narrativeMismatch, {
  valid: [
    { name: 'the seed insurance text agrees with the table', table: insurance },
    { name: 'an amount in 元: 70000元 is 7万元', table: saying('年度预算资金7万元', '年度预算资金70000元') },
    { name: 'an amount in 元 with the decimals of 万元: 66950元 is 6.695万元', table: saying('实际执行6.695万元', '实际执行66950元') },
    { name: 'a rounded rate: 95.6% for 95.64', table: saying('预算执行率95.64%', '预算执行率95.6%') },
    { name: 'a rate rounded to an integer: 96% for 95.64', table: saying('预算执行率95.64%', '预算执行率96%') },
    { name: 'a rounded amount: 6.7万元 for 6.695', table: saying('实际执行6.695万元', '实际执行6.7万元') },
    { name: 'full-width figures in the text: ７万元, ９５．６４％', table: saying('年度预算资金7万元，实际执行6.695万元，预算执行率95.64%', '年度预算资金７万元，实际执行６．６９５万元，预算执行率９５．６４％') },
    {
      name: 'a blank 结余 cell: the text is compared with 7 − 6.695',
      table: spec(insurance, (t) => {
        for (const f of t.funds) f.balance = null;
      }),
    },
    {
      name: '年初预算 is compared with the 预算编制数 column (8), not 全年预算数 (7)',
      table: spec(saying('网格员意外伤害保险费', '网格员意外伤害保险费年初预算8万元，'), (t) => {
        for (const f of t.funds) Object.assign(f, { declared: 8, initial: 8 });
      }),
    },
    {
      name: 'a rate the table shows rounded (96) and the text states precisely (95.64%)',
      table: spec(insurance, (t) => {
        for (const f of t.funds) f.rate = 96;
      }),
    },
    { name: '全年预算执行数6.695万元 is the executed amount, not the budget', table: saying('实际执行6.695万元', '全年预算执行数6.695万元') },
    { name: 'within the rules file tolerance: 95.65% for 95.64 with 0.01', table: saying('预算执行率95.64%', '预算执行率95.65%'), params: { tolerance: '0.01' } },
    { name: 'the central layout has no analysis text', table: saying('年度预算资金7万元', '年度预算资金8万元'), layout: 'central' },
    { name: 'messy labels, no merges, shifted', table: insurance, render: { messyLabels: true, noMerges: true, offsetRows: 3, offsetCols: 2 } },
    {
      name: 'the text states the right rate (95.64%) beside a wrong one in the table (96.54): fund.rate, not the text, is wrong',
      table: spec(insurance, (t) => void (t.funds[0]!.rate = 96.54)),
    },
    {
      name: 'the text states the exact balance (0.305) of a table that shows it rounded (0.31)',
      table: spec(insurance, (t) => {
        for (const f of t.funds) f.balance = 0.31;
      }),
    },
    {
      name: 'the text states the right balance (0.305) beside a wrong one in the table (0.35)',
      table: spec(insurance, (t) => void (t.funds[0]!.balance = 0.35)),
    },
  ],
  invalid: [
    {
      name: 'an amount with thousands separators: 1,392.31万元 is read as 1392.31',
      table: saying('年度预算资金7万元', '年度预算资金1,392.31万元'),
      errors: [{ cell: 'E21', message: '分析说明称“年度预算资金1,392.31万元”，与表中全年预算数 7 万元 不符', expected: '7 万元', actual: '1392.31 万元' }],
    },
    {
      name: 'a keyword broken by a line break or a space: 实际\n执行6.5万元, 预算执行 率90%',
      table: saying('实际执行6.695万元，预算执行率95.64%', '实际\n执行6.5万元，预算执行 率90%'),
      errors: [
        { cell: 'E21', message: '分析说明称“实际执行6.5万元”，与表中全年执行数 6.695 万元 不符' },
        { cell: 'E21', message: '分析说明称“执行率90%”，与表中执行率 95.64% 不符' },
      ],
    },
    {
      name: 'a text more precise than the table’s rounded rate is checked against the amounts: 96.4% beside 96 (95.64)',
      table: spec(saying('预算执行率95.64%', '预算执行率96.4%'), (t) => {
        for (const f of t.funds) f.rate = 96;
      }),
      errors: [{ cell: 'E21', message: '分析说明称“执行率96.4%”，与表中执行率 96% 不符' }],
    },
    {
      name: 'a negative balance stated in the text is read with its sign: 结余资金-0.2万元 against 0.305',
      table: saying('结余资金0.305万元', '结余资金-0.2万元'),
      errors: [{ cell: 'E21', message: '分析说明称“结余资金-0.2万元”，与表中资金结(转)余 0.305 万元 不符', actual: '-0.2 万元' }],
    },
    {
      name: '年初预算 in the text of a table without 年初 figures: compared with 全年预算数, and named so',
      table: spec(saying('网格员意外伤害保险费', '网格员意外伤害保险费年初预算8万元，'), (t) => {
        for (const f of t.funds) Object.assign(f, { declared: null, initial: null });
      }),
      errors: [{ cell: 'E21', message: '分析说明称“年初预算8万元”，与表中全年预算数 7 万元 不符' }],
    },
    {
      name: 'budget: 8万元 against 7',
      table: saying('年度预算资金7万元', '年度预算资金8万元'),
      errors: [{ cell: 'E21', message: '分析说明称“年度预算资金8万元”，与表中全年预算数 7 万元 不符', expected: '7 万元', actual: '8 万元' }],
    },
    {
      name: 'executed: 6.659万元 against 6.695',
      table: saying('实际执行6.695万元', '实际执行6.659万元'),
      errors: [{ cell: 'E21', message: '分析说明称“实际执行6.659万元”，与表中全年执行数 6.695 万元 不符', expected: '6.695 万元', actual: '6.659 万元' }],
    },
    {
      name: 'rate: 96.54% against 95.64',
      table: saying('预算执行率95.64%', '预算执行率96.54%'),
      errors: [{ cell: 'E21', message: '分析说明称“执行率96.54%”，与表中执行率 95.64% 不符', expected: '95.64%', actual: '96.54%' }],
    },
    {
      name: 'balance: 0.35万元 against 0.305',
      table: saying('结余资金0.305万元', '结余资金0.35万元'),
      errors: [{ cell: 'E21', message: '分析说明称“结余资金0.35万元”，与表中资金结(转)余 0.305 万元 不符', expected: '0.305 万元', actual: '0.35 万元' }],
    },
    {
      name: 'an amount in 元 that does not convert: 66900元 is 6.69万元, not 6.695',
      table: saying('实际执行6.695万元', '实际执行66900元'),
      errors: [{ cell: 'E21', message: '分析说明称“实际执行66900元”，与表中全年执行数 6.695 万元 不符', expected: '6.695 万元', actual: '6.69 万元' }],
    },
    {
      name: 'a budget in 元 that is a factor 10 off: 7000元',
      table: saying('年度预算资金7万元', '年度预算资金7000元'),
      errors: [{ cell: 'E21', message: '分析说明称“年度预算资金7000元”，与表中全年预算数 7 万元 不符', expected: '7 万元', actual: '0.7 万元' }],
    },
    {
      name: 'a rate rounded the wrong way: 95% for 95.64',
      table: saying('预算执行率95.64%', '预算执行率95%'),
      errors: [{ cell: 'E21', message: '分析说明称“执行率95%”，与表中执行率 95.64% 不符', expected: '95.64%', actual: '95%' }],
    },
    {
      name: '年初预算 against the 预算编制数 column',
      table: saying('网格员意外伤害保险费', '网格员意外伤害保险费年初预算8万元，'),
      errors: [{ cell: 'E21', message: '分析说明称“年初预算8万元”，与表中年初预算数 7 万元 不符', expected: '7 万元', actual: '8 万元' }],
    },
    {
      name: '年初预算 7万元 against a 预算编制数 of 8 (全年预算数 7 is not the figure meant)',
      table: spec(saying('网格员意外伤害保险费', '网格员意外伤害保险费年初预算7万元，'), (t) => {
        for (const f of t.funds) Object.assign(f, { declared: 8, initial: 8 });
      }),
      errors: [{ cell: 'E21', message: '分析说明称“年初预算7万元”，与表中年初预算数 8 万元 不符', expected: '8 万元', actual: '7 万元' }],
    },
    {
      name: 'two figures wrong in one text, reported in the order budget, executed',
      table: saying('年度预算资金7万元，实际执行6.695万元', '年度预算资金8万元，实际执行7.695万元'),
      errors: [
        { cell: 'E21', message: '分析说明称“年度预算资金8万元”，与表中全年预算数 7 万元 不符' },
        { cell: 'E21', message: '分析说明称“实际执行7.695万元”，与表中全年执行数 6.695 万元 不符' },
      ],
    },
    {
      name: 'a figure in another analysis text (产出情况及分析, E22)',
      table: spec(insurance, (t) => void (t.analysis[1]!.text += '全年实际支出6万元。')),
      errors: [{ cell: 'E22', message: '分析说明称“实际支出6万元”，与表中全年执行数 6.695 万元 不符', expected: '6.695 万元', actual: '6 万元' }],
    },
    {
      name: 'shifted by 3 rows and 2 columns: the text cell is G24',
      table: saying('年度预算资金7万元', '年度预算资金8万元'),
      render: { offsetRows: 3, offsetCols: 2 },
      errors: [{ cell: 'G24', message: '分析说明称“年度预算资金8万元”，与表中全年预算数 7 万元 不符' }],
    },
  ],
});

describe('narrative.mismatch where the table has no rate of its own', () => {
  it('words the computed rate, rounded and explained, not as a long decimal', () => {
    const t = roundTrip(
      spec(insurance, (x) => {
        for (const f of x.funds) f.rate = null;
        x.analysis[0]!.text = SEED_TEXT.replace('预算执行率95.64%', '预算执行率90%');
      }),
      'seed',
      {},
    );
    const found = checkTable(t, [narrativeMismatch]);
    expect(found.map((f) => [f.cell, f.message, f.expected, f.actual])).toEqual([
      ['E21', '分析说明称“执行率90%”，与表中执行率 95.64%（6.695 ÷ 7 × 100） 不符', '95.64%', '90%'],
    ]);
  });
});
