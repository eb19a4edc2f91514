import { scoreGrade, scoreLevelLabel, scoreLevelWeights, scoreRange, scoreTotal, scoreWeightsTotal } from '../../src/rules/score.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { type TableSpec, insurance, spec } from '../helpers/workbooks.js';

/*
 * The insurance seed table in the seed layout: indicators in rows 14–19 (产出指标 14–17 with its label in B14,
 * 效益指标 18, 满意度指标 19; H 分值, I 得分), 总分 I20, grade J20. Σ 分值 = 90 + 执行率 10; Σ 得分 = 89.2 + 9.56 = 98.76.
 * In the central layout the fund rows are 7–8 (F 分值, H 得分) and the indicators start at row 12.
 */

/** Relabels every indicator of one 一级指标. */
function relabel(t: TableSpec, from: string, to: string): void {
  for (const i of t.indicators) if (i.level1 === from) i.level1 = to;
}

/** 产出 40 (网格员人数 10), 效益 40 (保障网格员人身安全 40, scored 39.4): the same Σ 分值 and Σ 得分. */
const output40benefit40 = spec(insurance, (t) => {
  Object.assign(t.indicators[0]!, { weight: 10, score: 10 });
  Object.assign(t.indicators[4]!, { weight: 40, score: 39.4 });
});

/** An extra indicator under an unconfigured 一级指标: Σ 分值 = 95 + 10 = 105, total 98.76 + 5 = 103.76. */
const extraIndicator = spec(insurance, (t) => {
  t.indicators.push({
    level1: '其他指标',
    level2: '管理指标',
    level3: '档案完整率',
    targetInitial: '＝100%',
    targetAdjusted: '＝100%',
    actual: '＝100%',
    weight: 5,
    score: 5,
    reason: '',
  });
  t.total = 103.76;
});

/** 保障网格员人身安全 scored so that the total is exactly 90 (80.44 + 9.56). */
const total90 = spec(insurance, (t) => {
  t.indicators[4]!.score = 20.64;
  t.total = 90;
});

ruleTester(scoreWeightsTotal, {
  valid: [
    { name: 'the seed insurance table: 90 + 10 = 100', table: insurance },
    { name: 'the central layout, with 分值 10 stated in the fund block', table: insurance, layout: 'central' },
    { name: 'a configured total of 105', table: extraIndicator, params: { weightsTotal: 105 } },
    { name: 'a tolerance covers the difference', table: extraIndicator, params: { tolerance: 5 } },
  ],
  invalid: [
    {
      name: 'an extra indicator of 5 brings the sum to 105; reported at the 分值 header, the column whose sum is off',
      table: extraIndicator,
      errors: [{ cell: 'H12', message: '各项分值合计应为 100，实际为 105（指标分值 95 + 执行率分值 10）', expected: '100 分', actual: '105 分' }],
    },
    {
      // 鄂州市财政局 2019 (tests/fixtures/real/hubei-2019-ezhou-disanfang.ts): the 总分 row states 100, the right figure
      name: 'the central layout’s 总分 row states 100 over items adding up to 105: at the 分值 header, not at the 100',
      table: extraIndicator,
      layout: 'central',
      errors: [{ cell: 'G11', message: '各项分值合计应为 100，实际为 105（指标分值 95 + 执行率分值 10）' }],
    },
    {
      name: 'the configured total 90 against 100',
      table: insurance,
      params: { weightsTotal: 90 },
      errors: [{ cell: 'H12', message: '各项分值合计应为 90，实际为 100（指标分值 90 + 执行率分值 10）', expected: '90 分', actual: '100 分' }],
    },
  ],
});

