import fs from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { recompressZip } from '../read/index.js';

export type CellValue = string | number;

/** Display width of text in Excel character units: CJK and full-width characters count as two. */
function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    w += cp >= 0x1100 && (cp <= 0x115f || cp >= 0x2e80) ? 2 : 1;
  }
  return w;
}

/** Column widths fitted to the longest line of each column, between `min` and `max` characters. */
export function fitColumns(rows: CellValue[][], min = 6, max = 60): XLSX.ColInfo[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((v, c) => {
      const longest = Math.max(0, ...String(v).split(/\r?\n/).map(displayWidth));
      widths[c] = Math.max(widths[c] ?? 0, longest);
    });
  }
  return Array.from(widths, (w) => ({ wch: Math.min(max, Math.max(min, (w ?? 0) + 2)) }));
}

/** A sheet whose row 1 is the header; strings are written as strings (`t: 's'`), never parsed. */
export function sheetFromRows(rows: CellValue[][], cols?: XLSX.ColInfo[]): XLSX.WorkSheet {
  const ws: XLSX.WorkSheet = {};
  let maxC = 0;
  rows.forEach((row, r) => {
    row.forEach((v, c) => {
      const addr = XLSX.utils.encode_cell({ r, c });
      ws[addr] = typeof v === 'number' ? { t: 'n', v } : { t: 's', v };
      if (c > maxC) maxC = c;
    });
  });
  ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(0, rows.length - 1), c: maxC } });
  ws['!cols'] = cols ?? fitColumns(rows);
  return ws;
}

/** Writes the workbook as xlsx, creating the folder. */
export function writeXlsx(wb: XLSX.WorkBook, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, xlsxBuffer(wb));
}

/** The workbook as xlsx bytes: SheetJS writes the parts stored, native zlib deflates them (SheetJS's deflate is slow). */
export function xlsxBuffer(wb: XLSX.WorkBook): Buffer {
  return recompressZip(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: false }) as Buffer);
}
