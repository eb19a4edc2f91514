import type { Finding } from '../rules/index.js';

/** Text in code-unit order, the same on every machine (never the locale's): the one order of every report. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** null sorts first. */
function cmpNullable(a: string | null | undefined, b: string | null | undefined): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an === bn ? 0 : an ? -1 : 1;
  return compareText(a, b);
}

const A1 = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;

function colIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** Row first, then column (A2 < B2 < A10); null first; text that is not an A1 address last, by text. */
export function compareCells(a: string | null, b: string | null): number {
  if (a === null || b === null) return cmpNullable(a, b);
  const ma = A1.exec(a);
  const mb = A1.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return compareText(a, b);
  }
  const dr = Number(ma[2]) - Number(mb[2]);
  if (dr !== 0) return dr < 0 ? -1 : 1;
  const dc = colIndex(ma[1] ?? '') - colIndex(mb[1] ?? '');
  if (dc !== 0) return dc < 0 ? -1 : 1;
  return compareText(a, b);
}

/**
 * File, sheet (null first), cell (row, then column; null first), rule, message, expected, actual; then the
 * remaining fields, so that the order is total and the same on every machine.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.file, b.file) ||
    cmpNullable(a.sheet, b.sheet) ||
    compareCells(a.cell, b.cell) ||
    compareText(a.rule, b.rule) ||
    compareText(a.message, b.message) ||
    cmpNullable(a.expected, b.expected) ||
    cmpNullable(a.actual, b.actual) ||
    compareText(a.severity, b.severity) ||
    cmpNullable(a.department, b.department) ||
    cmpNullable(a.unit, b.unit) ||
    cmpNullable(a.project, b.project)
  );
}

export function sortFindings(f: Finding[]): Finding[] {
  return [...f].sort(compareFindings);
}
