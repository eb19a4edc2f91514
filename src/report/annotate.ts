import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import * as XLSX from 'xlsx';
import { type OoxmlBook, type Range, type ZipOut, defaultReadLimits, writeZip } from '../read/index.js';
import { readOoxml } from '../read/ooxml.js';
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
  /** The package the reader already parsed (readBufferWithSource), so that an .xlsx is not parsed again. */
  book?: OoxmlBook | null,
): void {
  const fast = annotateOoxml(srcBuf, findings, ruleTitles, book);
  if (fast) {
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, fast);
    return;
  }
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

// -----------------------------------------------------------------------------------------------------------------
// The fast path for .xlsx: the original package is kept part for part (copied compressed, as stored) and only the
// commented sheets change: a comments part, its VML drawing, two relationships, a <legacyDrawing> and a fitted
// <dimension>. It declines (null) whatever it does not handle the way the SheetJS path does — findings without a
// cell or sheet (they need the 审核意见 sheet), existing comments or drawings, sheets cut at the row limit — and the
// SheetJS path below takes those.

const NS_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const REL_COMMENTS = `${NS_REL}/comments`;
const REL_VML = `${NS_REL}/vmlDrawing`;
const CT_COMMENTS = 'application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml';
const CT_VML = 'application/vnd.openxmlformats-officedocument.vmlDrawing';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
/** Children of <worksheet> that come after <legacyDrawing> (ECMA-376 CT_Worksheet). */
const AFTER_LEGACY = new Set(['legacyDrawingHF', 'drawingHF', 'picture', 'oleObjects', 'controls', 'webPublishItems', 'tableParts', 'extLst']);

function escapeXml(text: string): string {
  return text
    .replace(/[&<>'"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' })[c]!)
    .replace(/[\u0000-\u0008\u000b-\u001f\uFFFE-\uFFFF]/g, (c) => `_x${`000${c.charCodeAt(0).toString(16)}`.slice(-4)}_`);
}

function commentsXml(cells: [string, string][]): string {
  const list = cells
    .map(([ref, text]) => {
      const t = /^\s|\s$|[\t\n\r]/.test(text) ? '<t xml:space="preserve">' : '<t>';
      return `<comment ref="${ref}" authorId="0"><text>${t}${escapeXml(text)}</t></text></comment>`;
    })
    .join('');
  return `${XML_HEAD}<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>${escapeXml(COMMENT_AUTHOR)}</author></authors><commentList>${list}</commentList></comments>`;
}

/** Hidden notes, drawn as SheetJS and Excel draw them; `block` keeps shape ids apart between sheets. */
function vmlXml(cells: { r: number; c: number }[], block: number): string {
  const shapes = cells
    .map(
      ({ r, c }, k) =>
        `<v:shape id="_x0000_s${block * 1024 + k + 1}" type="#_x0000_t202" style="position:absolute; margin-left:80pt;margin-top:5pt;width:104pt;height:64pt;z-index:10;visibility:hidden" fillcolor="#ECFAD4" strokecolor="#edeaa1"><v:fill color2="#BEFF82" type="gradient" angle="-180"><o:fill type="gradientUnscaled" v:ext="view"/></v:fill><v:shadow on="t" obscured="t"/><v:path o:connecttype="none"/><v:textbox><div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${c + 1},0,${r + 1},0,${c + 3},20,${r + 5},20</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>${r}</x:Row><x:Column>${c}</x:Column></x:ClientData></v:shape>`,
    )
    .join('');
  return `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="${block}"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m0,0l0,21600,21600,21600,21600,0xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>${shapes}</xml>`;
}

