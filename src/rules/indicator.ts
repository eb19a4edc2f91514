import { Decimal } from '../model/index.js';
import type { Indicator, ProjectTable } from '../model/index.js';
import type { Comparison, ComparisonOp } from '../model/index.js';
import type { RulesConfig } from './config.js';
import { directionOf, directionWords } from './direction.js';
import { plain, usable } from './figures.js';
import { defineRule } from './rule.js';

export const indicatorReasonMissing = defineRule({
  meta: {
    id: 'indicator.reason-missing',
    severity: 'warning',
    title: '扣分未说明原因',
    description: '得分低于分值，但未填写偏差原因分析及改进措施',
    docs: '得分 < 分值 but 偏差原因分析及改进措施 is empty.',
    messages: { missing: '“{indicator}”得分 {score} 低于分值 {weight}，但未填写偏差原因分析及改进措施' },
  },
  check(t, ctx) {
    if (!t.indicatorColumns.includes('reason')) return;
    for (const ind of t.indicators) {
      const score = usable(ind.score);
      const weight = usable(ind.weight);
      if (!score || !weight || !score.lt(weight) || ind.reason.value) continue;
      ctx.report({
        messageId: 'missing',
        cell: ind.reason.cell ?? ind.score.cell,
        data: { indicator: ind.level3.value ?? '', score: plain(score), weight: plain(weight) },
        expected: null,
        actual: '（空）',
      });
    }
  },
});

/** Brings a value to a base unit so 万元 and 元 compare: `3.69万元/人` → 36900 元/人. */
function toBase(c: Comparison): { value: Decimal; unit: string } {
  const unit = c.unit.replace(/^人民币/, '');
  if (unit.startsWith('万元')) return { value: c.value.times(10000), unit: `元${unit.slice(2)}` };
  if (unit.startsWith('万') && unit.length > 1) return { value: c.value.times(10000), unit: unit.slice(1) };
  return { value: c.value, unit };
}

/**
 * Target and actual in one unit: a bare figure is read in the unit the other one names (`≥5万元` achieved `5` is
 * 5万元, not 5元). A bare fraction against a percentage (`0.95` for `≥95%`) could be either: not compared.
 */
function inOneUnit(target: Comparison, actual: Comparison): [Comparison, Comparison] | null {
  if (target.unit === actual.unit || (target.unit !== '' && actual.unit !== '')) return [target, actual];
  const [bare, named] = target.unit === '' ? [target, actual] : [actual, target];
  if (named.unit === '%' && bare.value.lte(1) && named.value.gt(1)) return null;
  const read = { ...bare, unit: named.unit };
  return target.unit === '' ? [read, actual] : [target, read];
}

/**
 * Whether the actual value meets the target, and how the target was read: by the sign it was written with, or —
 * a bare figure (`90%`) — by the indicator's direction (direction.ts). null when they cannot be compared
 * (qualitative, other units) or a bare target's direction cannot be told.
 */
export function targetMet(ind: Indicator, t: ProjectTable, params: RulesConfig): { met: boolean; basis: string } | null {
  const target = ind.target.comparison;
  const actual = ind.actual.comparison;
  if (!target || !actual) return null;
  const pair = inOneUnit(target, actual);
  if (!pair) return null;
  const tv = toBase(pair[0]);
  const a = toBase(pair[1]);
  if (tv.unit !== a.unit) return null;
  let op = target.op;
  let basis = '';
  if (op === null) {
    const d = directionOf(ind, t, params);
    if (!d) return null;
    op = d.dir === 'higher' ? '>=' : '<=';
    basis = `（指标值未写比较符号，按“${directionWords(d.dir)}”判断）`;
  }
  return { met: compare(a.value, op, tv.value), basis };
}

function compare(a: Decimal, op: ComparisonOp, b: Decimal): boolean {
  switch (op) {
    case '=':
      return a.eq(b);
    case '>=':
      return a.gte(b);
    case '<=':
      return a.lte(b);
    case '>':
      return a.gt(b);
    case '<':
      return a.lt(b);
  }
}

export const indicatorTargetNotMet = defineRule({
  meta: {
    id: 'indicator.target-not-met',
    severity: 'warning',
    title: '未达目标仍得满分',
    description: '定量指标未达到指标值，却得满分；只写数字的指标值按“越高越好”或“越低越好”判断',
    docs: 'A quantitative target not met by the actual value, yet full score; a bare target (no sign) is read by the indicator\'s direction (正向 ≥, 反向 ≤), and not judged where that cannot be told.',
    messages: { unmet: '“{indicator}”指标值为 {target}，实际完成值 {actual} 未达到{basis}，却得满分 {score}' },
  },
  check(t, ctx) {
    for (const ind of t.indicators) {
      const score = usable(ind.score);
      const weight = usable(ind.weight);
      if (!score || !weight || !score.gte(weight)) continue;
      const met = targetMet(ind, t, ctx.params);
      if (!met || met.met) continue;
      ctx.report({
        messageId: 'unmet',
        cell: ind.actual.cell,
        data: { indicator: ind.level3.value ?? '', target: ind.target.value ?? '', actual: ind.actual.value ?? '', score: plain(score), basis: met.basis },
        expected: ind.target.value,
        actual: ind.actual.value,
      });
    }
  },
});

export const indicatorMetButDeducted = defineRule({
  meta: {
    id: 'indicator.met-but-deducted',
    severity: 'info',
    title: '达到目标仍扣分',
    description: '定量指标已达到指标值，却未得满分',
    docs: 'A quantitative target met (≥98% with 98%), yet less than full score.',
    messages: { deducted: '“{indicator}”实际完成值 {actual} 已达到指标值 {target}{basis}，得分 {score} 低于分值 {weight}' },
  },
  check(t, ctx) {
    for (const ind of t.indicators) {
      const score = usable(ind.score);
      const weight = usable(ind.weight);
      // A negative score is score.range's error, not a deduction.
      if (!score || !weight || !score.lt(weight) || score.isNegative()) continue;
      const met = targetMet(ind, t, ctx.params);
      if (!met?.met) continue;
      ctx.report({
        messageId: 'deducted',
        cell: ind.score.cell,
        data: { indicator: ind.level3.value ?? '', actual: ind.actual.value ?? '', target: ind.target.value ?? '', score: plain(score), weight: plain(weight), basis: met.basis },
        expected: `${plain(weight)} 分`,
        actual: `${plain(score)} 分`,
      });
    }
  },
});

export const indicatorRules = [indicatorReasonMissing, indicatorTargetNotMet, indicatorMetButDeducted];
