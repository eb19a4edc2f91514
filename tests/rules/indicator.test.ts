import { indicatorMetButDeducted, indicatorReasonMissing, indicatorTargetNotMet } from '../../src/rules/indicator.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { type TableSpec, insurance, spec } from '../helpers/workbooks.js';

type IndicatorSpecEdit = Partial<TableSpec['indicators'][number]>;

/*
 * The insurance seed table in the seed layout, indicators in rows 14–19: D 三级指标, E 年初指标值, F 调整后指标值,
 * G 实际完成值, H 分值, I 得分, J 偏差原因. Row 17 is 每名网格员年保费 (≤340元, actual ≤325元, 10 of 10);
 * row 18 保障网格员人身安全 (≥95%, ≥98%, 29.4 of 30); row 19 网格员满意度 (≥95%, ≥98%, 9.8 of 10).
 * In the central layout the indicators start at row 12 (F 实际完成值, H 得分, I 偏差原因).
 */

/** Sets the target (both 年初 and 调整后) and the actual value of the 年保费 indicator (row 17). */
const premium = (target: string, actual: string): IndicatorSpecEdit => ({ targetInitial: target, targetAdjusted: target, actual });

const withPremium = (target: string, actual: string) => spec(insurance, (t) => void Object.assign(t.indicators[3]!, premium(target, actual)));

ruleTester(indicatorReasonMissing, {
  valid: [
    { name: 'the seed insurance table: every deduction explained', table: insurance },
    { name: 'full score needs no reason', table: spec(insurance, (t) => void (t.indicators[0]!.reason = '')) },
    { name: 'the central layout', table: insurance, layout: 'central' },
  ],
  invalid: [
    {
      name: '网格员满意度 9.8 of 10 with no reason',
      table: spec(insurance, (t) => void (t.indicators[5]!.reason = '')),
      errors: [
        {
          cell: 'J19',
          message: '“网格员满意度”得分 9.8 低于分值 10，但未填写偏差原因分析及改进措施',
          expected: null,
          actual: '（空）',
        },
      ],
    },
    {
      name: 'two unexplained deductions, central layout (偏差原因 in column I)',
      table: spec(insurance, (t) => {
        t.indicators[4]!.reason = '';
        t.indicators[5]!.reason = '';
      }),
      layout: 'central',
      errors: [
        { cell: 'I16', message: '“保障网格员人身安全”得分 29.4 低于分值 30，但未填写偏差原因分析及改进措施' },
        { cell: 'I17', message: '“网格员满意度”得分 9.8 低于分值 10，但未填写偏差原因分析及改进措施' },
      ],
    },
    {
      name: 'a blank reason is empty; unmerged and shifted',
      table: spec(insurance, (t) => void (t.indicators[5]!.reason = '   ')),
      render: { noMerges: true, offsetRows: 3, offsetCols: 2 },
      errors: [{ cell: 'L22', message: '“网格员满意度”得分 9.8 低于分值 10，但未填写偏差原因分析及改进措施' }],
    },
  ],
});