/** Where <legacyDrawing> goes among the top-level children of <worksheet>; null when the sheet already has one. */
function legacyDrawingAt(xml: string): number | null {
  const close = /<\/(?:\w+:)?sheetData>/.exec(xml);
  const selfClosed = close ? null : /<(?:\w+:)?sheetData\b[^>]*\/>/.exec(xml);
  const root = /<worksheet\b[^>]*>/.exec(xml);
  if (!root) return null;
  const from = close ? close.index + close[0].length : selfClosed ? selfClosed.index + selfClosed[0].length : root.index + root[0].length;
  const tag = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.:-]*)(?:"[^"]*"|'[^']*'|[^'">])*?(\/?)>/g;
  tag.lastIndex = from;
  let depth = 0;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    if (m[2] === undefined) continue;
    const local = m[2].replace(/^\w+:/, '');
    if (m[1]) {
      if (depth === 0) return local === 'worksheet' ? m.index : null;
      depth--;
      continue;
    }
    if (depth === 0) {
      if (local === 'legacyDrawing' || local === 'legacyDrawingHF') return null;
      if (AFTER_LEGACY.has(local)) return m.index;
    }
    if (!m[3]) depth++;
  }
  return null;
}

function relsXml(existing: string | null, add: string): string {
  if (existing === null)
    return `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${add}</Relationships>`;
  const at = existing.lastIndexOf('</Relationships>');
  if (at < 0) return existing.replace(/<Relationships\b([^>]*)\/>/, `<Relationships$1>${add}</Relationships>`);
  return existing.slice(0, at) + add + existing.slice(at);
}

function relativeTarget(fromPart: string, toPart: string): string {
  return path.posix.relative(path.posix.dirname(fromPart), toPart);
}

function freeName(taken: (n: string) => boolean, make: (k: number) => string): string {
  for (let k = 1; ; k++) if (!taken(make(k))) return make(k);
}

