import { Decimal } from '../model/index.js';
import type { NumberField } from '../model/index.js';

/**
 * SPEC.md's rounding rule: a reported figure agrees with a computed one when the computed one, rounded half-up
 * to as many decimals as the reported figure shows, equals it (plus the configured tolerance).
 */
export function agrees(computed: Decimal, reported: NumberField, tolerance: Decimal = new Decimal(0)): boolean {
  if (!reported.value) return true;
  // The common case, and the cheapest test: equal figures agree at any precision.
  if (computed.eq(reported.value)) return true;
  const d = reported.decimals;
  const diff = computed.toDecimalPlaces(d, Decimal.ROUND_HALF_UP).minus(reported.value.toDecimalPlaces(d, Decimal.ROUND_HALF_UP)).abs();
  return diff.lte(tolerance);
}

/** A computed figure as the report should show it: at the reported precision, at least 2 decimals for non-integers. */
export function shown(computed: Decimal, decimals: number): string {
  const d = Math.max(decimals, computed.isInteger() ? 0 : 2);
  return trimZeros(computed.toDecimalPlaces(d, Decimal.ROUND_HALF_UP).toFixed(d), decimals);
}

function trimZeros(s: string, keep: number): string {
  if (!s.includes('.')) return s;
  const [i, f = ''] = s.split('.');
  let frac = f;
  while (frac.length > keep && frac.endsWith('0')) frac = frac.slice(0, -1);
  return frac ? `${i}.${frac}` : i!;
}

/** A figure from the table, as the table shows it. */
export function asShown(f: NumberField): string {
  return f.value ? f.value.toFixed(Math.max(f.decimals, 0)) : f.text;
}

/** A plain operand in a message: 6.695, not 6.695000. */
export function plain(d: Decimal): string {
  return d.toFixed();
}

/** The value of a numeric field when it can take part in arithmetic. */
export function usable(f: NumberField | undefined): Decimal | null {
  return f && (f.state === 'ok' || f.state === 'dirty') ? f.value : null;
}

/** A field that is there but blank counts as zero in a sum; unreadable or absent means "cannot check". */
export function usableOrZero(f: NumberField | undefined): Decimal | null {
  if (!f || f.state === 'unreadable') return null;
  if (f.state === 'empty') return new Decimal(0);
  return usable(f);
}

/** What a rule reports when a reported figure does not agree with the computed one. */
export interface FigureCheck {
  messageId: string;
  reported: NumberField;
  computed: Decimal;
  /** Placeholders besides {expected} and {actual}, which are filled here. */
  data: Record<string, string>;
  /** Appended to expected/actual in the finding's columns (`%` for rates). */
  suffix?: string;
  /**
   * A blank figure is reported too, with this message, when the computed one is not zero: a blank claims "nothing",
   * so 0.305 left blank is wrong even though it rounds to 0. `exact` shows amounts as computed, else at 2 decimals.
   */
  blank?: { messageId: string; exact: boolean };
  /**
   * Other figures the reported one may rightly show, from other cells of the table (a total row's balance from the
   * summed sources when its own budget is the wrong cell): agreeing with one of them is no error of this cell.
   */
  alternatives?: () => (Decimal | null)[];
  /** Show the expected figure as computed (an amount: 6.695, 0.305), not rounded to the reported precision. */
  exact?: boolean;
}

/** What the finding's 表中为 says of a blank cell. */
export const BLANK = '（空）';

/**
 * Reports a figure that disagrees under the rounding rule, with the expected value shown at the reported
 * precision. Every arithmetic rule goes through here, so they all round and word the figures alike.
 */
export function checkFigure(
  ctx: { params: { tolerance: Decimal }; report(r: { messageId: string; cell: string | null; data: Record<string, string>; expected: string | null; actual: string }): void },
  c: FigureCheck,
): void {
  if (c.reported.state === 'empty') {
    if (!c.blank || c.computed.abs().lte(ctx.params.tolerance)) return;
    const expected = c.blank.exact ? plain(c.computed) : shown(c.computed, 2);
    const suffix = c.suffix ?? '';
    ctx.report({ messageId: c.blank.messageId, cell: c.reported.cell, data: { ...c.data, expected }, expected: `${expected}${suffix}`, actual: BLANK });
    return;
  }
  if (!usable(c.reported) || agrees(c.computed, c.reported, ctx.params.tolerance)) return;
  // Asked for only when the figure disagrees with its own row: most figures agree, and these cost a division.
  if (c.alternatives?.().some((a) => a && agrees(a, c.reported, ctx.params.tolerance))) return;
  const expected = c.exact ? plain(c.computed) : shown(c.computed, c.reported.decimals);
  const actual = asShown(c.reported);
  const suffix = c.suffix ?? '';
  ctx.report({ messageId: c.messageId, cell: c.reported.cell, data: { ...c.data, expected, actual }, expected: `${expected}${suffix}`, actual: `${actual}${suffix}` });
}
