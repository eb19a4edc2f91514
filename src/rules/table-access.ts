import { Decimal } from '../model/index.js';
import { type FundRow, type ProjectTable, fold, normLabel, weightInLabel } from '../model/index.js';
import type { Indicator, NumberField } from '../model/index.js';
import type { RulesConfig } from './config.js';
import { usable } from './figures.js';

/** Shared views of a table that several rule families need; kept here so no two rules compute them twice. */

export function rowName(row: FundRow): string {
  return row.label.value ? fold(row.label.value).replace(/[\s:：]+/g, '') : row.kind === 'total' ? '资金总额' : '资金来源';
}

/** The row whose figures stand for the project: the total row, or the only source row. */
export function mainRow(t: ProjectTable): FundRow | null {
  return t.funds.total ?? t.funds.sources[0] ?? null;
}

export function allRows(t: ProjectTable): FundRow[] {
  return [...(t.funds.total ? [t.funds.total] : []), ...t.funds.sources];
}

const rates = new WeakMap<FundRow, Decimal | null>();

/**
 * The execution rate computed from a row, as a percentage; null when it cannot be (no budget or 0). Four rules
 * need it; the division is the costliest step of decimal arithmetic, so it is done once per row.
 */
export function computedRate(row: FundRow): Decimal | null {
  let rate = rates.get(row);
  if (rate === undefined) {
    const budget = usable(row.values.budget);
    const executed = usable(row.values.executed);
    rate = rateOf(budget, executed);
    rates.set(row, rate);
  }
  return rate;
}

/** The execution rate of two amounts, as a percentage; null without a budget. */
export function rateOf(budget: Decimal | null, executed: Decimal | null): Decimal | null {
  return !budget || !executed || budget.isZero() ? null : executed.div(budget).times(100);
}

/** The rate that scores: the computed rate, capped at 100%. */
export function cappedRate(row: FundRow): Decimal | null {
  const rate = computedRate(row);
  return rate ? Decimal.min(rate, 100) : null;
}

/** 执行率得分 for a capped rate: 分值 × rate ÷ 100. */
export function rateScore(weight: Decimal, capped: Decimal): Decimal {
  return weight.times(capped).div(100);
}

/**
 * 分值 of the execution rate: as the table states it, else as its layout sets it, else the rules file's default.
 * Zero, with no cell, where the layout scores no separate rate (it is an indicator row, or not scored at all).
 */
export function rateWeight(t: ProjectTable, params: RulesConfig): { value: Decimal; field: NumberField | null } {
  if (t.rate.scoring !== 'separate') return { value: new Decimal(0), field: null };
  for (const row of allRows(t)) {
    const w = row.values.weight;
    const v = usable(w);
    if (w && v) return { value: v, field: w };
  }
  return { value: t.rate.weight ?? params.rateWeight, field: null };
}

/** Whether the rate has a score of its own beside the indicators' (SPEC.md: 执行率得分). */
export function rateScoredApart(t: ProjectTable): boolean {
  return t.rate.scoring === 'separate';
}

/** A level's name without a stated weight: `产出指标（50分）` → 产出指标. */
export function levelName(ind: Indicator, level: 'level1' | 'level2' = 'level1'): string {
  return normLabel(ind[level].value ?? '').replace(/\([^()]*\)$/, '');
}

export interface LevelGroup {
  name: string;
  label: Indicator['level1'];
  stated: Decimal | null;
  indicators: Indicator[];
}

/**
 * The indicators by 一级指标 (or by 二级指标 within their 一级, `数量指标(10分)`), each group with the weight its label
 * states, if any.
 */
export function levelGroups(t: ProjectTable, level: 'level1' | 'level2' = 'level1'): LevelGroup[] {
  const groups = new Map<string, LevelGroup>();
  for (const ind of t.indicators) {
    const name = levelName(ind, level);
    const key = level === 'level1' ? name : `${levelName(ind)}|${name}|${ind.level2.cell ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = { name, label: ind[level], stated: ind[level].value ? weightInLabel(ind[level].value) : null, indicators: [] };
      groups.set(key, g);
    }
    g.indicators.push(ind);
  }
  return [...groups.values()];
}

/** Σ of a numeric field over indicators; null if any of them cannot be read. */
export function sumOf(items: Indicator[], pick: (i: Indicator) => NumberField): Decimal | null {
  let sum = new Decimal(0);
  for (const i of items) {
    const f = pick(i);
    if (f.state === 'unreadable') return null;
    const v = usable(f);
    if (v) sum = sum.plus(v);
  }
  return sum;
}
