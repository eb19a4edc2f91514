import { Decimal } from './decimal.js';
import { fold, memo } from '../text/index.js';

/** What a cell held, as far as a number goes. */
export type NumState = 'ok' | 'empty' | 'dirty' | 'unreadable';

export interface ParsedNumber {
  state: NumState;
  value: Decimal | null;
  /** Decimals the figure shows; the rounding rule compares at this precision. */
  decimals: number;
}

/** The source cell as far as parsing is concerned (kept free of the reader's types). */
export interface CellInput {
  raw: string | number | boolean | null;
  text: string;
  fmt?: string | undefined;
}

const EMPTY_MARKERS = new Set(['', '—', '-', '/', '无', '－', '——', '--', '\\', 'N/A', 'n/a']);

/** SPEC.md's "no value": empty, `—`, `-`, `/`, `无` (and their doubled or full-width forms), in any field. */
export function isNoValue(text: string): boolean {
  return EMPTY_MARKERS.has(fold(text).replace(/[\s\u3000]+/g, ''));
}
const CLEAN = /^[+-]?(\d+(\.\d+)?|\.\d+)%?$/;
const GROUPED = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?$/;
const NUMBER_IN_TEXT = /[+-]?\d+(?:,\d{3})*(?:\.\d+)?/g;

function decimalsOf(s: string): number {
  const m = /\.(\d+)/.exec(s);
  return m ? m[1]!.length : 0;
}

const doubles = new Map<number, Decimal>();

/** A double as a person would have typed it: 0.30000000000000004 → 0.3. Kept per value, as figures repeat. */
export function decimalFromDouble(n: number): Decimal {
  let d = doubles.get(n);
  if (d === undefined) {
    if (doubles.size >= 4_096) doubles.clear();
    doubles.set(n, (d = new Decimal(Number.isInteger(n) ? n.toString() : n.toPrecision(15))));
  }
  return d;
}

