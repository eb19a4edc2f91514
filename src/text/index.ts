/**
 * Text normalisation shared by label matching (map) and value parsing (model): a module below both, so that map no
 * longer reaches up into model for it. NFKC folds full-width digits, letters and
 * signs (８６．８ ＝ ％ ＞ （ ）) to ASCII; ≥ and ≤ have no ASCII form and stay.
 */
import './zod-locale.js';

/**
 * The same few hundred labels and figures come back in every table of a batch, and NFKC is the costliest step of
 * matching them (bench/README.md): results are kept, up to a bound, for the life of the thread.
 */
export function memo<T>(f: (s: string) => T, max = 4_096, longest = 48): (s: string) => T {
  const seen = new Map<string, T>();
  return (s) => {
    // Long texts (project names, analysis paragraphs) are one-offs: keeping them would only grow the heap with the batch.
    if (s.length > longest) return f(s);
    let out = seen.get(s);
    if (out === undefined) {
      if (seen.size >= max) seen.clear();
      seen.set(s, (out = f(s)));
    }
    return out;
  };
}

// NFKC leaves U+2212 MINUS SIGN as it is; text pasted from Word has it in `−0.7`.
export const fold: (s: string) => string = memo((s) => s.normalize('NFKC').replace(/\u2212/g, '-'));

/** Labels compare without any white space, line breaks or a trailing colon: `总     分`, `项\n目`, `资金总额：`. */
export const normLabel: (s: string) => string = memo((s) => {
  // white space, zero-width characters pasted with the text, a required-field mark in front
  const t = fold(s)
    .replace(/[\s\u3000\u00a0\u200b-\u200d\u2060\ufeff]+/g, '')
    .replace(/^[*※★☆]+/, '');
  // a trailing colon, and a required-field mark after the label too (`预算单位*`, `预算单位 *：`)
  return trimEnd(trimEnd(trimEnd(t, COLONS), MARKS), COLONS);
});

const COLONS = ':：';
const MARKS = '*※★☆';

/**
 * `s` without the characters of `set` at its end. A pattern like /[:：]+$/ is tried from every position of the
 * text and runs to the end of each run of colons: a cell of 50,000 colons took a minute. This looks once, from the end.
 */
export function trimEnd(s: string, set: string): string {
  let end = s.length;
  while (end > 0 && set.includes(s[end - 1]!)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * A normalised header without the notes after it: bracketed units or letters, several of them, or a bare percent
 * sign (`全年预算数(万元)` → `全年预算数`, `执行率(B/A)` → `执行率`, `执行率%` → `执行率`). From the end, once; the
 * pattern it replaces, /(?:\([^()]*\))+$/, was quadratic on `()()()…`.
 */
export function withoutTrailingNotes(s: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === ')') {
    const open = s.lastIndexOf('(', end - 2);
    if (open < 0 || s.lastIndexOf(')', end - 2) > open) break;
    end = open;
  }
  if (end < s.length) return s.slice(0, end);
  return s.endsWith('%') ? s.slice(0, -1) : s;
}

/**
 * A code as two systems may write it: `007001`, `７００１`, ` 7001 ` (a ledger cell that lost its leading zeros
 * as a number) all read `7001`. Codes are fixed-width where they are issued, so no two differ only in leading zeros.
 */
export function normCode(s: string): string {
  const t = fold(s).replace(/\s+/g, '');
  return /^\d+$/.test(t) ? t.replace(/^0+(?=\d)/, '') : t.toUpperCase();
}

/** Names (projects, units) compare without quotes, spaces and width differences. */
export function normName(s: string): string {
  return normLabel(s).replace(/["'“”‘’「」『』《》〈〉]/g, '');
}

/** The most a finding copies of any one text from a workbook: a cell can hold 32,767 characters, a message cannot. */
export const CLIP_LENGTH = 200;

/** `s` cut to `max` UTF-16 units with `…` after it, never splitting a surrogate pair; linear in `max`, not `s`. */
export function clip(s: string, max = CLIP_LENGTH): string {
  if (s.length <= max) return s;
  const end = s.charCodeAt(max - 1) >= 0xd800 && s.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
  return `${s.slice(0, end)}…`;
}
