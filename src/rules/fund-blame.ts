import { Decimal } from '../model/index.js';
import type { FundColumn, FundRow, NumberField, ProjectTable } from '../model/index.js';
import { agrees, usable, usableOrZero } from './figures.js';
import type { LedgerIndex } from './ledger-index.js';
import { rateOf } from './table-access.js';
import { textStates } from './stated-figures.js';

/**
 * When the total row's amount is not the sum of its sources, one of those cells is wrong, and the evidence tells
 * which — or does not, and then nobody is told to change a figure:
 * - the bureau's ledger: a total that agrees with the ledger is right, and a sum of sources that agrees with it
 *   makes the total the wrong one;
 * - the figures beside a cell: a row whose balance and rate fit another amount than its own (the total less the
 *   other sources) has that amount wrong, as has a source left blank where an amount belongs; a total whose balance
 *   and rate fit the sum, not its own amount, is the wrong one;
 * - the analysis text: a text that states the total's amount (`年度预算资金7万元`) says which figure was meant;
 * - what is possible: where the total stands and one source only could take the difference without spending more
 *   than its budget (or a negative amount), that source is the one.
 * fund.sum reports the blamed cell; the balance, rate and rate score of that row are then judged on the amount it
 * should have, so one wrong cell gives one finding. Nothing singled out: fund.sum says the figures disagree and asks
 * for them to be checked, prescribing no value.
 */
export type AmountKey = 'budget' | 'executed';

/** What the blame rests on besides the table: the tolerance, and the ledger when the run has one. */
export interface Evidence {
  params: { tolerance: Decimal };
  ledger: LedgerIndex | null;
}

export type Blame =
  | {
      kind: 'cell';
      row: FundRow;
      /** What the blamed cell should hold. */
      expected: Decimal;
      /** How: the sources summed (total blamed), or the total less the other sources (a source blamed). */
      terms: Decimal[];
      total: Decimal | null;
      /** The ledger's figure where it decided. */
      ledger: Decimal | null;
      /**
       * Whether the row's own balance, rate and rate score were worked out from the wrong amount (they agree with
       * it): then they are to be corrected with it.
       */
      derivedFollow: boolean;
    }
  | {
      kind: 'unresolved';
      /** The total row, the sum of its sources and its terms. */
      row: FundRow;
      sum: Decimal;
      terms: Decimal[];
      /** The ledger's figure, where it agrees with the total (then a source is wrong, but which one is not known). */
      ledger: Decimal | null;
    };

const AMOUNTS: AmountKey[] = ['budget', 'executed'];
const WAN = new Decimal(10000);

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

/**
 * A total row nobody filled in: every amount it has zero or blank, while its sources carry money (贵池区棠溪镇 2022:
 * 0 0 0 over 90 / 89.974 / 89.974). Its cells are the ones to fill, not every source's.
 */