ruleTester(scoreLevelWeights, {
  valid: [
    { name: 'the seed insurance table: 产出 50, 效益 30, 满意度 10 (default weights)', table: insurance },
    {
      name: 'custom weights 产出 40, 效益 40 for a table weighted that way',
      table: output40benefit40,
      params: { levelWeights: { 产出指标: 40, 效益指标: 40, 满意度指标: 10, 执行率: 10 } },
    },
    {
      name: 'a weight in the label does not change the name: 产出指标（50分）',
      table: spec(insurance, (t) => relabel(t, '产出指标', '产出指标（50分）')),
    },
    { name: 'messy labels (效益指标 with a leading space, 满意度\\n指标)', table: insurance, render: { messyLabels: true } },
    { name: 'the central layout states 执行率 分值 10', table: insurance, layout: 'central' },
    { name: 'an unconfigured 一级指标 is not judged', table: extraIndicator },
  ],
  invalid: [
    {
      name: 'default weights, a table weighted 产出 40 and 效益 40',
      table: output40benefit40,
      errors: [
        { cell: 'B14', message: '“产出指标”的分值合计应为 50，表中为 40', expected: '50 分', actual: '40 分' },
        { cell: 'B18', message: '“效益指标”的分值合计应为 30，表中为 40', expected: '30 分', actual: '40 分' },
      ],
    },
    {
      name: 'custom weights 产出 40, 效益 40 for the seed table weighted 50 / 30',
      table: insurance,
      params: { levelWeights: { 产出指标: 40, 效益指标: 40, 满意度指标: 10, 执行率: 10 } },
      errors: [
        { cell: 'B14', message: '“产出指标”的分值合计应为 40，表中为 50', expected: '40 分', actual: '50 分' },
        { cell: 'B18', message: '“效益指标”的分值合计应为 40，表中为 30', expected: '40 分', actual: '30 分' },
      ],
    },
    {
      name: 'the central layout states 执行率 分值 20 and 效益 20',
      table: spec(insurance, (t) => {
        t.funds[0]!.weight = 20;
        Object.assign(t.indicators[4]!, { weight: 20, score: 19.4 });
        // 20 × 95.642857…% = 19.13; 79.2 + 19.13 = 98.33
        for (const f of t.funds) f.score = 19.13;
        t.total = 98.33;
      }),
      layout: 'central',
      errors: [
        { cell: 'B16', message: '“效益指标”的分值合计应为 30，表中为 20', expected: '30 分', actual: '20 分' },
        { cell: 'F7', message: '执行率分值应为 10，表中为 20', expected: '10 分', actual: '20 分' },
      ],
    },
  ],
});

ruleTester(scoreLevelLabel, {
  valid: [
    { name: 'the seed insurance table: no weights in the labels', table: insurance },
    {
      name: 'stated weights that fit: 产出指标（50分）, 效益指标(30分), 满意度指标（10）',
      table: spec(insurance, (t) => {
        relabel(t, '产出指标', '产出指标（50分）');
        relabel(t, '效益指标', '效益指标(30分)');
        relabel(t, '满意度指标', '满意度指标（10）');
      }),
    },
    {
      name: 'the same, unmerged and shifted',
      table: spec(insurance, (t) => relabel(t, '产出指标', '产出指标（50分）')),
      render: { noMerges: true, offsetRows: 1, offsetCols: 1 },
    },
  ],
  invalid: [
    {
      name: '产出指标（40分） over indicators weighing 20 + 10 + 10 + 10 = 50',
      table: spec(insurance, (t) => relabel(t, '产出指标', '产出指标（40分）')),
      errors: [{ cell: 'B14', message: '“产出指标（40分）”标注 40 分，其下指标分值合计为 50', expected: '50 分', actual: '40 分' }],
    },
    {
      name: '效益指标(35) without 分, over one indicator of 30',
      table: spec(insurance, (t) => relabel(t, '效益指标', '效益指标(35)')),
      errors: [{ cell: 'B18', message: '“效益指标(35)”标注 35 分，其下指标分值合计为 30', expected: '30 分', actual: '35 分' }],
    },
  ],
});

ruleTester(scoreRange, {
  valid: [
    { name: 'the seed insurance table', table: insurance },
    {
      name: 'a score of 0 is in range',
      table: spec(insurance, (t) => {
        t.indicators[5]!.score = 0;
        t.total = 88.96;
        t.grade = '良';
      }),
    },
    { name: 'full-width numbers', table: insurance, render: { fullWidthNumbers: true } },
  ],
  invalid: [
    {
      name: '网格员人数 scores 22 of 20',
      table: spec(insurance, (t) => {
        t.indicators[0]!.score = 22;
        t.total = 100.76;
      }),
      errors: [{ cell: 'I14', message: '“网格员人数”得分 22 超过分值 20', expected: '≤ 20 分', actual: '22 分' }],
    },
    {
      name: '网格员满意度 scores −1',
      table: spec(insurance, (t) => {
        t.indicators[5]!.score = -1;
        t.total = 87.96;
        t.grade = '良';
      }),
      errors: [{ cell: 'I19', message: '“网格员满意度”得分 -1 为负数', expected: '0 ~ 10 分', actual: '-1 分' }],
    },
    {
      name: 'a fractional excess: 10.5 of 10 (central layout, 得分 in column H)',
      table: spec(insurance, (t) => {
        t.indicators[1]!.score = 10.5;
        t.total = 99.26;
      }),
      layout: 'central',
      errors: [{ cell: 'H13', message: '“意外伤害保险投保率”得分 10.5 超过分值 10', expected: '≤ 10 分', actual: '10.5 分' }],
    },
  ],
});

