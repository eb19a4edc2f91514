import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Workbook } from './grid.js';
import { ReadError, fileTooLarge } from './errors.js';
import { type ReadLimits, defaultReadLimits } from './limits.js';
import { readSpreadsheet } from './xlsx.js';
import { readCsv } from './csv.js';

export * from './grid.js';
export * from './errors.js';
export * from './limits.js';
export { checkInflatedSize } from './zip-budget.js';
export { decodeText } from './csv.js';

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function startsWith(buf: Buffer, magic: number[]): boolean {
  return magic.every((b, i) => buf[i] === b);
}

/** Sniffs the content, not the extension: submitters rename .xls to .xlsx and save CSV as .xls. */
export function sniffFormat(buf: Buffer, file: string): Workbook['format'] {
  if (startsWith(buf, ZIP)) return 'xlsx';
  if (startsWith(buf, CFB)) return 'xls';
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.txt') return 'csv';
  // HTML or SpreadsheetML saved as .xls (web systems' "Excel" exports): SheetJS reads those.
  if (looksLikeMarkup(buf)) return 'xls';
  // Plain text under an .xls name (a CSV or tab-separated export renamed): our text reader, with its encodings.
  return ext === '.xls' ? 'csv' : 'xls';
}

/** Whether a text file begins with markup (`<html`, `<?xml`, `<table`), after a byte-order mark and blanks. */
function looksLikeMarkup(buf: Buffer): boolean {
  let i = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3;
  else if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) return /^\s*</.test(new TextDecoder(buf[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(buf.subarray(2, 200)));
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0a || buf[i] === 0x0d)) i++;
  return buf[i] === 0x3c;
}

/** Reads a buffer into grids. `file` is only used for naming and format hints. */
export function readBuffer(buf: Buffer, file: string, limits: ReadLimits = defaultReadLimits): Workbook {
  if (buf.length === 0) throw new ReadError('empty', 'file is empty');
  if (buf.length > limits.maxBytes) throw fileTooLarge(buf.length, limits.maxBytes);
  const format = sniffFormat(buf, file);
  const container = startsWith(buf, ZIP) ? 'zip' : startsWith(buf, CFB) ? 'cfb' : 'other';
  // An .xlsx is a ZIP, or a CFB when password-protected; anything else under that name is not a workbook.
  if (container === 'other' && path.extname(file).toLowerCase() === '.xlsx')
    throw new ReadError('corrupt', 'not a ZIP container');
  if (format === 'csv') return { file, format, sheets: readCsv(buf, path.basename(file, path.extname(file)), limits) };
  return { file, format, sheets: readSpreadsheet(buf, limits, container) };
}

export async function readWorkbook(file: string, limits: ReadLimits = defaultReadLimits): Promise<Workbook> {
  const info = await stat(file);
  if (info.size > limits.maxBytes) throw fileTooLarge(info.size, limits.maxBytes);
  return readBuffer(await readFile(file), file, limits);
}