/** The annotated .xlsx built from the original package, or null when the SheetJS path must make it. */
function annotateOoxml(srcBuf: Buffer, findings: Finding[], ruleTitles: Record<string, string>, given?: OoxmlBook | null): Buffer | null {
  if (srcBuf.length < 4 || srcBuf.readUInt32LE(0) !== 0x04034b50) return null;
  let book = given ?? null;
  if (!book) {
    try {
      book = readOoxml(srcBuf, defaultReadLimits).book;
    } catch {
      return null;
    }
  }
  const bySheet = new Map<string, Map<string, Finding[]>>();
  for (const f of sortFindings(findings)) {
    const sheet = f.sheet === null ? undefined : book.sheets.find((s) => s.name === f.sheet);
    const addr = f.cell?.replace(/\$/g, '').toUpperCase() ?? null;
    const m = addr === null ? null : A1.exec(addr);
    const inRange = m !== null && Number(m[2]) >= 1 && Number(m[2]) <= MAX_ROWS && XLSX.utils.decode_col(m[1] ?? '') < MAX_COLS;
    if (!sheet || addr === null || !inRange) return null; // needs the 审核意见 sheet
    let cells = bySheet.get(sheet.name);
    if (!cells) bySheet.set(sheet.name, (cells = new Map()));
    const list = cells.get(addr);
    if (list) list.push(f);
    else cells.set(addr, [f]);
  }
  // Nothing to say: the copy is the original.
  if (bySheet.size === 0) return srcBuf;

  const zip = book.zip;
  const replaced = new Map<string, Buffer>();
  const added: ZipOut[] = [];
  const taken = (n: string) => zip.has(n) || added.some((a) => a.name === n);
  let ct = zip.text('[Content_Types].xml');
  if (ct === null || !ct.includes('</Types>')) return null;
  let block = 0;
  for (const [name, cells] of bySheet) {
    const info = book.sheets.find((s) => s.name === name)!;
    if (info.capped) return null;
    let xml = zip.text(info.path);
    if (xml === null) return null;
    const at = legacyDrawingAt(xml);
    if (at === null) return null;
    const root = /<worksheet\b[^>]*>/.exec(xml)!;
    const rPrefix = /\sxmlns:r\s*=\s*["']([^"']*)["']/.exec(root[0]);
    if (rPrefix && rPrefix[1] !== NS_REL) return null;
    const relsText = zip.text(info.relsPath);
    if (relsText !== null && /\/(comments|vmlDrawing)"/.test(relsText)) return null;
    const ids = new Set([...(relsText ?? '').matchAll(/\bId\s*=\s*["']([^"']*)["']/g)].map((x) => x[1]));
    const ridComments = freeName((n) => ids.has(n), (k) => `rId${k}`);
    ids.add(ridComments);
    const ridVml = freeName((n) => ids.has(n), (k) => `rId${k}`);

    const commentsPart = freeName(taken, (k) => `xl/comments${k}.xml`);
    added.push({ name: commentsPart, data: Buffer.alloc(0) });
    const vmlPart = freeName(taken, (k) => `xl/drawings/vmlDrawing${k}.vml`);
    added.push({ name: vmlPart, data: Buffer.alloc(0) });

    // cells in reading order; the extent grows to take the commented cells in (as SheetJS's stubs do)
    const entries = [...cells.entries()].map(([addr, list]) => ({ addr, pos: XLSX.utils.decode_cell(addr), text: list.map((f) => commentLine(f, ruleTitles)).join('\n') }));
    entries.sort((a, b) => a.pos.r - b.pos.r || a.pos.c - b.pos.c);
    let extent: Range | null = info.extent ? { s: { ...info.extent.s }, e: { ...info.extent.e } } : null;
    for (const { pos } of entries) {
      if (!extent) extent = { s: { ...pos }, e: { ...pos } };
      extent.s.r = Math.min(extent.s.r, pos.r);
      extent.s.c = Math.min(extent.s.c, pos.c);
      extent.e.r = Math.max(extent.e.r, pos.r);
      extent.e.c = Math.max(extent.e.c, pos.c);
    }
    block++;
    added[added.length - 2] = { name: commentsPart, data: Buffer.from(commentsXml(entries.map((e) => [e.addr, e.text]))) };
    added[added.length - 1] = { name: vmlPart, data: Buffer.from(vmlXml(entries.map((e) => e.pos), 1000 + block)) };

    const rels =
      `<Relationship Id="${ridVml}" Type="${REL_VML}" Target="${relativeTarget(info.path, vmlPart)}"/>` +
      `<Relationship Id="${ridComments}" Type="${REL_COMMENTS}" Target="${relativeTarget(info.path, commentsPart)}"/>`;
    replaced.set(info.relsPath, Buffer.from(relsXml(relsText, rels)));

    xml = `${xml.slice(0, at)}<legacyDrawing r:id="${ridVml}"/>${xml.slice(at)}`;
    if (!rPrefix) xml = xml.replace(/<worksheet\b([^>]*?)(\/?)>/, `<worksheet$1 xmlns:r="${NS_REL}"$2>`);
    const ref = extent ? XLSX.utils.encode_range(extent) : 'A1';
    xml = xml.replace(/(<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*)(["'])[^"']*\2/, `$1"${ref}"`);
    replaced.set(info.path, Buffer.from(xml));
    ct = ct.replace('</Types>', `<Override PartName="/${commentsPart}" ContentType="${CT_COMMENTS}"/></Types>`);
  }
  if (!/<Default\b[^>]*Extension\s*=\s*["']vml["']/i.test(ct)) ct = ct.replace('</Types>', `<Default Extension="vml" ContentType="${CT_VML}"/></Types>`);
  replaced.set('[Content_Types].xml', Buffer.from(ct));

  const parts: ZipOut[] = [];
  for (const e of zip.entries.values()) {
    const data = replaced.get(e.name);
    parts.push(data ? { name: e.name, data } : { name: e.name, from: zip, entry: e });
    replaced.delete(e.name);
  }
  for (const [name, data] of replaced) parts.push({ name, data });
  parts.push(...added);
  return writeZip(parts);
}
