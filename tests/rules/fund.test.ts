import { fundBalance, fundOverExecution, fundRateScore, fundSum } from '../../src/rules/fund.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { type TableSpec, insurance, spec } from '../helpers/workbooks.js';

/*
 * The insurance seed table in the seed layout: fund rows 8 (资金总额) and 9 (市县区财政资金), columns C 目标申报数,
 * D 预算编制数, E 全年预算数, F 全年执行数, G 资金结(转)余, H 执行率, I 得分; indicators 14–19, 总分 I20, the
 * implementation text E21. A third fund row shifts everything below row 9 down by one.
 */

/** The implementation text with the figures replaced, so narrative.mismatch stays quiet. */
function setText(t: TableSpec, text: string): void {
  t.analysis[0]!.text = text;
}

/** Two source rows that add up to the total row: 5 + 2 = 7, 4.695 + 2 = 6.695, 0.305 + 0 = 0.305. */
const twoSources = spec(insurance, (t) => {
  t.funds = [
    t.funds[0]!,
    { label: '市县区财政资金', declared: 5, initial: 5, budget: 5, executed: 4.695, balance: 0.305, rate: 93.9, score: 9.39 },
    { label: '上级补助资金', declared: 2, initial: 2, budget: 2, executed: 2, balance: 0, rate: 100, score: 10 },
  ];
});

/** Over-executed: 7.7 spent of 7, balance −0.7, rate 110%, rate score capped at 10; total 89.2 + 10 = 99.2. */
const overExecuted = spec(insurance, (t) => {
  for (const f of t.funds) Object.assign(f, { executed: 7.7, balance: -0.7, rate: 110, score: 10 });
  t.total = 99.2;
  setText(t, '网格员意外伤害保险费年度预算资金7万元，实际执行7.7万元，预算执行率110%。');
});

ruleTester(fundSum, {
  valid: [
    { name: 'the seed insurance table: one source row equal to the total', table: insurance },
    { name: 'two source rows adding up to the total row', table: twoSources },
    {
      name: 'a blank source cell counts as zero (7 + 空 = 7)',
      table: spec(twoSources, (t) => {
        t.funds[1]!.declared = 7;
        t.funds[2]!.declared = null;
      }),
    },
    {
      name: 'the total agrees under the rounding rule: 3.333 + 3.666 = 6.999 shown as 7.00',
      table: spec(twoSources, (t) => {
        t.funds[0]!.initial = { v: 7, z: '0.00' };
        t.funds[1]!.initial = 3.333;
        t.funds[2]!.initial = 3.666;
      }),
    },
    { name: 'the central layout (年度资金总额 over 其中：当年财政拨款)', table: insurance, layout: 'central' },
    { name: 'full-width numbers', table: twoSources, render: { fullWidthNumbers: true } },
    { name: 'messy labels, no merges, shifted', table: twoSources, render: { messyLabels: true, noMerges: true, offsetRows: 2, offsetCols: 1 } },
  ],
  invalid: [
    {
      name: '目标申报数 of the total is 7, its only source says 6',
      table: spec(insurance, (t) => {
        t.funds[1]!.declared = 6;
      }),
      // Nothing tells whether the total or its source is wrong: the figures are to be checked, no value prescribed.
      errors: [{ cell: 'C8', message: '资金总额的目标申报数 7 与各来源行之和 6（6）不符，请核对资金总额与各来源行，无法判断哪一格有误', expected: null, actual: '7 万元' }],
    },
    {
      // The balances differ only because the executed amounts do: one finding, at the amount. Every row agrees with
      // itself, and either source could have spent the 0.1: nothing singles out a cell, so none is prescribed.
      name: 'the second source spent 1.9 of 2 but the total still says 6.695',
      table: spec(twoSources, (t) => {
        Object.assign(t.funds[2]!, { executed: 1.9, balance: 0.1, rate: 95, score: 9.5 });
      }),
      errors: [
        {
          cell: 'F8',
          message: '资金总额的全年执行数 6.695 与各来源行之和 6.595（4.695 + 1.9）不符，请核对资金总额与各来源行，无法判断哪一格有误',
          expected: null,
          actual: '6.695 万元',
        },
      ],
    },
    {
      name: 'a blank source cell counts as zero: 5 + 空 = 5, not 7',
      table: spec(twoSources, (t) => {
        t.funds[2]!.declared = null;
      }),
      // The blank source is the one cell that says nothing: it is the one blamed.
      errors: [{ cell: 'C10', message: '上级补助资金的目标申报数未填写，应为 2（资金总额 7 − 5）', expected: '2 万元', actual: '（空）' }],
    },
    {
      name: 'a total shown as 7.00 against 3.33 + 3.66 = 6.99',
      table: spec(twoSources, (t) => {
        t.funds[0]!.initial = { v: 7, z: '0.00' };
        t.funds[1]!.initial = 3.33;
        t.funds[2]!.initial = 3.66;
      }),
      errors: [{ cell: 'D8', message: '资金总额的年初预算数 7.00 与各来源行之和 6.99（3.33 + 3.66）不符，请核对资金总额与各来源行，无法判断哪一格有误', expected: null, actual: '7.00 万元' }],
    },
    {
      name: 'the same, shifted by 3 rows and 2 columns: the cell moves with the table',
      table: spec(insurance, (t) => {
        t.funds[1]!.declared = 6;
      }),
      render: { offsetRows: 3, offsetCols: 2 },
      errors: [{ cell: 'E11', message: '资金总额的目标申报数 7 与各来源行之和 6（6）不符，请核对资金总额与各来源行，无法判断哪一格有误' }],
    },
    {
      // 贵池区棠溪镇 2022 (tests/fixtures/real/anhui-2022-guichi-tangxi-weituo.ts): a total row nobody filled in. Its
      // cells are the ones to fill, every one of them, whatever else the table says or does not.
      name: 'the total row left at zero over a source that carries the money',
      table: spec(insurance, (t) => {
        Object.assign(t.funds[0]!, { declared: 0, initial: 0, budget: 0, executed: 0, balance: null, rate: null, score: null });
        setText(t, '项目按计划实施。');
      }),
      errors: [
        { cell: 'C8', message: '资金总额的目标申报数应为 7（7），表中为 0', expected: '7 万元', actual: '0 万元' },
        { cell: 'D8', message: '资金总额的年初预算数应为 7（7），表中为 0' },
        { cell: 'E8', message: '资金总额的全年预算数应为 7（7），表中为 0' },
        { cell: 'F8', message: '资金总额的全年执行数应为 6.695（6.695），表中为 0' },
      ],
    },
  ],
});

