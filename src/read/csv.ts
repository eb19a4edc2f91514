import { parse } from 'csv-parse/sync';
import { type Cell, type Sheet, a1, makeSheet } from './grid.js';
import { ReadError } from './errors.js';
import type { ReadLimits } from './limits.js';

export type TextEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

/**
 * Budget-system exports are often GB18030 with no marker; decoding them as UTF-8 gives mojibake without
 * any error, so the test is strict UTF-8 validity, falling back to GB18030 (a superset of GBK). Excel's
 * 「Unicode 文本」 and some exports are UTF-16 and say so with a byte-order mark.
 */
export function decodeText(buf: Buffer): { text: string; encoding: TextEncoding } {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding: 'utf-16le' };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding: 'utf-16be' };
  let bytes = buf;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

/**
 * Commas, unless the first lines plainly use tabs (Excel's 「文本文件（制表符分隔）」 and UTF-16 text) or
 * semicolons (a European-locale export): the separator seen most outside quotes in up to 20 lines.
 */
export function detectDelimiter(text: string): ',' | '\t' | ';' {
  const counts = { ',': 0, '\t': 0, ';': 0 };
  let quoted = false;
  let lines = 0;
  for (let i = 0; i < text.length && lines < 20; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '\n') lines++;
    else if (!quoted && (ch === ',' || ch === '\t' || ch === ';')) counts[ch]++;
  }
  if (counts['\t'] > counts[','] && counts['\t'] >= counts[';']) return '\t';
  if (counts[';'] > counts[','] && counts[';'] > counts['\t']) return ';';
  return ',';
}

export function readCsv(buf: Buffer, name: string, limits: ReadLimits): Sheet[] {
  const { text } = decodeText(buf);
  if (text.includes('\u0000')) throw new ReadError('corrupt', 'binary content in a CSV file');
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
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
