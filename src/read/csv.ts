import { parse } from 'csv-parse/sync';
import { type Cell, type Sheet, a1, makeSheet } from './grid.js';
import { ReadError } from './errors.js';
import type { ReadLimits } from './limits.js';

/**
 * Budget-system exports are often GB18030 with no marker; decoding them as UTF-8 gives mojibake without
 * any error, so the test is strict UTF-8 validity, falling back to GB18030 (a superset of GBK).
 */
export function decodeText(buf: Buffer): { text: string; encoding: 'utf-8' | 'gb18030' } {
  let bytes = buf;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

export function readCsv(buf: Buffer, name: string, limits: ReadLimits): Sheet[] {
  const { text } = decodeText(buf);
  if (text.includes('\u0000')) throw new ReadError('corrupt', 'binary content in a CSV file');
  let records: string[][];
  try {
    records = parse(text, {
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      to_line: limits.maxRows,
    }) as string[][];
  } catch (err) {
    throw new ReadError('corrupt', err instanceof Error ? err.message : String(err));
  }
  const rows: (Cell | undefined)[][] = records.map((rec, r) =>
    rec.slice(0, limits.maxCols).map((field, c) => (field === '' ? undefined : { r, c, addr: a1(r, c), raw: field, text: field })),
  );
  return [makeSheet(name, rows, [])];
}