ruleTester(indicatorTargetNotMet, {
  valid: [
    { name: 'the seed insurance table', table: insurance },
    { name: 'the target in 万元, the actual in 元: 325元 ≤ 0.05万元 (500元)', table: withPremium('≤0.05万元', '≤325元') },
    { name: 'the target in 元, the actual in 万元: 0.0325万元 (325元) ≤ 340元', table: withPremium('≤340元', '0.0325万元') },
    { name: 'exactly at the limit: 340元 ≤ 340元', table: withPremium('≤340元', '340元') },
    { name: 'qualitative values are not judged: 及时 / 基本及时', table: withPremium('及时', '基本及时') },
    { name: 'different units are not compared: ≥95% against 206人', table: withPremium('≥95%', '206人') },
    {
      name: 'the adjusted target (F) prevails over the initial one (E): ≤340元 after ≤300元',
      table: spec(insurance, (t) => void Object.assign(t.indicators[3]!, { targetInitial: '≤300元', targetAdjusted: '≤340元', actual: '≤325元' })),
    },
    {
      name: 'not met, but not full score either',
      table: spec(insurance, (t) => void Object.assign(t.indicators[3]!, { ...premium('≤340元', '350元'), score: 8, reason: '保费上涨' })),
    },
    { name: 'full-width text: ≤３４０元 / ３２５元', table: withPremium('≤３４０元', '３２５元') },
    // 霍邱县 2022 (tests/fixtures/real/anhui-2022-huoqiu-keji-tepaiyuan.ts): a bare actual is in the target's unit
    { name: 'a bare actual in the target’s unit: 5 against ≥5万元 is 5万元', table: withPremium('≥5万元', '5') },
    { name: 'a bare target in the actual’s unit: ≤340 against 325元', table: withPremium('≤340', '325元') },
    { name: 'a bare fraction against a percentage is not compared: 0.9 against ≥95%', table: withPremium('≥95%', '0.9') },
  ],
  invalid: [
    {
      name: 'a bare actual in the target’s unit, not met: 4 against ≥5万元',
      table: withPremium('≥5万元', '4'),
      errors: [{ cell: 'G17', message: '“每名网格员年保费”指标值为 ≥5万元，实际完成值 4 未达到，却得满分 10' }],
    },
    {
      name: '≤340元 against ≤0.05万元 (500元), full score',
      table: withPremium('≤340元', '≤0.05万元'),
      errors: [{ cell: 'G17', message: '“每名网格员年保费”指标值为 ≤340元，实际完成值 ≤0.05万元 未达到，却得满分 10', expected: '≤340元', actual: '≤0.05万元' }],
    },
    {
      name: '≤0.03万元 (300元) against 325元, full score',
      table: withPremium('≤0.03万元', '325元'),
      errors: [{ cell: 'G17', message: '“每名网格员年保费”指标值为 ≤0.03万元，实际完成值 325元 未达到，却得满分 10' }],
    },
    {
      name: '≥95% against 90%, full score 30',
      table: spec(insurance, (t) => {
        Object.assign(t.indicators[4]!, { actual: '90%', score: 30 });
        t.total = 99.36;
      }),
      errors: [{ cell: 'G18', message: '“保障网格员人身安全”指标值为 ≥95%，实际完成值 90% 未达到，却得满分 30', expected: '≥95%', actual: '90%' }],
    },
    {
      name: '＝206人 against ＝200人 (central layout: 实际完成值 in column F)',
      table: spec(insurance, (t) => void (t.indicators[0]!.actual = '＝200人')),
      layout: 'central',
      errors: [{ cell: 'F12', message: '“网格员人数”指标值为 ＝206人，实际完成值 ＝200人 未达到，却得满分 20' }],
    },
  ],
});

/** Every quantitative target met and every score full: Σ 得分 90 + 9.56 = 99.56. */
/*
 * Targets written with no comparison sign (issue 15): a bare figure takes the indicator's direction — 越高越好 for
 * 数量/质量/时效/效益/满意度 indicators, 越低越好 for 成本指标 and names such as 发生率 — never `=`; where the direction
 * cannot be told the indicator is not judged. ≧ ≦ ═ and the word forms read as their signs.
 */
const withTarget = (i: number, target: string, actual: string, edit: Partial<IndicatorSpecEdit> = {}) =>
  spec(insurance, (t) => void Object.assign(t.indicators[i]!, { targetInitial: target, targetAdjusted: target, actual, ...edit }));
/** 保障网格员人身安全 (社会效益指标) at full score: 30 of 30, the total 89.2 + 0.6 + 9.56. */
const safetyFull = (target: string, actual: string, edit: Partial<IndicatorSpecEdit> = {}) =>
  spec(withTarget(4, target, actual, edit), (t) => {
    t.indicators[4]!.score = 30;
    t.total = 99.36;
  });
const BARE_HIGHER = '（指标值未写比较符号，按“越高越好”判断）';
const BARE_LOWER = '（指标值未写比较符号，按“越低越好”判断）';