ruleTester(fundBalance, {
  valid: [
    { name: 'the seed insurance table: 7 − 6.695 = 0.305', table: insurance },
    { name: 'a negative balance when over-executed: 7 − 7.7 = −0.7', table: overExecuted },
    { name: 'the central layout has no 资金结(转)余 column', table: insurance, layout: 'central' },
    { name: 'full-width numbers', table: insurance, render: { fullWidthNumbers: true } },
    {
      name: 'a balance shown with fewer decimals agrees when the rounding fits: 0.31 for 0.305',
      table: spec(insurance, (t) => {
        for (const f of t.funds) f.balance = 0.31;
        setText(t, '网格员意外伤害保险费年度预算资金7万元，实际执行6.695万元，预算执行率95.64%，结余资金0.31万元。');
      }),
    },
  ],
  invalid: [
    {
      name: 'both rows state 0.315',
      table: spec(insurance, (t) => {
        for (const f of t.funds) f.balance = 0.315;
        setText(t, '网格员意外伤害保险费年度预算资金7万元，实际执行6.695万元，预算执行率95.64%，结余资金0.315万元。');
      }),
      errors: [
        { cell: 'G8', message: '资金总额的资金结(转)余应为 0.305（7 − 6.695），表中为 0.315', expected: '0.305 万元', actual: '0.315 万元' },
        { cell: 'G9', message: '市县区财政资金的资金结(转)余应为 0.305（7 − 6.695），表中为 0.315', expected: '0.305 万元', actual: '0.315 万元' },
      ],
    },
    {
      name: 'the balance left blank although 0.7 is left (7 − 6.3)',
      table: spec(insurance, (t) => {
        // 6.3 ÷ 7 = 90%; 10 × 90% = 9; 89.2 + 9 = 98.2, so only the balance is off
        for (const f of t.funds) Object.assign(f, { executed: 6.3, balance: null, rate: 90, score: 9 });
        t.total = 98.2;
        setText(t, '网格员意外伤害保险费年度预算资金7万元，实际执行6.3万元，预算执行率90%。');
      }),
      errors: [
        { cell: 'G8', message: '资金总额的资金结(转)余未填写，应为 0.7（7 − 6.3）', expected: '0.7 万元', actual: '（空）' },
        { cell: 'G9', message: '市县区财政资金的资金结(转)余未填写，应为 0.7（7 − 6.3）', expected: '0.7 万元', actual: '（空）' },
      ],
    },
  ],
});