ruleTester(scoreTotal, {
  valid: [
    { name: 'the seed insurance table: 89.2 + 9.56 = 98.76', table: insurance },
    { name: 'a total shown with one decimal: 98.8', table: spec(insurance, (t) => void (t.total = 98.8)) },
    { name: 'a total shown as an integer: 99', table: spec(insurance, (t) => void (t.total = 99)) },
    { name: 'the central layout', table: insurance, layout: 'central' },
    { name: 'full-width numbers, shifted', table: insurance, render: { fullWidthNumbers: true, offsetRows: 3, offsetCols: 2 } },
    { name: 'a tolerance of 0.1 lets 98.67 pass', table: spec(insurance, (t) => void (t.total = 98.67)), params: { tolerance: '0.1' } },
  ],
  invalid: [
    {
      name: 'digits swapped: 98.67',
      table: spec(insurance, (t) => void (t.total = 98.67)),
      errors: [{ cell: 'I20', message: '总分应为 98.76（指标得分 89.2 + 执行率得分 9.56），表中为 98.67', expected: '98.76 分', actual: '98.67 分' }],
    },
    {
      name: 'one decimal shown: 98.7 where 98.76 rounds to 98.8',
      table: spec(insurance, (t) => void (t.total = 98.7)),
      errors: [{ cell: 'I20', message: '总分应为 98.76（指标得分 89.2 + 执行率得分 9.56），表中为 98.7', expected: '98.76 分', actual: '98.7 分' }],
    },
    {
      name: 'an indicator score lowered, the total not',
      table: spec(insurance, (t) => {
        Object.assign(t.indicators[0]!, { score: 19, reason: '两名网格员未投保' });
      }),
      errors: [{ cell: 'I20', message: '总分应为 97.76（指标得分 88.2 + 执行率得分 9.56），表中为 98.76', expected: '97.76 分', actual: '98.76 分' }],
    },
    {
      name: 'the central layout: 总分 in H18',
      table: spec(insurance, (t) => void (t.total = 98.67)),
      layout: 'central',
      errors: [{ cell: 'H18', message: '总分应为 98.76（指标得分 89.2 + 执行率得分 9.56），表中为 98.67' }],
    },
  ],
});

ruleTester(scoreGrade, {
  valid: [
    { name: 'the seed insurance table: 98.76 优', table: insurance },
    { name: '优秀 is 优', table: spec(insurance, (t) => void (t.grade = '优秀')) },
    { name: 'exactly 90 is 优', table: spec(total90, (t) => void (t.grade = '优')) },
    {
      name: '89.99 is 良',
      table: spec(insurance, (t) => {
        t.indicators[4]!.score = 20.63;
        t.total = 89.99;
        t.grade = '良';
      }),
    },
    { name: 'no grade cell (central layout)', table: insurance, layout: 'central' },
    {
      name: 'custom bands: A ≥ 90, B below',
      table: spec(insurance, (t) => void (t.grade = 'A')),
      params: { grades: [{ grade: 'A', min: 90 }, { grade: 'B', min: 0 }] },
    },
  ],
  invalid: [
    {
      name: '98.76 graded 良',
      table: spec(insurance, (t) => void (t.grade = '良')),
      errors: [{ cell: 'J20', message: '总分 98.76 对应的等级应为“优”，表中为“良”', expected: '优', actual: '良' }],
    },
    {
      name: 'exactly 90 graded 良',
      table: spec(total90, (t) => void (t.grade = '良')),
      errors: [{ cell: 'J20', message: '总分 90 对应的等级应为“优”，表中为“良”', expected: '优', actual: '良' }],
    },
    {
      name: 'custom bands 优 ≥ 95, 良 ≥ 85: 90 is 良, not 优',
      table: spec(total90, (t) => void (t.grade = '优')),
      params: { grades: [{ grade: '优', min: 95 }, { grade: '良', min: 85 }, { grade: '中', min: 60 }, { grade: '差', min: 0 }] },
      errors: [{ cell: 'J20', message: '总分 90 对应的等级应为“良”，表中为“优”', expected: '良', actual: '优' }],
    },
    {
      name: 'custom band names: A expected, 优 written',
      table: insurance,
      params: { grades: [{ grade: 'A', min: 90 }, { grade: 'B', min: 0 }] },
      errors: [{ cell: 'J20', message: '总分 98.76 对应的等级应为“A”，表中为“优”', expected: 'A', actual: '优' }],
    },
  ],
});
