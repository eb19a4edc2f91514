/**
 * The reader's output: every sheet as a grid of cells, whatever the file format was.
 * Later stages never see SheetJS or CSV objects, only these types.
 */
import { indexMerges } from './merge-index.js';

export interface Cell {
  /** Zero-based row and column. */
  r: number;
  c: number;
  /** A1 address, e.g. "C8". */
  addr: string;
  /** The stored value: a cached result for formula cells, never re-evaluated. */
  raw: string | number | boolean | null;
  /** The text a person sees in Excel (formatted numbers, trimmed of nothing). */
  text: string;
  /** The Excel number format, when the file has one ("0.00%", "General"). */
  fmt?: string;
  /** Comments the submitter left on the cell, so that a copy of the workbook keeps them. */
  notes?: { author: string; text: string }[];
}

export interface Range {
  s: { r: number; c: number };
  e: { r: number; c: number };
}

export interface Sheet {
  name: string;
  /** Real extent of the cells that hold something (declared dimensions are ignored). */
  rowCount: number;
  colCount: number;
  merges: Range[];
  /** Column widths in characters, where the file sets them (for copies of the sheet; reading never needs them). */
  widths?: (number | undefined)[];
  /** Hidden (or very hidden) in the workbook: nobody filling in the form sees it. */
  hidden?: boolean;
  /** Rows and columns hidden in the sheet (by hand, a filter or a collapsed group), zero-based. */
  hiddenRows?: ReadonlySet<number>;
  hiddenCols?: ReadonlySet<number>;
  /**
   * Cells holding a formula the file kept no result of (written by a program, never opened and saved in Excel): no
   * value to read, and not blank either. Known for .xlsx read the fast way.
   */
  uncached?: ReadonlySet<string>;
  /** The cell as stored: covered cells of a merge are absent. */
  own(r: number, c: number): Cell | undefined;
  /** The cell as a person sees it: inside a merge, the merge's top-left cell. */
  at(r: number, c: number): Cell | undefined;
  /** The merge containing (r, c), if any. */
  mergeAt(r: number, c: number): Range | undefined;
}

export interface Workbook {
  /** The path as given to the reader. */
  file: string;
  format: 'xlsx' | 'xls' | 'csv';
  sheets: Sheet[];
}

export function colName(c: number): string {
  let s = '';
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Column names of the first columns, which every cell address of a form uses. */
const COLUMN_NAMES = Array.from({ length: 256 }, (_, c) => colName(c));

export function a1(r: number, c: number): string {
  return `${c < 256 ? COLUMN_NAMES[c] : colName(c)}${r + 1}`;
}

/** `A1:D4`, or `A1` for a single cell (as SheetJS writes ranges). */
export function rangeRef(r: Range): string {
  const s = a1(r.s.r, r.s.c);
  const e = a1(r.e.r, r.e.c);
  return s === e ? s : `${s}:${e}`;
}

export function parseA1(addr: string): { r: number; c: number } {
  const m = /^([A-Z]+)(\d+)$/.exec(addr);
  if (!m) throw new Error(`not an A1 address: ${addr}`);
  let c = 0;
  for (const ch of m[1]!) c = c * 26 + (ch.charCodeAt(0) - 64);
  return { r: Number(m[2]) - 1, c: c - 1 };
}

/** Builds a Sheet from sparse rows of cells; shared by the xlsx and csv readers. */
export function makeSheet(
  name: string,
  rows: (Cell | undefined)[][],
  merges: Range[],
  widths?: (number | undefined)[],
  hidden = false,
  concealed?: { rows: ReadonlySet<number>; cols: ReadonlySet<number> },
): Sheet {
  let rowCount = 0;
  let colCount = 0;
  rows.forEach((row, r) => {
    row.forEach((cell, c) => {
      if (cell && cell.text !== '') {
        rowCount = Math.max(rowCount, r + 1);
        colCount = Math.max(colCount, c + 1);
      }
    });
  });
  for (const m of merges) {
    rowCount = Math.max(rowCount, Math.min(m.e.r + 1, rows.length));
    colCount = Math.max(colCount, m.e.c + 1);
  }
  const index = indexMerges(merges, rowCount, colCount);
  const own = (r: number, c: number) => rows[r]?.[c];
  return {
    name,
    rowCount,
    colCount,
    merges: index.kept,
    ...(widths?.length ? { widths } : {}),
    ...(hidden ? { hidden } : {}),
    ...(concealed?.rows.size ? { hiddenRows: concealed.rows } : {}),
    ...(concealed?.cols.size ? { hiddenCols: concealed.cols } : {}),
    own,
    mergeAt: (r, c) => index.at(r, c),
    at(r, c) {
      const m = index.at(r, c);
      return m ? own(m.s.r, m.s.c) : own(r, c);
    },
  };
}