ruleTester(fundRateScore, {
  valid: [
    { name: 'the seed insurance table: 10 × 95.642857…% = 9.56', table: insurance },
    { name: 'capped at 100%: 110% executed still scores 10', table: overExecuted },
    {
      name: 'a score shown with one decimal: 9.6 for 9.5642857…',
      table: spec(insurance, (t) => {
        for (const f of t.funds) f.score = 9.6;
        t.total = 98.8;
      }),
    },
    {
      name: 'a score shown to 4 decimals: 9.5643 (the rate is not rounded before it is scored)',
      table: spec(insurance, (t) => {
        for (const f of t.funds) f.score = 9.5643;
      }),
    },
    { name: 'the central layout with its 分值 column of 10', table: insurance, layout: 'central' },
    {
      name: 'a source row with no rate score (templates leave the rows under 其中 blank)',
      table: spec(insurance, (t) => {
        t.funds[1]!.score = null;
        t.funds[1]!.rate = null;
      }),
    },
    { name: 'percent fractions in the rate cells', table: insurance, render: { percentFractions: true } },
    {
      name: 'no budget, no computed rate, nothing to score against',
      table: spec(insurance, (t) => {
        for (const f of t.funds) Object.assign(f, { declared: 0, initial: 0, budget: 0, executed: 0, balance: 0, rate: 0, score: 3 });
      }),
    },
  ],
  invalid: [
    {
      name: 'the rate score left blank: reported where it belongs, with what it should be (not as a wrong 总分)',
      table: spec(insurance, (t) => {
        for (const f of t.funds) f.score = null;
      }),
      errors: [{ cell: 'I8', message: '资金总额的执行率得分未填写，应为 9.56（10 × 95.64%）', expected: '9.56 分', actual: '（空）' }],
    },
    {
      name: 'the total row scores 9.65 (digits swapped)',
      table: spec(insurance, (t) => {
        t.funds[0]!.score = 9.65;
        t.total = 98.85;
      }),
      errors: [{ cell: 'I8', message: '资金总额的执行率得分应为 9.56（10 × 95.64%），表中为 9.65', expected: '9.56 分', actual: '9.65 分' }],
    },
    {
      name: 'one decimal shown: 9.5 where 9.5642857… rounds to 9.6 (the message shows the figure to 2 decimals)',
      table: spec(insurance, (t) => {
        for (const f of t.funds) f.score = 9.5;
        t.total = 98.7;
      }),
      errors: [
        { cell: 'I8', message: '资金总额的执行率得分应为 9.56（10 × 95.64%），表中为 9.5', expected: '9.56 分', actual: '9.5 分' },
        { cell: 'I9', message: '市县区财政资金的执行率得分应为 9.56（10 × 95.64%），表中为 9.5', expected: '9.56 分', actual: '9.5 分' },
      ],
    },
    {
      name: 'the table states a 分值 of 20 (central layout): 20 × 95.64% = 19.13, not 9.56',
      table: spec(insurance, (t) => {
        t.funds[0]!.weight = 20;
        // keep Σ 分值 = 100: 效益 goes down to 20
        Object.assign(t.indicators[4]!, { weight: 20, score: 19.4 });
        t.total = 88.76;
      }),
      layout: 'central',
      params: { levelWeights: { 产出指标: 50, 效益指标: 20, 满意度指标: 10, 执行率: 20 } },
      errors: [
        { cell: 'H7', message: '年度资金总额的执行率得分应为 19.13（20 × 95.64%），表中为 9.56', expected: '19.13 分', actual: '9.56 分' },
        { cell: 'H8', message: '其中当年财政拨款的执行率得分应为 19.13（20 × 95.64%），表中为 9.56', expected: '19.13 分', actual: '9.56 分' },
      ],
    },
  ],
});

ruleTester(fundOverExecution, {
  valid: [
    { name: 'the seed insurance table: 6.695 of 7', table: insurance },
    {
      name: 'exactly the budget is not over',
      table: spec(insurance, (t) => {
        for (const f of t.funds) Object.assign(f, { executed: 7, balance: 0, rate: 100, score: 10 });
      }),
    },
    { name: 'the central layout', table: insurance, layout: 'central' },
  ],
  invalid: [
    {
      name: '7.7 spent of a budget of 7, on both rows',
      table: overExecuted,
      errors: [
        { cell: 'F8', message: '资金总额的全年执行数 7.7 超过全年预算数 7，请说明原因', expected: '≤ 7 万元', actual: '7.7 万元' },
        { cell: 'F9', message: '市县区财政资金的全年执行数 7.7 超过全年预算数 7，请说明原因', expected: '≤ 7 万元', actual: '7.7 万元' },
      ],
    },
    {
      name: 'the central layout: the cells are E7 and E8',
      table: overExecuted,
      layout: 'central',
      errors: [
        { cell: 'E7', message: '年度资金总额的全年执行数 7.7 超过全年预算数 7，请说明原因' },
        { cell: 'E8', message: '其中当年财政拨款的全年执行数 7.7 超过全年预算数 7，请说明原因' },
      ],
    },
  ],
});