function leftAtZero(total: FundRow): boolean {
  const amounts = (['initial', 'budget', 'executed'] as const).map((k) => total.values[k]).filter((f) => f !== undefined);
  return amounts.length > 0 && amounts.every((f) => f.state === 'empty' || usable(f)?.isZero());
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

/** The ledger's amount for the table's project, in the table's unit; null without a ledger or a matching row. */
export function ledgerAmount(t: ProjectTable, k: AmountKey, ledger: LedgerIndex | null): Decimal | null {
  if (!ledger || t.kind !== 'project') return null;
  const hit = ledger.match(t);
  const wan = hit ? usable(hit[k]) : null;
  return wan ? (t.amountUnit === '元' ? wan.times(WAN) : wan) : null;
}

// fund.sum, the derived-figure rules, score.total and narrative.mismatch all ask, several times a table.
const blames = new WeakMap<ProjectTable, Map<string, Blame | null>>();

/** What fund.sum says of column `k`: the cell it blames, that it cannot tell, or null when the column adds up. */
export function blameFor(t: ProjectTable, k: AmountKey, ev: Evidence): Blame | null {
  let memo = blames.get(t);
  if (!memo) blames.set(t, (memo = new Map()));
  const key = `${k}|${ev.params.tolerance.toString()}|${ev.ledger ? 'ledger' : ''}`;
  let b = memo.get(key);
  if (b === undefined) memo.set(key, (b = findBlame(t, k, ev)));
  return b;
}

/** The cell fund.sum blames in column `k`, when it blames one (not when it only asks for a check). */
export function blamedCell(t: ProjectTable, k: AmountKey, ev: Evidence): Extract<Blame, { kind: 'cell' }> | null {
  const b = blameFor(t, k, ev);
  return b?.kind === 'cell' ? b : null;
}

function findBlame(t: ProjectTable, k: AmountKey, ev: Evidence): Blame | null {
  const tolerance = ev.params.tolerance;
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
  const same = (a: Decimal, b: Decimal) => a.minus(b).abs().lte(tolerance);
  const ledger = ledgerAmount(t, k, ev.ledger);
  const ledgerSaysTotal = !!ledger && same(ledger, whole);
  const ledgerSaysSum = !!ledger && !ledgerSaysTotal && same(ledger, sum);
  const totalAmounts = own(total);
  const fitsOwn = !!totalAmounts && derivedFit(total, totalAmounts, tolerance);
  const fitsSum = !!totalAmounts && derivedFit(total, { ...totalAmounts, [k]: sum }, tolerance);
  // Witnesses that the total holds the amount meant, and that the sum does. Outside the table (the ledger, the text)
  // they weigh more than the total's own balance and rate, which a source row's own can match.
  // The ledger is the bureau's own record: where it speaks, it decides between the total and the sum.
  const outside = ledgerSaysTotal || (!ledgerSaysSum && textStates(t, k, whole));
  const forTotal = !ledgerSaysSum && (outside || (fitsOwn && !fitsSum));
  const forSum = ledgerSaysSum || (!ledgerSaysTotal && ((fitsSum && !fitsOwn) || textStates(t, k, sum) || leftAtZero(total)));
  if (forSum && !forTotal) return { kind: 'cell', row: total, expected: sum, terms: values, total: null, ledger: ledgerSaysSum ? ledger : null, derivedFollow: false };

  const strong: Extract<Blame, { kind: 'cell' }>[] = [];
  const possible: Extract<Blame, { kind: 'cell' }>[] = [];
  sources.forEach((s, i) => {
    const others = values.filter((_, j) => j !== i);
    const should = others.reduce((a, b) => a.minus(b), whole);
    const base = { kind: 'cell' as const, row: s, expected: should, terms: others, total: whole, ledger: ledgerSaysTotal ? ledger : null };
    const field: NumberField | undefined = s.values[k];
    if (field?.state === 'empty') {
      if (!should.isZero()) strong.push({ ...base, derivedFollow: false });
      return;
    }
    const mine = own(s);
    if (!mine) return;
    const fixed = { ...mine, [k]: should };
    if (derivedFit(s, fixed, tolerance) && !derivedFit(s, mine, tolerance)) strong.push({ ...base, derivedFollow: false });
    // Taking the difference, could this row be right? No negative amount, no more spent than budgeted.
    else if (!should.isNegative() && fixed.executed.lte(fixed.budget)) possible.push({ ...base, derivedFollow: derivedFit(s, mine, tolerance) });
  });
  if (strong.length === 1) return strong[0]!;
  // The total stands (the ledger, its own balance and rate, or the text say so) and one source only could be wrong.
  const only = possible.length === 1 ? possible[0]! : null;
  if (!strong.length && only && !forSum && (outside || (forTotal && !only.derivedFollow))) return only;
  return { kind: 'unresolved', row: total, sum, terms: values, ledger: ledgerSaysTotal ? ledger : null };
}

/**
 * A row's budget and executed amounts as they should be where fund.sum blames one of its cells (the total's the
 * sources' sum, a blamed source's the total less the others); null when fund.sum blames nothing in this row.
 */
export function impliedAmounts(t: ProjectTable, row: FundRow, ev: Evidence): Record<AmountKey, Decimal> | null {
  let changed = false;
  const out: Partial<Record<AmountKey, Decimal>> = {};
  for (const k of AMOUNTS) {
    const b = blamedCell(t, k, ev);
    if (b && b.row === row) changed = true;
    const v = b && b.row === row ? b.expected : usable(row.values[k]);
    if (!v) return null;
    out[k] = v;
  }
  return changed ? (out as Record<AmountKey, Decimal>) : null;
}
