import { fundRate } from '../../src/rules/fund.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { insurance, spec } from '../helpers/workbooks.js';

ruleTester(fundRate, {
  valid: [
    { name: 'the seed insurance table: 6.695 ÷ 7 = 95.642857…% reported as 95.64', table: insurance },
    { name: 'a fraction in a percent-formatted cell', table: insurance, render: { percentFractions: true } },
    {
      name: 'no rate when 全年预算数 is 0, whatever the rate cell says',
      table: spec(insurance, (t) => {
        for (const f of t.funds) Object.assign(f, { declared: 0, initial: 0, budget: 0, executed: 0, balance: 0, rate: 100, score: 0 });
      }),
    },
    { name: 'a rounded rate: 96 for 95.642857…% (0 decimals shown)', table: spec(insurance, (t) => void (t.funds[1]!.rate = 96)) },
    {
      name: 'a fraction whose percent format was lost in a copy: 0.9564 for 95.64%',
      table: spec(insurance, (t) => {
        for (const f of t.funds) f.rate = 0.9564;
      }),
    },
  ],
  invalid: [
    {
      name: 'a fraction 1 is 100% to the whole percent, not 95.64%',
      table: spec(insurance, (t) => void (t.funds[0]!.rate = 1)),
      errors: [{ cell: 'H8', message: '资金总额的执行率应为 95.64%（6.695 ÷ 7 × 100），表中为 100%', expected: '95.64%', actual: '100%' }],
    },
    {
      name: 'a fraction that is the wrong rate all the same: 0.9654',
      table: spec(insurance, (t) => void (t.funds[0]!.rate = 0.9654)),
      // told as the fraction it is written as (裕安区 2022, tests/fixtures/real/anhui-2022-yuan-wenwu-baohu.ts), not as 0.9654%
      errors: [{ cell: 'H8', message: '资金总额的执行率应为 0.9564（6.695 ÷ 7，即 95.64%），表中为 0.9654', expected: '0.9564', actual: '0.9654' }],
    },
    {
      name: 'total row rate mistyped as 96.54',
      table: spec(insurance, (t) => {
        t.funds[0]!.rate = 96.54;
        // keep the analysis text in step, so only the arithmetic rule is broken
        t.analysis[0]!.text = t.analysis[0]!.text.replace('95.64%', '96.54%');
      }),
      errors: [{ cell: 'H8', message: '资金总额的执行率应为 95.64%（6.695 ÷ 7 × 100），表中为 96.54%', expected: '95.64%', actual: '96.54%' }],
    },
    {
      name: 'a source row: 市县区财政资金 rate 95 where 95.642857…% rounds to 96',
      table: spec(insurance, (t) => {
        t.funds[1]!.rate = 95;
      }),
      errors: [{ cell: 'H9', message: '市县区财政资金的执行率应为 95.64%（6.695 ÷ 7 × 100），表中为 95%', expected: '95.64%', actual: '95%' }],
    },
    {
      name: 'the rate left blank on both rows: the total row must carry it (a source row may be left blank)',
      table: spec(insurance, (t) => {
        for (const f of t.funds) f.rate = null;
      }),
      errors: [{ cell: 'H8', message: '资金总额的执行率未填写，应为 95.64%（6.695 ÷ 7 × 100）', expected: '95.64%', actual: '（空）' }],
    },
  ],
});
