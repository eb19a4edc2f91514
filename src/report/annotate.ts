import path from 'node:path';
import { parse } from 'csv-parse/sync';
import * as XLSX from 'xlsx';
import type { Finding } from '../rules/types.js';
import { ruleLabel } from './corrections.js';
import { SEVERITY_ZH } from './labels.js';
import { insideDir, neutralize, safeFileName } from './safety.js';
import { compareCells, sortFindings } from './sort.js';
import { sheetFromRows, writeXlsx, type CellValue } from './xlsx-util.js';

export const COMMENT_AUTHOR = 'perf-recon';
export const OPINIONS_SHEET = '审核意见';

const MAX_ROWS = 1_048_576;
const MAX_COLS = 16_384;
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const A1 = /^([A-Z]{1,3})(\d{1,7})$/;

function startsWith(buf: Buffer, magic: number[]): boolean {
  return magic.every((b, i) => buf[i] === b);
}

function decode(buf: Buffer): string {
  let bytes = buf;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** Sheet names Excel accepts: 1–31 characters, none of `[]:*?/\`, not starting or ending with `'`. */
function validSheetName(name: string): boolean {
  return name.length > 0 && name.length <= 31 && !/[[\]:*?/\\]/.test(name) && !/^'|'$/.test(name) && name !== 'History';
}

/**
 * A CSV is parsed the way the auditor's reader (src/read/csv.ts) parses it — csv-parse, comma, relaxed quotes —
 * so that cell addresses in findings point at the same fields; every field stays text.
 */
function csvWorkbook(buf: Buffer, findings: Finding[]): XLSX.WorkBook {
  const records = parse(decode(buf), {
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    to_line: MAX_ROWS,
  }) as string[][];
  const ws: XLSX.WorkSheet = {};
  let maxR = 0;
  let maxC = 0;
  records.forEach((rec, r) => {
    rec.slice(0, MAX_COLS).forEach((field, c) => {
      if (field === '') return;
      ws[XLSX.utils.encode_cell({ r, c })] = { t: 's', v: field };
      if (r > maxR) maxR = r;
      if (c > maxC) maxC = c;
    });
  });
  ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: maxR, c: maxC } });
  const named = [...new Set(findings.map((f) => f.sheet).filter((s): s is string => s !== null))];
  const name = named.length === 1 && validSheetName(named[0] ?? '') ? (named[0] as string) : 'Sheet1';
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, name);
  return wb;
}

function readOriginal(buf: Buffer, findings: Finding[]): { wb: XLSX.WorkBook; csv: boolean } {
  const head = decode(buf.subarray(0, 64)).trimStart();
  if (startsWith(buf, ZIP) || startsWith(buf, CFB) || head.startsWith('<')) {
    return { wb: XLSX.read(buf, { type: 'buffer', cellStyles: true, cellNF: true }), csv: false };
  }
  return { wb: csvWorkbook(buf, findings), csv: true };
}