ruleTester(indicatorTargetNotMet, {
  valid: [
    { name: 'a bare 90% against 100% in a 质量指标: at least 90%, met (it was judged = and reported)', table: withTarget(1, '90%', '100%') },
    { name: 'a bare 340元 against 325元 in a 成本指标: at most 340元, met', table: withTarget(3, '340元', '325元') },
    { name: 'a bare 95% with 以上 against 96%', table: safetyFull('95%以上', '96%') },
    {
      name: 'a direction that cannot be told is not judged: 档案归档 under 管理指标, 5 against 3',
      table: withTarget(1, '5', '3', { level1: '其他指标', level2: '管理指标', level3: '档案归档' }),
    },
    {
      name: 'the rules file turns a name round: 网格员人数 反向, 206人 against 200人 is met',
      table: withTarget(0, '206人', '200人'),
      params: { directions: { 网格员人数: '反向' } },
    },
  ],
  invalid: [
    {
      name: 'a bare 206人 against 200人 in a 数量指标, full score: 越高越好, not met',
      table: withTarget(0, '206人', '200人'),
      errors: [{ cell: 'G14', message: `“网格员人数”指标值为 206人，实际完成值 200人 未达到${BARE_HIGHER}，却得满分 20` }],
    },
    {
      name: 'a bare 340元 against 350元 in a 成本指标, full score: 越低越好, not met',
      table: withTarget(3, '340元', '350元'),
      errors: [{ cell: 'G17', message: `“每名网格员年保费”指标值为 340元，实际完成值 350元 未达到${BARE_LOWER}，却得满分 10` }],
    },
    {
      name: 'a 发生率 in a 效益指标 is 越低越好: a bare 1% against 2%, full score',
      table: safetyFull('1%', '2%', { level3: '安全事故发生率' }),
      errors: [{ cell: 'G18', message: `“安全事故发生率”指标值为 1%，实际完成值 2% 未达到${BARE_LOWER}，却得满分 30` }],
    },
    {
      name: '≧ (the full-width form some templates use) reads as ≥: ≧206人 against 200人',
      table: withTarget(0, '≧206人', '200人'),
      errors: [{ cell: 'G14', message: '“网格员人数”指标值为 ≧206人，实际完成值 200人 未达到，却得满分 20' }],
    },
    {
      name: '═ reads as =: ═100% against 98%',
      table: withTarget(1, '═100%', '98%'),
      errors: [{ cell: 'G15', message: '“意外伤害保险投保率”指标值为 ═100%，实际完成值 98% 未达到，却得满分 10' }],
    },
    {
      name: 'words read as signs: 不低于95% against 90%',
      table: safetyFull('不低于95%', '90%'),
      errors: [{ cell: 'G18', message: '“保障网格员人身安全”指标值为 不低于95%，实际完成值 90% 未达到，却得满分 30' }],
    },
    {
      name: 'words read as signs: 不超过340元 against 360元',
      table: withTarget(3, '不超过340元', '360元'),
      errors: [{ cell: 'G17', message: '“每名网格员年保费”指标值为 不超过340元，实际完成值 360元 未达到，却得满分 10' }],
    },
  ],
});

const fullScores = spec(insurance, (t) => {
  t.indicators[4]!.score = 30;
  t.indicators[5]!.score = 10;
  t.total = 99.56;
});

ruleTester(indicatorMetButDeducted, {
  valid: [
    { name: 'all targets met, all scores full', table: fullScores },
    {
      name: 'a deduction where the target is missed: ≥95% against 90%',
      table: spec(fullScores, (t) => {
        Object.assign(t.indicators[5]!, { actual: '90%', score: 9, reason: '满意度未达标' });
        t.total = 98.56;
      }),
    },
    {
      name: 'a deduction on a qualitative indicator',
      table: spec(fullScores, (t) => {
        Object.assign(t.indicators[2]!, { targetInitial: '及时', targetAdjusted: '及时', actual: '基本及时', score: 9, reason: '个别月份延迟' });
        t.total = 98.56;
      }),
    },
  ],
  invalid: [
    {
      name: 'the seed insurance table: ≥98% meets ≥95%, yet 29.4 of 30 and 9.8 of 10',
      table: insurance,
      errors: [
        { cell: 'I18', message: '“保障网格员人身安全”实际完成值 ≥98% 已达到指标值 ≥95%，得分 29.4 低于分值 30', expected: '30 分', actual: '29.4 分' },
        { cell: 'I19', message: '“网格员满意度”实际完成值 ≥98% 已达到指标值 ≥95%，得分 9.8 低于分值 10', expected: '10 分', actual: '9.8 分' },
      ],
    },
    {
      name: 'a cost met across units: 325元 within ≤0.05万元, yet 9 of 10',
      table: spec(fullScores, (t) => {
        Object.assign(t.indicators[3]!, { ...premium('≤0.05万元', '325元'), score: 9, reason: '测算偏差' });
        t.total = 98.56;
      }),
      errors: [{ cell: 'I17', message: '“每名网格员年保费”实际完成值 325元 已达到指标值 ≤0.05万元，得分 9 低于分值 10', expected: '10 分', actual: '9 分' }],
    },
  ],
});
