/**
 * The fast .xlsx reader (src/read/ooxml.ts) must give the grid SheetJS gives: every sheet, merge and cell (raw
 * value, displayed text, number format). Shared by tests/read/fast-reader.test.ts and bench/verify-reader.ts.
 */
import { type Sheet, defaultReadLimits } from '../../src/read/index.js';
import { readOoxml } from '../../src/read/ooxml.js';
import { readWithSheetJS } from '../../src/read/xlsx.js';

export function dumpSheets(sheets: Sheet[]): unknown[] {
  return sheets.map((s) => {
    const cells: unknown[] = [];
    for (let r = 0; r < s.rowCount; r++)
      for (let c = 0; c < s.colCount; c++) {
        const x = s.own(r, c);
        if (x) cells.push([x.r, x.c, x.addr, x.raw, x.text, x.fmt ?? null]);
      }
    return { name: s.name, hidden: !!s.hidden, rowCount: s.rowCount, colCount: s.colCount, merges: s.merges, cells };
  });
}

export type ReaderComparison =
  | { kind: 'same' }
  /** The fast path declined the file (SheetJS reads it instead): fine, but worth counting. */
  | { kind: 'declined'; why: string }
  | { kind: 'different'; detail: string };

export function compareReaders(buf: Buffer): ReaderComparison {
  let fast: Sheet[];
  try {
    fast = readOoxml(buf, defaultReadLimits);
  } catch (err) {
    return { kind: 'declined', why: err instanceof Error ? err.message : String(err) };
  }
  let slow: Sheet[];
  try {
    slow = readWithSheetJS(buf, defaultReadLimits, 'zip');
  } catch (err) {
    return { kind: 'different', detail: `SheetJS fails (${String(err)}) where the fast path reads` };
  }
  const a = JSON.stringify(dumpSheets(fast));
  const b = JSON.stringify(dumpSheets(slow));
  if (a === b) return { kind: 'same' };
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return { kind: 'different', detail: `fast …${a.slice(Math.max(0, i - 80), i + 80)}… vs SheetJS …${b.slice(Math.max(0, i - 80), i + 80)}…` };
}
