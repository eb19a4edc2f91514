/**
 * Workbook assembly and deterministic writing: the same sheets give byte-identical files
 * (fixed document dates, fixed compression).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as XLSX from 'xlsx';

/** Sheet name of the sample workbooks (one table per workbook). */
export const SAMPLE_SHEET_NAME = '项目支出绩效自评表';

/** Fixed document date so that repeated writes are byte-identical. */
export const FIXED_DATE = new Date('2023-06-30T00:00:00Z');

export function buildWorkbook(sheets: { name: string; ws: XLSX.WorkSheet }[]): XLSX.WorkBook {
  const wb = XLSX.utils.book_new();
  for (const { name, ws } of sheets) XLSX.utils.book_append_sheet(wb, ws, name);
  wb.Props = {
    Title: '项目支出绩效自评表',
    Author: 'perf-recon',
    LastAuthor: 'perf-recon',
    CreatedDate: FIXED_DATE,
    ModifiedDate: FIXED_DATE,
  };
  return wb;
}

/** Write a workbook; 'xls' means BIFF8. Creates the folder. */
export function writeWorkbook(file: string, wb: XLSX.WorkBook, bookType: 'xlsx' | 'xls' | 'biff8' = 'xlsx'): void {
  mkdirSync(dirname(file), { recursive: true });
  const type: XLSX.BookType = bookType === 'xls' ? 'biff8' : bookType;
  const data: unknown = XLSX.write(wb, { type: 'buffer', bookType: type, compression: true, bookSST: true });
  if (!(data instanceof Uint8Array)) throw new Error(`SheetJS returned no buffer for ${file}`);
  writeFileSync(file, data);
}