/** A format that scales by 100: a `%` that is not a literal (`"%"` or `\%` only print the sign). */
function isPercentFormat(fmt: string | undefined): boolean {
  return !!fmt && /%/.test(fmt.replace(/"[^"]*"/g, '').replace(/\\./g, ''));
}

/** A formula's cached error (#REF!, #N/A, #DIV/0!…): something stood there, and it is not a number. */
const EXCEL_ERROR = /^#(REF!|N\/A|DIV\/0!|VALUE!|NAME\?|NUM!|NULL!|GETTING_DATA|SPILL!|CALC!)$/;

export function isExcelError(text: string): boolean {
  return EXCEL_ERROR.test(text.trim());
}

/**
 * Reads a number as SPEC.md says: full-width forms folded, thousands separators dropped, `—` `-` `/` `无` empty,
 * a number recovered from stray characters is `dirty`, text with no readable number is `unreadable`.
 * `percent` fields also accept a fraction in a percent-formatted cell (0.9564 in `0.00%` is 95.64).
 */
export function parseNumber(cell: CellInput | undefined, kind: 'plain' | 'percent' = 'plain'): ParsedNumber {
  if (cell && cell.raw === null && isExcelError(cell.text)) return { state: 'unreadable', value: null, decimals: 0 };
  if (!cell || cell.raw === null || cell.raw === '') return { state: 'empty', value: null, decimals: 0 };
  if (typeof cell.raw === 'number') {
    if (!Number.isFinite(cell.raw)) return { state: 'unreadable', value: null, decimals: 0 };
    let value = decimalFromDouble(cell.raw);
    const pct = isPercentFormat(cell.fmt);
    if (kind === 'percent' && pct) value = value.times(100);
    const shown = fold(cell.text).replace(/,/g, '');
    const decimals = /\d/.test(shown) ? decimalsOf(shown) : value.decimalPlaces();
    return { state: 'ok', value, decimals };
  }
  if (typeof cell.raw === 'boolean') return { state: 'unreadable', value: null, decimals: 0 };
  return parseNumberText(String(cell.raw));
}

/**
 * The same figures (`10`, `100%`, `＝3个`, `≥95%`) fill every table of a batch: their readings are kept, like
 * labels (text.ts). The results are shared, so nobody may change them; Decimals cannot be changed anyway.
 */
export const parseNumberText: (input: string) => ParsedNumber = memo(readNumberText);

function readNumberText(input: string): ParsedNumber {
  // white space and the zero-width characters text pasted from elsewhere carries
  const s = fold(input).replace(/[\s\u3000\u200b-\u200d\u2060\ufeff]+/g, '');
  if (EMPTY_MARKERS.has(s)) return { state: 'empty', value: null, decimals: 0 };
  // The accountant's negative: (0.70) for −0.70.
  const paren = /^\((\d+(?:,\d{3})*(?:\.\d+)?)\)$/.exec(s);
  if (paren) {
    const t = paren[1]!.replace(/,/g, '');
    return { state: 'ok', value: new Decimal(t).negated(), decimals: decimalsOf(t) };
  }
  if (CLEAN.test(s)) return { state: 'ok', value: new Decimal(s.replace('%', '')), decimals: decimalsOf(s) };
  if (GROUPED.test(s)) {
    const t = s.replace(/,/g, '').replace('%', '');
    return { state: 'ok', value: new Decimal(t), decimals: decimalsOf(t) };
  }
  const found = s.match(NUMBER_IN_TEXT) ?? [];
  if (found.length === 1) {
    const t = found[0]!.replace(/,/g, '');
    return { state: 'dirty', value: new Decimal(t), decimals: decimalsOf(t) };
  }
  return { state: 'unreadable', value: null, decimals: 0 };
}

export type ComparisonOp = '=' | '>=' | '<=' | '>' | '<';

export interface Comparison {
  /** The sign the target was written with; null for a bare figure (`90%`), whose direction the rules decide. */
  op: ComparisonOp | null;
  value: Decimal;
  unit: string;
}

const OPS: [string, ComparisonOp][] = [
  // in words, as targets are often written (longest first: 大于等于 before 大于)
  ['大于或等于', '>='],
  ['大于等于', '>='],
  ['小于或等于', '<='],
  ['小于等于', '<='],
  ['不低于', '>='],
  ['不少于', '>='],
  ['不小于', '>='],
  ['至少', '>='],
  ['达到', '>='],
  ['不高于', '<='],
  ['不超过', '<='],
  ['不多于', '<='],
  ['不大于', '<='],
  ['至多', '<='],
  ['大于', '>'],
  ['高于', '>'],
  ['超过', '>'],
  ['多于', '>'],
  ['小于', '<'],
  ['低于', '<'],
  ['少于', '<'],
  ['等于', '='],
  ['>=', '>='],
  ['<=', '<='],
  ['≥', '>='],
  ['≧', '>='],
  ['≤', '<='],
  ['≦', '<='],
  ['==', '='],
  ['=', '='],
  // ═ (a box-drawing double line) stands for = in some templates' fonts
  ['═', '='],
  ['>', '>'],
  ['<', '<'],
];

/**
 * An indicator value such as `＝3个`, `≥90%`, `≧735人次`, `≤340元`, `＝3.69万元/人`, `不低于95%`, `95%以上`, or a
 * bare `98%` (no sign: op null). Qualitative values (`及时`, `达成预期指标`, `分别为564路、50套`) give null.
 */
export const parseComparison: (input: string) => Comparison | null = memo(readComparison);

function readComparison(input: string): Comparison | null {
  let s = fold(input).replace(/[\s\u3000]+/g, '');
  let op: ComparisonOp | null = null;
  for (const [tok, o] of OPS) {
    if (s.startsWith(tok)) {
      op = o;
      s = s.slice(tok.length);
      break;
    }
  }
  // `95%以上`, `95%及以上`, `340元以下`: the bound after the figure (with ≥ before it, `≥95%以上` says it twice)
  const bound = /(及以上|以上|及以下|以下)$/.exec(s);
  if (bound) {
    s = s.slice(0, -bound[1]!.length);
    if (op === null || op === '=') op = bound[1]!.endsWith('上') ? '>=' : '<=';
  }
  const m = /^([+-]?\d+(?:,\d{3})*(?:\.\d+)?)([^\d]{0,8})$/.exec(s);
  if (!m) return null;
  return { op, value: new Decimal(m[1]!.replace(/,/g, '')), unit: m[2]!.replace(/[.。]$/, '') };
}

/** `007-中国共产党…政法委员会` → code 007 and the name. */
export function splitCodeName(input: string): { code: string | null; name: string } {
  const s = fold(input).trim();
  // `007-名称`, `[007]名称`, `【007】名称`, `(007)名称`
  const m = /^[[【(]?(\d{2,})[\]】)]?\s*[-－—_:：\s]?\s*(.*)$/s.exec(s);
  if (m) return { code: m[1]!, name: m[2]!.trim() };
  // `名称（007）`, `名称【007】`, `名称 007`
  const t = /^(.*?\S)\s*(?:[(【[](\d{2,})[)】\]]|[-－—_\s](\d{2,}))$/s.exec(s);
  if (t) return { code: (t[2] ?? t[3])!, name: t[1]!.trim() };
  return { code: null, name: s };
}

/** A weight stated in a first-level label: `产出指标（50分）` → 50. */
export function weightInLabel(input: string): Decimal | null {
  const m = /\((\d+(?:\.\d+)?)分?\)/.exec(fold(input));
  return m ? new Decimal(m[1]!) : null;
}
