import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Workbook } from './grid.js';
import { ReadError } from './errors.js';
import { type ReadLimits, defaultReadLimits } from './limits.js';
import { readSpreadsheetWithSource } from './xlsx.js';
import type { OoxmlBook } from './ooxml.js';
import { readCsv } from './csv.js';

export * from './grid.js';
export * from './errors.js';
export * from './limits.js';
export { decodeText } from './csv.js';
export type { OoxmlBook, OoxmlSheetInfo } from './ooxml.js';
export { ZipArchive, writeZip, recompressZip, ZipUnsupported, type ZipEntry, type ZipOut } from './zip.js';

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
  // HTML or SpreadsheetML saved as .xls: SheetJS reads those too.
  return 'xls';
}

/** Reads a buffer into grids. `file` is only used for naming and format hints. */
export function readBuffer(buf: Buffer, file: string, limits: ReadLimits = defaultReadLimits): Workbook {
  return readBufferWithSource(buf, file, limits).workbook;
}

/**
 * As readBuffer, plus what was parsed on the way that the annotator can reuse: the OOXML package of an .xlsx read
 * by the fast path (null for other files).
 */
export function readBufferWithSource(buf: Buffer, file: string, limits: ReadLimits = defaultReadLimits): { workbook: Workbook; book: OoxmlBook | null } {
  if (buf.length === 0) throw new ReadError('empty', 'file is empty');
  if (buf.length > limits.maxBytes) throw new ReadError('too-large', `${buf.length} bytes`);
  const format = sniffFormat(buf, file);
  const container = startsWith(buf, ZIP) ? 'zip' : startsWith(buf, CFB) ? 'cfb' : 'other';
  // An .xlsx is a ZIP, or a CFB when password-protected; anything else under that name is not a workbook.
  if (container === 'other' && path.extname(file).toLowerCase() === '.xlsx')
    throw new ReadError('corrupt', 'not a ZIP container');
  if (format === 'csv') return { workbook: { file, format, sheets: readCsv(buf, path.basename(file, path.extname(file)), limits) }, book: null };
  const { sheets, book } = readSpreadsheetWithSource(buf, limits, container);
  return { workbook: { file, format, sheets }, book };
}

export async function readWorkbook(file: string, limits: ReadLimits = defaultReadLimits): Promise<Workbook> {
  const info = await stat(file);
  if (info.size > limits.maxBytes) throw new ReadError('too-large', `${info.size} bytes`);
  return readBuffer(await readFile(file), file, limits);
}
