import { Decimal } from '../model/index.js';
import { normLabel } from '../model/index.js';
import { asShown, checkFigure, plain, shown, usable } from './figures.js';
import { defineRule } from './rule.js';
import { cappedRate, levelGroups, mainRow, rateOf, rateScore, rateScoredApart, rateWeight, sumOf } from './table-access.js';
import { impliedAmounts } from './fund-blame.js';

export const scoreWeightsTotal = defineRule({
  meta: {
    id: 'score.weights-total',
    severity: 'error',
    title: '分值合计不为100',
    description: '各项指标分值与执行率分值合计为 100；总分行写出的分值合计须等于各项之和',
    docs: 'Indicator 分值 plus the execution-rate 分值 sum to 100 (the indicators alone where the layout scores no separate rate), and the 分值 total the table states is that sum.',
    messages: {
      total: '各项分值合计应为 {expected}，实际为 {sum}（指标分值 {indicators} + 执行率分值 {rate}）',
      indicatorsOnly: '各项指标分值合计应为 {expected}，实际为 {sum}',
      stated: '分值合计应为 {sum}（各项分值之和），表中为 {actual}',
    },
  },
  check(t, ctx) {
    if (!t.indicators.length || !t.indicatorColumns.includes('weight')) return;
    const indicators = sumOf(t.indicators, (i) => i.weight);
    if (!indicators) return;
    const apart = rateScoredApart(t);
    const rate = rateWeight(t, ctx.params).value;
    const sum = indicators.plus(rate);
    const stated = t.weightTotal && usable(t.weightTotal) ? t.weightTotal : null;
    const within = (a: Decimal, b: Decimal) => a.minus(b).abs().lte(ctx.params.tolerance);
    const data = { expected: plain(ctx.params.weightsTotal), sum: plain(sum), indicators: plain(indicators), rate: plain(rate) };
    // The sum of a whole column is wrong, not one cell of it: pinned to the column's total where the table states
    // that wrong sum (the 总分 row's 分值), else to the column's header (分值). A stated total of 100 over items
    // that add up to 105 is the one right figure of the column: the items are to be corrected, not it.
    const header = t.indicatorHeaders.weight ?? null;
    if (!within(sum, ctx.params.weightsTotal)) {
      const cell = stated && within(sum, usable(stated)!) ? stated.cell : (header ?? stated?.cell ?? null);
      ctx.report({ messageId: apart ? 'total' : 'indicatorsOnly', cell, data, expected: `${plain(ctx.params.weightsTotal)} 分`, actual: `${plain(sum)} 分` });
      return;
    }
    const cell = stated?.cell ?? header;
    if (stated && !within(sum, usable(stated)!))
      ctx.report({ messageId: 'stated', cell, data: { ...data, actual: asShown(stated) }, expected: `${plain(sum)} 分`, actual: `${asShown(stated)} 分` });
  },
});

export const scoreLevelWeights = defineRule({
  meta: {
    id: 'score.level-weights',
    severity: 'warning',
    title: '一级指标权重不符',
    description: '一级指标的分值合计符合规定（默认产出 50、效益 30、满意度 10、执行率 10）',
    docs: '一级指标 weights as configured (default 产出 50, 效益 30, 满意度 10, 执行率 10), on tables that score the rate apart as that scheme does.',
    messages: {
      level: '“{level}”的分值合计应为 {expected}，表中为 {actual}',
      rate: '执行率分值应为 {expected}，表中为 {actual}',
    },
  },
  check(t, ctx) {
    if (!t.indicatorColumns.includes('weight')) return;
    const configured = new Map(Object.entries(ctx.params.levelWeights).map(([k, v]) => [normLabel(k), v]));
    // Weights that give the execution rate points of its own are another scheme than a table's that does not (its
    // indicators share all 100): not the same scheme, nothing to compare.
    if (configured.has('执行率') && !rateScoredApart(t)) return;
    for (const g of levelGroups(t)) {
      const want = configured.get(g.name);
      const sum = sumOf(g.indicators, (i) => i.weight);
      if (!want || !sum || sum.eq(want)) continue;
      ctx.report({
        messageId: 'level',
        cell: g.label.cell,
        data: { level: g.name, expected: plain(want), actual: plain(sum) },
        expected: `${plain(want)} 分`,
        actual: `${plain(sum)} 分`,
      });
    }
    const rateWant = configured.get('执行率');
    const stated = rateWeight(t, ctx.params);
    if (rateWant && rateScoredApart(t) && stated.field && !stated.value.eq(rateWant))
      ctx.report({
        messageId: 'rate',
        cell: stated.field.cell,
        data: { expected: plain(rateWant), actual: plain(stated.value) },
        expected: `${plain(rateWant)} 分`,
        actual: `${plain(stated.value)} 分`,
      });
  },
});

