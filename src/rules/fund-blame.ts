import { Decimal } from '../model/decimal.js';
import type { FundColumn, FundRow, NumberField, ProjectTable } from '../model/index.js';
import { agrees, usable, usableOrZero } from './figures.js';
import { rateOf } from './table-access.js';

/**
 * When the total row's 全年预算数 or 全年执行数 is not the sum of its sources, one of those cells is wrong, and the
 * figures beside it tell which: a source row whose balance and rate fit the amount the total implies for it (total
 * less the other sources) and not its own amount is the wrong cell, as is a source left blank where an amount
 * belongs; otherwise the total is. fund.sum reports the blamed cell; the balance, rate and rate score of that row
 * are then judged on the amount it should have, so one wrong cell gives one finding.
 */
export type AmountKey = 'budget' | 'executed';

export interface Blame {
  row: FundRow;
  /** What the blamed cell should hold. */
  expected: Decimal;
  /** How: the sources summed (total blamed), or the total less the other sources (a source blamed). */
  terms: Decimal[];
  total: Decimal | null;
}

const AMOUNTS: AmountKey[] = ['budget', 'executed'];

/** Whether a row's reported balance and rate fit these amounts; false when it reports neither (no evidence). */
function derivedFit(row: FundRow, amounts: Record<AmountKey, Decimal>, tolerance: Decimal): boolean {
  const checks: boolean[] = [];
  const balance = row.values.balance;
  if (balance && usable(balance)) checks.push(agrees(amounts.budget.minus(amounts.executed), balance, tolerance));
  const rate = row.values.rate;
  const computed = rateOf(amounts.budget, amounts.executed);
  if (rate && usable(rate) && computed) checks.push(agrees(computed, rate, tolerance));
  return checks.length > 0 && checks.every(Boolean);
}

function own(row: FundRow): Record<AmountKey, Decimal> | null {
  const budget = usable(row.values.budget);
  const executed = usable(row.values.executed);
  return budget && executed ? { budget, executed } : null;
}

/** A column of the source rows and their sum, a blank counting as zero; null when a source cannot be read. */
export function sourcesSum(t: ProjectTable, k: FundColumn): { values: Decimal[]; sum: Decimal } | null {
  const values: Decimal[] = [];
  for (const r of t.funds.sources) {
    const v = usableOrZero(r.values[k]);
    if (!v) return null;
    values.push(v);
  }
  return { values, sum: values.reduce((a, b) => a.plus(b), new Decimal(0)) };
}

// fund.sum, the derived-figure rules, score.total and narrative.mismatch all ask, several times a table.
const blames = new WeakMap<ProjectTable, Map<string, Blame | null>>();

/** The cell of column `k` that fund.sum blames, or null when the column adds up (or cannot be added up). */
export function blameFor(t: ProjectTable, k: AmountKey, tolerance: Decimal): Blame | null {
  let memo = blames.get(t);
  if (!memo) blames.set(t, (memo = new Map()));
  const key = `${k}|${tolerance.toString()}`;
  let b = memo.get(key);
  if (b === undefined) memo.set(key, (b = findBlame(t, k, tolerance)));
  return b;
}

function findBlame(t: ProjectTable, k: AmountKey, tolerance: Decimal): Blame | null {
  const total = t.funds.total;
  const sources = t.funds.sources;
  if (!total || !sources.length) return null;
  const reported = total.values[k];
  const whole = usable(reported);
  if (!reported || !whole) return null;
  const summed = sourcesSum(t, k);
  if (!summed) return null;
  const { values, sum } = summed;
  if (agrees(sum, reported, tolerance)) return null;
  const totalBlame: Blame = { row: total, expected: sum, terms: values, total: null };
  const totalAmounts = own(total);
  if (!totalAmounts || !derivedFit(total, totalAmounts, tolerance)) return totalBlame;
  const candidates = sources.flatMap((s, i) => {
    const others = values.filter((_, j) => j !== i);
    const should = others.reduce((a, b) => a.minus(b), whole);
    const field: NumberField | undefined = s.values[k];
    if (field?.state === 'empty') return should.isZero() ? [] : [{ row: s, expected: should, terms: others, total: whole }];
    const mine = own(s);
    if (!mine) return [];
    const fixed = { ...mine, [k]: should };
    return derivedFit(s, fixed, tolerance) && !derivedFit(s, mine, tolerance) ? [{ row: s, expected: should, terms: others, total: whole }] : [];
  });
  return candidates.length === 1 ? candidates[0]! : totalBlame;
}

/**
 * A row's budget and executed amounts as they should be where fund.sum blames one of its cells (the total's the
 * sources' sum, a blamed source's the total less the others); null when fund.sum blames nothing in this row.
 */
export function impliedAmounts(t: ProjectTable, row: FundRow, tolerance: Decimal): Record<AmountKey, Decimal> | null {
  let changed = false;
  const out: Partial<Record<AmountKey, Decimal>> = {};
  for (const k of AMOUNTS) {
    const b = blameFor(t, k, tolerance);
    if (b && b.row === row) changed = true;
    const v = b && b.row === row ? b.expected : usable(row.values[k]);
    if (!v) return null;
    out[k] = v;
  }
  return changed ? (out as Record<AmountKey, Decimal>) : null;
}
