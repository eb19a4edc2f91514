import { Decimal } from '../../src/model/decimal.js';
import { type ProjectTable, fold } from '../../src/model/index.js';
import type { CellSpec, TableSpec } from '../../scripts/table-spec.js';

/** A table's figures and texts without cell addresses, so two readings of the same data compare equal. */
export function figures(t: ProjectTable) {
  const rows = [...(t.funds.total ? [t.funds.total] : []), ...t.funds.sources];
  return {
    project: t.project.value,
    department: t.department.value,
    unit: t.unit.value,
    amountUnit: t.amountUnit,
    funds: rows.map((r) => ({
      kind: r.kind,
      label: fold(r.label.value ?? '').replace(/[\s:：]+/g, ''),
      values: Object.fromEntries(Object.entries(r.values).map(([k, f]) => [k, f.value?.toFixed() ?? null])),
    })),
    goal: [t.goal.target.value, t.goal.actual.value],
    indicators: t.indicators.map((i) => ({
      level1: fold(i.level1.value ?? '').replace(/\s+/g, ''),
      level2: fold(i.level2.value ?? '').replace(/\s+/g, ''),
      level3: i.level3.value,
      target: i.target.value,
      actual: i.actual.value,
      weight: i.weight.value?.toFixed() ?? null,
      score: i.score.value?.toFixed() ?? null,
      reason: i.reason.value,
    })),
    total: t.total.value?.toFixed() ?? null,
    grade: t.grade?.value ?? null,
    analysis: Object.fromEntries(t.analysis.map((a) => [a.key, a.text.value])),
  };
}

/** What the model should hold for a figure the spec wrote: the number the submitter meant. */
export function specNumber(c: CellSpec | undefined, rate = false): string | null {
  if (c === null || c === undefined || c === '') return null;
  if (typeof c === 'number') return new Decimal(String(c)).toFixed();
  if (typeof c === 'object') return (rate && c.z.includes('%') ? new Decimal(String(c.v)).times(100) : new Decimal(String(c.v))).toFixed();
  const m = /\d+(\.\d+)?/.exec(fold(c));
  return m ? new Decimal(m[0]).toFixed() : null;
}

/** The figures a TableSpec should read as in the seed layout. */
export function expectedFigures(s: TableSpec) {
  const keys = ['declared', 'initial', 'budget', 'executed', 'balance', 'rate', 'score'] as const;
  return {
    project: s.project,
    department: s.department,
    unit: s.unit,
    amountUnit: '万元',
    funds: s.funds.map((r, i) => ({
      kind: i === 0 ? 'total' : 'source',
      label: r.label.replace(/[\s:：]+/g, ''),
      values: Object.fromEntries(keys.map((k) => [k, specNumber(r[k], k === 'rate')])),
    })),
    goal: [s.goal.target, s.goal.actual],
    indicators: s.indicators.map((i) => ({
      level1: i.level1,
      level2: i.level2,
      level3: i.level3,
      target: i.targetAdjusted,
      actual: i.actual,
      weight: specNumber(i.weight),
      score: specNumber(i.score),
      reason: i.reason || null,
    })),
    total: specNumber(s.total),
    grade: s.grade,
    analysis: Object.fromEntries(
      s.analysis.map((a, i) => [['implementation', 'output', 'effect', 'satisfaction', 'experience', 'problems', 'improvements'][i]!, a.text]),
    ),
  };
}