export const scoreLevelLabel = defineRule({
  meta: {
    id: 'score.level-label',
    severity: 'error',
    title: '一级指标标注分值不符',
    description: '一级、二级指标名称中标注的分值（如“产出指标（50分）”）等于其下指标分值之和',
    docs: 'A weight stated in a 一级 or 二级 label (产出指标（50分）, 数量指标(10分)) equals the sum of its indicators\' 分值.',
    messages: { label: '“{label}”标注 {stated} 分，其下指标分值合计为 {sum}' },
  },
  check(t, ctx) {
    if (!t.indicatorColumns.includes('weight')) return;
    for (const g of [...levelGroups(t), ...levelGroups(t, 'level2')]) {
      const sum = sumOf(g.indicators, (i) => i.weight);
      if (!g.stated || !sum || sum.eq(g.stated)) continue;
      ctx.report({
        messageId: 'label',
        cell: g.label.cell,
        data: { label: g.label.value, stated: plain(g.stated), sum: plain(sum) },
        expected: `${plain(sum)} 分`,
        actual: `${plain(g.stated)} 分`,
      });
    }
  },
});

export const scoreRange = defineRule({
  meta: {
    id: 'score.range',
    severity: 'error',
    title: '得分超出分值范围',
    description: '每个指标的得分在 0 与其分值之间',
    docs: '0 ≤ 得分 ≤ 分值 for every indicator.',
    messages: {
      above: '“{indicator}”得分 {score} 超过分值 {weight}',
      negative: '“{indicator}”得分 {score} 为负数',
    },
  },
  check(t, ctx) {
    for (const ind of t.indicators) {
      const score = usable(ind.score);
      const weight = usable(ind.weight);
      if (!score) continue;
      const data = { indicator: ind.level3.value ?? '', score: plain(score), weight: weight ? plain(weight) : '' };
      if (score.isNegative() && !score.isZero())
        ctx.report({ messageId: 'negative', cell: ind.score.cell, data, expected: `0 ~ ${data.weight} 分`, actual: `${plain(score)} 分` });
      else if (weight && score.gt(weight))
        ctx.report({ messageId: 'above', cell: ind.score.cell, data, expected: `≤ ${plain(weight)} 分`, actual: `${plain(score)} 分` });
    }
  },
});

export const scoreTotal = defineRule({
  meta: {
    id: 'score.total',
    severity: 'error',
    title: '总分计算错误',
    description: '总分 = 各项指标得分之和 + 执行率得分（执行率不单独计分的表为各项指标得分之和）',
    docs: '总分 = Σ indicator 得分 + 执行率得分 (Σ indicator 得分 alone where the layout scores the rate as an indicator row or not at all).',
    messages: {
      total: '总分应为 {expected}（指标得分 {indicators} + 执行率得分 {rate}），表中为 {actual}',
      indicatorsOnly: '总分应为 {expected}（各项指标得分之和），表中为 {actual}',
    },
  },
  check(t, ctx) {
    if (!usable(t.total) || !t.indicators.length || !t.indicatorColumns.includes('score')) return;
    const indicators = sumOf(t.indicators, (i) => i.score);
    if (!indicators) return;
    if (!rateScoredApart(t)) {
      checkFigure(ctx, { messageId: 'indicatorsOnly', reported: t.total, computed: indicators, data: {}, suffix: ' 分' });
      return;
    }
    const row = mainRow(t);
    const reported = row?.values.score;
    if (reported && reported.state === 'unreadable') return;
    // A blank 执行率得分 is fund.rate-score's to report; the total is then checked against what it should be.
    const capped = row ? cappedRate(row) : null;
    const rate = usable(reported) ?? (capped ? rateScore(rateWeight(t, ctx.params).value, capped) : new Decimal(0));
    const rateText = usable(reported) || !capped ? plain(rate) : `${shown(rate, 2)}（按执行率计算）`;
    // A wrong 执行率得分 is fund.rate-score's: a total that adds the right one instead is no second error.
    // The right one rests on the amounts fund.sum finds right (a wrong total executed amount is not its basis).
    const right = () => {
      const implied = row ? impliedAmounts(t, row, ctx) : null;
      const rate = implied ? rateOf(implied.budget, implied.executed) : null;
      const basis = rate ? Decimal.min(rate, 100) : capped;
      return [basis ? indicators.plus(rateScore(rateWeight(t, ctx.params).value, basis)) : null];
    };
    checkFigure(ctx, { messageId: 'total', reported: t.total, computed: indicators.plus(rate), data: { indicators: plain(indicators), rate: rateText }, alternatives: right, suffix: ' 分' });
  },
});

