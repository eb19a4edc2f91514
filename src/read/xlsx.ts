import * as XLSX from 'xlsx';
import { type Cell, type Range, type Sheet, a1, makeSheet } from './grid.js';
import { ReadError, inflatesTooLarge } from './errors.js';
import type { ReadLimits } from './limits.js';
import { ZipTooLarge } from '../ooxml/index.js';
import { readOoxml, uncachedByName } from './ooxml.js';
import { checkInflatedSize } from './zip-budget.js';

/** How SheetJS is asked to parse a workbook (the benchmark's floor uses the same). */
export const SHEETJS_READ_OPTIONS: XLSX.ParsingOptions = {
  type: 'buffer',
  dense: true,
  cellNF: true,
  cellText: true,
  cellDates: false,
  cellFormula: false,
  cellHTML: false,
  cellStyles: false,
  // Declared dimensions can lie (A1:XFD1048576 in a 16 KB file): use where cells really are.
  nodim: true,
} as XLSX.ParsingOptions;

function displayed(cell: XLSX.CellObject): string {
  if (cell.w !== undefined) return cell.w;
  if (cell.v === undefined || cell.v === null) return '';
  return String(cell.v);
}

function toCell(r: number, c: number, cell: XLSX.CellObject): Cell {
  let raw: Cell['raw'] = null;
  if (cell.t === 'n' || cell.t === 's' || cell.t === 'b') raw = cell.v as number | string | boolean;
  else if (cell.t === 'd') raw = cell.w ?? String(cell.v);
  const out: Cell = { r, c, addr: a1(r, c), raw, text: cell.t === 'z' ? '' : displayed(cell) };
  if (typeof cell.z === 'string') out.fmt = cell.z;
  const notes = (cell.c ?? []).filter((n) => n.t).map((n) => ({ author: repairUtf8(n.a ?? ''), text: n.t }));
  if (notes.length) out.notes = notes;
  return out;
}

/** SheetJS 0.20.3 reads comment author names without UTF-8 decoding (`填报人` arrives as `å¡«æ¥äºº`): repair. */
function repairUtf8(text: string): string {
  if (!/[\u0080-\u00ff]/.test(text) || /[^\u0000-\u00ff]/.test(text)) return text;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(text, 'latin1'));
  } catch {
    return text;
  }
}

function sheetFrom(name: string, ws: XLSX.WorkSheet, limits: ReadLimits, hidden: boolean): Sheet {
  const data = (ws['!data'] ?? []) as (XLSX.CellObject | undefined)[][];
  const rows: (Cell | undefined)[][] = [];
  const rowLimit = Math.min(data.length, limits.maxRows);
  for (let r = 0; r < rowLimit; r++) {
    const src = data[r];
    if (!src) continue;
    const row: (Cell | undefined)[] = [];
    const colLimit = Math.min(src.length, limits.maxCols);
    for (let c = 0; c < colLimit; c++) {
      const cell = src[c];
      // cellStyles makes SheetJS keep blank cells that only carry a style: they are no cells to a reader.
      if (cell && !(cell.t === 'z' && !cell.c?.length)) row[c] = toCell(r, c, cell);
    }
    rows[r] = row;
  }
  const merges: Range[] = ((ws['!merges'] ?? []) as Range[])
    .filter((m) => m.s.r < limits.maxRows && m.s.c < limits.maxCols)
    .map((m) => ({ s: { ...m.s }, e: { r: Math.min(m.e.r, limits.maxRows - 1), c: Math.min(m.e.c, limits.maxCols - 1) } }));
  const widths = ((ws['!cols'] ?? []) as (XLSX.ColInfo | undefined)[]).slice(0, limits.maxCols).map((col) => (col?.hidden ? undefined : (col?.width ?? col?.wch)));
  const hiddenIn = (list: ({ hidden?: boolean } | undefined)[] | undefined, max: number) =>
    new Set((list ?? []).slice(0, max).flatMap((x, i) => (x?.hidden ? [i] : [])));
  const concealed = { rows: hiddenIn(ws['!rows'] as XLSX.RowInfo[] | undefined, limits.maxRows), cols: hiddenIn(ws['!cols'] as XLSX.ColInfo[] | undefined, limits.maxCols) };
  return makeSheet(name, rows, merges, widths, hidden, concealed);
}

function classify(err: unknown, container: 'zip' | 'cfb' | 'other'): ReadError {
  const msg = err instanceof Error ? err.message : String(err);
  // Password-protected OOXML is a CFB container; a ZIP that "needs encryption" is just a damaged ZIP.
  if (container === 'cfb' && /password|encrypt/i.test(msg)) return new ReadError('encrypted', msg);
  if (container !== 'zip' && /Unsupported|not supported/i.test(msg)) return new ReadError('unsupported', msg);
  return new ReadError('corrupt', msg);
}

/**
 * Force SheetJS for every file (PERF_RECON_READER=sheetjs): the fast .xlsx path can then be compared with it,
 * or switched off should a file ever read differently.
 */
const SHEETJS_ONLY = process.env.PERF_RECON_READER === 'sheetjs';

/**
 * Reads an xlsx or xls (BIFF) buffer into grids; the cached values of formula cells are kept as they are. A plain
 * .xlsx is read the fast way (ooxml.ts); files the fast path does not take go to SheetJS.
 */
export function readSpreadsheet(buf: Buffer, limits: ReadLimits, container: 'zip' | 'cfb' | 'other'): Sheet[] {
  if (container === 'zip' && !SHEETJS_ONLY) {
    try {
      return readOoxml(buf, limits);
    } catch (err) {
      // A ZIP bomb is an answer, not a reason to let SheetJS inflate it all over again.
      if (err instanceof ZipTooLarge) throw inflatesTooLarge(limits.maxInflatedBytes);
      // else not a file the fast path reads exactly as SheetJS does (or not readable at all): SheetJS decides
    }
  }
  // SheetJS inflates every part at once and uncapped: measure them first (a declined ZIP bomb stops here).
  if (container === 'zip') checkInflatedSize(buf, limits.maxInflatedBytes, limits.maxInflatedBytes);
  const sheets = readWithSheetJS(buf, limits, container);
  if (container !== 'zip') return sheets;
  const uncached = uncachedByName(buf, limits);
  return uncached.size ? sheets.map((s) => (uncached.has(s.name) ? { ...s, uncached: uncached.get(s.name)! } : s)) : sheets;
}

export function readWithSheetJS(buf: Buffer, limits: ReadLimits, container: 'zip' | 'cfb' | 'other'): Sheet[] {
  let wb: XLSX.WorkBook;
  try {
    // cellStyles for the column widths, which a copy of an .xls keeps (SHEETJS_READ_OPTIONS stays the floor's).
    wb = XLSX.read(buf, { ...SHEETJS_READ_OPTIONS, cellStyles: true, sheetRows: limits.maxRows });
  } catch (err) {
    throw classify(err, container);
  }
  if (!wb.SheetNames?.length) throw new ReadError('corrupt', 'no sheets');
  return wb.SheetNames.map((name, i) => sheetFrom(name, wb.Sheets[name]!, limits, !!wb.Workbook?.Sheets?.[i]?.Hidden));
}