/** Sets `!ref` to the cells and merges really present (a declared dimension can claim a million rows). */
function fitRef(ws: XLSX.WorkSheet): void {
  let sr = Infinity;
  let sc = Infinity;
  let er = -1;
  let ec = -1;
  const take = (r: number, c: number) => {
    if (r < sr) sr = r;
    if (c < sc) sc = c;
    if (r > er) er = r;
    if (c > ec) ec = c;
  };
  for (const key of Object.keys(ws)) {
    if (key.startsWith('!')) continue;
    const { r, c } = XLSX.utils.decode_cell(key);
    if (r >= 0 && c >= 0) take(r, c);
  }
  for (const m of (ws['!merges'] ?? []) as XLSX.Range[]) {
    take(m.s.r, m.s.c);
    take(m.e.r, m.e.c);
  }
  ws['!ref'] = er < 0 ? 'A1' : XLSX.utils.encode_range({ s: { r: sr, c: sc }, e: { r: er, c: ec } });
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

function commentLine(f: Finding, ruleTitles: Record<string, string>): string {
  return `[${SEVERITY_ZH[f.severity] ?? f.severity}] ${ruleLabel(f.rule, ruleTitles)}：${f.message}`;
}

function uniqueSheetName(wb: XLSX.WorkBook, base: string): string {
  const taken = new Set(wb.SheetNames.map((n) => n.toLowerCase()));
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}${n}`;
  return name;
}

/**
 * Writes the original workbook again as xlsx with a comment (author perf-recon) on every cell named by a
 * finding — one line per finding, `[严重程度] 问题类型：message`. Findings that name no cell, or a sheet or cell
 * that is not in the workbook, are listed in an appended sheet 审核意见 (规则, 问题说明), so nothing is lost.
 * For a CSV source, every finding with a sheet goes to its single sheet.
 */
export function annotateWorkbook(
  srcBuf: Buffer,
  outFile: string,
  findings: Finding[],
  ruleTitles: Record<string, string>,
): void {
  const { wb, csv } = readOriginal(srcBuf, findings);
  const byCell = new Map<string, Map<string, Finding[]>>();
  const unplaced: Finding[] = [];
  for (const f of sortFindings(findings)) {
    const sheetName = f.sheet === null ? undefined : csv ? wb.SheetNames[0] : wb.SheetNames.find((n) => n === f.sheet);
    const addr = f.cell?.replace(/\$/g, '').toUpperCase() ?? null;
    const m = addr === null ? null : A1.exec(addr);
    const inRange = m !== null && Number(m[2]) >= 1 && Number(m[2]) <= MAX_ROWS && XLSX.utils.decode_col(m[1] ?? '') < MAX_COLS;
    if (sheetName === undefined || addr === null || !inRange) {
      unplaced.push(f);
      continue;
    }
    let cells = byCell.get(sheetName);
    if (!cells) byCell.set(sheetName, (cells = new Map()));
    const list = cells.get(addr);
    if (list) list.push(f);
    else cells.set(addr, [f]);
  }

  for (const [sheetName, cells] of byCell) {
    const ws = wb.Sheets[sheetName];
    if (!ws) continue;
    for (const [addr, list] of cells) {
      let cell = ws[addr] as XLSX.CellObject | undefined;
      if (!cell) {
        cell = { t: 'z' };
        ws[addr] = cell;
      }
      const lines = list.map((f) => commentLine(f, ruleTitles));
      // One comment per cell (Excel rejects several legacy comments on one cell): earlier ones are kept below ours.
      for (const old of cell.c ?? []) if (old.t) lines.push(`（原批注${old.a ? ` ${repairUtf8(old.a)}` : ''}）${old.t}`);
      const comments = [{ a: COMMENT_AUTHOR, t: lines.join('\n') }] as XLSX.Comments;
      comments.hidden = true;
      cell.c = comments;
    }
  }
  for (const name of wb.SheetNames) {
    const ws = wb.Sheets[name];
    if (ws) fitRef(ws);
  }

  if (unplaced.length > 0) {
    const rows: CellValue[][] = [['规则', '问题说明']];
    for (const f of unplaced) {
      const where = [f.sheet !== null ? `工作表 ${f.sheet}` : '', f.cell !== null ? `单元格 ${f.cell}` : ''].filter(Boolean);
      rows.push([
        neutralize(ruleLabel(f.rule, ruleTitles)),
        neutralize(`${where.length > 0 ? `${where.join(' ')}：` : ''}${f.message}`),
      ]);
    }
    XLSX.utils.book_append_sheet(wb, sheetFromRows(rows), uniqueSheetName(wb, OPINIONS_SHEET));
  }
  writeXlsx(wb, outFile);
}

/**
 * Where the annotated copy of `relFile` goes: `outDir/annotated/<relFile with each segment made safe>`, always an
 * .xlsx; `a.csv` becomes `a.csv.xlsx` so it cannot collide with an `a.xlsx` beside it. Never outside `outDir`.
 */
export function annotatedPath(outDir: string, relFile: string): string {
  const segments = relFile.split(/[/\\]+/).filter((s) => s !== '' && s !== '.');
  const last = segments.pop() ?? '';
  const stem = path.extname(last).toLowerCase() === '.xlsx' ? last.slice(0, -5) : last;
  const safe = [...segments.map((s) => safeFileName(s, '_')), `${safeFileName(stem, '_')}.xlsx`];
  return insideDir(outDir, 'annotated', ...safe);
}