/** A tick beside a grade on a form that offers all four: `☑优 □良 □中 □差`, `优■ 良□`, `√优`. */
const TICKED_AFTER = /[☑☒√✓✔■●▣]\s*([优良中差])/;
const TICKED_BEFORE = /([优良中差])[秀好等]?\s*[☑☒√✓✔■●▣]/;

/** What a grade cell may say for a band: `优`, `优秀`, `优秀等次`, `良好等级`, `较差`, `（优）`, `优（98.76分）`, a tick. */
function gradeWords(grade: string): string[] {
  const text = normLabel(grade);
  // The boxes stand before the grades (`☑优 □良`) or after them (`优■ 良□`): the first character says which.
  const ticked = (/^[☑☒√✓✔■●▣□☐○]/.test(text) ? TICKED_AFTER : TICKED_BEFORE).exec(text)?.[1];
  if (ticked) return [ticked];
  const bare = text
    .replace(/^\((.*)\)$/, '$1')
    .replace(/\([^()]*\)$/, '')
    .replace(/(等次|等级|级)$/, '');
  return [bare, bare.replace(/(等|秀|好|格)$/, ''), bare.replace(/^较/, '')];
}

/**
 * Whether a text names a grade, in a few characters: one of the configured bands or of 优良中差 (`优`, `良好等次`,
 * `☑优 □良`, `A`).
 */
function looksLikeGrade(text: string, bands: { grade: string }[]): boolean {
  const t = normLabel(text);
  return t.length <= 16 && (/[优良中差]/.test(t) || bands.some((b) => t.includes(b.grade.slice(0, 1))));
}

/** The grade band a total falls in. */
export function gradeFor(total: Decimal, bands: { grade: string; min: Decimal }[]): string | null {
  const sorted = [...bands].sort((a, b) => b.min.comparedTo(a.min));
  return sorted.find((b) => total.gte(b.min))?.grade ?? null;
}

export const scoreGrade = defineRule({
  meta: {
    id: 'score.grade',
    severity: 'error',
    title: '等级与总分不符',
    description: '等级与总分相符：优 ≥ 90，良 ≥ 80，中 ≥ 60，差（可在规则参数中设置）',
    docs: 'Grade fits 总分: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差 below (configurable).',
    messages: { grade: '总分 {total} 对应的等级应为“{expected}”，表中为“{actual}”' },
  },
  check(t, ctx) {
    const total = usable(t.total);
    const grade = t.grade?.value?.trim();
    if (!total || !t.grade || !grade) return;
    const expected = gradeFor(total, ctx.params.grades);
    // A cell the layout reads the grade from that holds no grade at all (a remark beside the total) is no wrong grade.
    if (!expected || !looksLikeGrade(grade, ctx.params.grades) || gradeWords(grade).includes(expected)) return;
    ctx.report({
      messageId: 'grade',
      cell: t.grade.cell,
      data: { total: asShown(t.total), expected, actual: grade },
      expected,
      actual: grade,
    });
  },
});

export const scoreRules = [scoreWeightsTotal, scoreLevelWeights, scoreLevelLabel, scoreRange, scoreTotal, scoreGrade];
