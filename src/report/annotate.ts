import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  COMMENT_AUTHOR,
  CT_COMMENTS,
  CT_VML,
  NS_PKG_REL,
  NS_REL,
  WORKSHEET_REL,
  XML_HEAD,
  ZipArchive,
  type ZipOut,
  commentsXml,
  contentTypes,
  noteRelationships,
  relsPathOf,
  sheetPart,
  validSheetName,
  vmlXml,
  workbookRelationships,
  workbookSheets,
  isSafePartName,
  markupClosed,
  writeZip,
} from '../ooxml/index.js';
import { type Range, type ReadLimits, type Workbook, defaultReadLimits, parseA1, rangeRef, readBuffer } from '../read/index.js';
import type { Finding } from '../rules/index.js';
import { trimEnd } from '../text/index.js';
import { ruleLabel } from './corrections.js';
import { HighlightStyles, highlightCells, worstSeverity } from './highlight.js';
import { SEVERITY_ZH } from './labels.js';
import { ensureDir, insideDir, neutralize, safeFileName } from './safety.js';
import { sortFindings } from './sort.js';
import { type WriteCell, type WriteSheet, reportSheet, xlsxBuffer } from './xlsx-writer.js';

export { COMMENT_AUTHOR };
export const OPINIONS_SHEET = '审核意见';

const MAX_ROWS = 1_048_576;
const MAX_COLS = 16_384;
const A1 = /^([A-Z]{1,3})(\d{1,7})$/;

function commentLine(f: Finding, ruleTitles: Record<string, string>): string {
  return `[${SEVERITY_ZH[f.severity] ?? f.severity}] ${ruleLabel(f.rule, ruleTitles)}：${f.message}`;
}

/** The findings by sheet and cell, in reading order, and those that name no cell of the workbook. */
interface Placement {
  bySheet: Map<number, Map<string, Finding[]>>;
  unplaced: Finding[];
}

function place(findings: Finding[], sheetNames: string[], singleSheet: boolean): Placement {
  const bySheet = new Map<number, Map<string, Finding[]>>();
  const unplaced: Finding[] = [];
  for (const f of sortFindings(findings)) {
    // A CSV has one sheet, whatever name the finding gives it.
    const sheet = f.sheet === null ? -1 : singleSheet ? 0 : sheetNames.indexOf(f.sheet);
    const addr = f.cell?.replace(/\$/g, '').toUpperCase() ?? null;
    const m = addr === null ? null : A1.exec(addr);
    const inRange = m !== null && Number(m[2]) >= 1 && Number(m[2]) <= MAX_ROWS && parseA1(addr!).c < MAX_COLS;
    if (sheet < 0 || addr === null || !inRange) {
      unplaced.push(f);
      continue;
    }
    let cells = bySheet.get(sheet);
    if (!cells) bySheet.set(sheet, (cells = new Map()));
    const list = cells.get(addr);
    if (list) list.push(f);
    else cells.set(addr, [f]);
  }
  return { bySheet, unplaced };
}

/** The 审核意见 sheet: findings that name no cell of the workbook, so nothing is lost. */
function opinionsSheet(unplaced: Finding[], ruleTitles: Record<string, string>, taken: Set<string>): WriteSheet {
  const rows: string[][] = [['问题类型', '问题说明']];
  for (const f of unplaced) {
    const where = [f.sheet !== null ? `工作表 ${f.sheet}` : '', f.cell !== null ? `单元格 ${f.cell}` : ''].filter(Boolean);
    rows.push([neutralize(ruleLabel(f.rule, ruleTitles)), neutralize(`${where.length > 0 ? `${where.join(' ')}：` : ''}${f.message}`)]);
  }
  return reportSheet(uniqueName(OPINIONS_SHEET, taken), rows);
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 31 - String(n).length)}${n}`;
  taken.add(name.toLowerCase());
  return name;
}

/** A sheet name Excel accepts, made from one that may not be (a CSV's file name). */
function excelSheetName(name: string, taken: Set<string>): string {
  // cut first: a hostile sheet name can be megabytes, and /'+$/ is tried from every quote of it
  const cleaned = validSheetName(name) ? name : trimEnd(name.slice(0, 64).replace(/[[\]:*?/\\]/g, '_').replace(/^'+/, ''), "'").slice(0, 31).replace(/[\ud800-\udbff]$/, '') || 'Sheet1';
  return uniqueName(validSheetName(cleaned) ? cleaned : 'Sheet1', taken);
}

/**
 * The workbook again as a new .xlsx made from its grids: values, number formats, merges, column widths and the
 * submitter's own comments, with ours added. For .xls and .csv submissions, and for the rare .xlsx whose package
 * cannot be annotated in place. A CSV's fields stay text, as they were read.
 */
function annotatedFromGrid(source: Pick<Workbook, 'format' | 'sheets'>, findings: Finding[], ruleTitles: Record<string, string>): Buffer {
  const csv = source.format === 'csv';
  const { bySheet, unplaced } = place(findings, source.sheets.map((s) => s.name), csv);
  const taken = new Set<string>();
  const named = csv ? [...new Set(findings.map((f) => f.sheet).filter((s): s is string => s !== null))] : [];
  const out: WriteSheet[] = source.sheets.map((sheet, i) => {
    const rows: (WriteCell | undefined)[][] = [];
    const notes: WriteSheet['notes'] = [];
    const ours = bySheet.get(i) ?? new Map<string, Finding[]>();
    for (let r = 0; r < sheet.rowCount; r++) {
      const row: (WriteCell | undefined)[] = [];
      for (let c = 0; c < sheet.colCount; c++) {
        const cell = sheet.own(r, c);
        if (!cell) continue;
        // Error cells (#DIV/0!) have no value to write but their text.
        const v = cell.raw ?? cell.text;
        if (v !== '') row[c] = { v, fmt: cell.fmt };
        const addr = cell.addr;
        if (cell.notes?.length && !ours.has(addr)) notes.push({ r, c, text: cell.notes.map((n) => oldNote(n)).join('\n') });
      }
      if (row.length) rows[r] = row;
    }
    for (const [addr, list] of ours) {
      const { r, c } = parseA1(addr);
      // highlighted by its most severe finding, as in a copy made in the package
      const row = (rows[r] ??= []);
      row[c] = { ...(row[c] ?? { v: '' }), fill: worstSeverity(list) };
      const lines = list.map((f) => commentLine(f, ruleTitles));
      // One comment per cell (Excel rejects several legacy comments on one cell): earlier ones are kept below ours.
      for (const n of sheet.own(r, c)?.notes ?? []) lines.push(oldNote(n));
      notes.push({ r, c, text: lines.join('\n') });
    }
    const name = csv && named.length === 1 && validSheetName(named[0]!) ? uniqueName(named[0]!, taken) : excelSheetName(sheet.name, taken);
    return { name, rows, merges: sheet.merges as Range[], widths: sheet.widths, notes };
  });
  if (unplaced.length > 0) out.push(opinionsSheet(unplaced, ruleTitles, taken));
  return xlsxBuffer(out);
}

function oldNote(n: { author: string; text: string }): string {
  return `（原批注${n.author ? ` ${n.author}` : ''}）${n.text}`;
}

/** The submission's grids, for a copy made anew (.xls, .csv, or an .xlsx whose package cannot take comments in place). */
function readGrids(buf: Buffer, limits: ReadLimits): Workbook {
  const zip = buf.length >= 4 && buf.readUInt32LE(0) === 0x04034b50;
  const cfb = buf.length >= 8 && buf.readUInt32LE(0) === 0xe011cfd0;
  const markup = !zip && !cfb && /^\s*</.test(buf.subarray(0, 64).toString('latin1'));
  const hint = zip ? 'copy.xlsx' : cfb || markup ? 'copy.xls' : 'copy.csv';
  return readBuffer(buf, hint, limits);
}

/**
 * The workbook again as .xlsx with a comment (author 绩效自评审核) and a fill by severity on every cell named by a finding — one line per
 * finding, `[严重程度] 问题类型：message`. Findings that name no cell, or a sheet or cell that is not in the workbook,
 * are listed in an appended sheet 审核意见 (规则, 问题说明), so nothing is lost. An .xlsx is annotated in its own
 * package wherever possible, so that it keeps everything Excel put in it, reading no more of it than the parts it
 * changes; other files are read again into grids and written anew.
 */
export function annotatedCopy(srcBuf: Buffer, findings: Finding[], ruleTitles: Record<string, string>, limits: ReadLimits = defaultReadLimits): Buffer {
  return annotateOoxml(srcBuf, findings, ruleTitles, limits) ?? annotatedFromGrid(readGrids(srcBuf, limits), findings, ruleTitles);
}

/** annotatedCopy, written to `outFile`. */
export function annotateWorkbook(srcBuf: Buffer, outFile: string, findings: Finding[], ruleTitles: Record<string, string>, limits?: ReadLimits): void {
  ensureDir(path.dirname(outFile));
  fs.writeFileSync(outFile, annotatedCopy(srcBuf, findings, ruleTitles, limits));
}

/** A submission changed on disk between its audit and its annotation: its findings would be pinned to other cells. */
export class SubmissionChanged extends Error {}

/**
 * The report stage's annotation of one submission: the file read once more, checked to be the one audited
 * (`sha256`), and its annotated copy made (the caller writes it).
 */
export function annotateSubmission(file: string, sha256: string | null, findings: Finding[], ruleTitles: Record<string, string>, limits: ReadLimits = defaultReadLimits): Buffer {
  const buf = fs.readFileSync(file);
  if (sha256 !== null && createHash('sha256').update(buf).digest('hex') !== sha256) throw new SubmissionChanged(`${file} changed after its audit`);
  return annotatedCopy(buf, findings, ruleTitles, limits);
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

/**
 * The annotated copy of every input, by input file: `annotatedPath`, made unique where two inputs would meet in one
 * copy (`a:b.xlsx` and `a_b.xlsx`; `X.xls` and `X.xls.xlsx`; names that differ only in case, as Windows sees them):
 * the later one in file order gets `_2`, `_3`, …. A function of the list alone, so that the CLI and the web service
 * name the same copies.
 */
export function annotatedPaths(outDir: string, files: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const file of [...new Set(files)].sort()) {
    const base = annotatedPath(outDir, file);
    let p = base;
    for (let n = 2; taken.has(p.toLowerCase()); n++) p = `${base.slice(0, -'.xlsx'.length)}_${n}.xlsx`;
    taken.add(p.toLowerCase());
    out.set(file, p);
  }
  return out;
}

// -----------------------------------------------------------------------------------------------------------------
// The fast path for .xlsx: the original package is kept part for part (copied compressed, as stored) and only the
// commented sheets change: a comments part, its VML drawing, two relationships, a <legacyDrawing> and a fitted
// <dimension>. Of the submission it reads only the ZIP directory, the content types, the workbook and its
// relationships, and the sheets it comments with theirs. It declines (null) whatever it does not handle the way the
// grid path does — findings without a cell or sheet (they need the 审核意见 sheet), existing comments or drawings, a
// package it cannot follow — and the grid path takes those.

/** Children of <worksheet> that come after <legacyDrawing> (ECMA-376 CT_Worksheet). */
const AFTER_LEGACY = new Set(['legacyDrawingHF', 'drawingHF', 'picture', 'oleObjects', 'controls', 'webPublishItems', 'tableParts', 'extLst']);

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
    return `${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}">${add}</Relationships>`;
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

const CELL_TAG = /<(\w+:)?c\b([^>]*?)(\/?)>/g;
const CELL_REF = /\br\s*=\s*["']([A-Z]{1,3}\d{1,7})["']/;
const HOLDS_VALUE = /<(?:\w+:)?v>[^<]|<(?:\w+:)?is\b/;
const MERGE_REF = /<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*["']([A-Z]{1,3}\d{1,7})(?::([A-Z]{1,3}\d{1,7}))?["']/g;
const DIMENSION = /(<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*)(["'])([^"']*)\2/;

function grow(extent: Range | null, r: number, c: number): Range {
  if (!extent) return { s: { r, c }, e: { r, c } };
  extent.s.r = Math.min(extent.s.r, r);
  extent.s.c = Math.min(extent.s.c, c);
  extent.e.r = Math.max(extent.e.r, r);
  extent.e.c = Math.max(extent.e.c, c);
  return extent;
}

/**
 * Where a sheet's cells really are: the cells that hold a value, merges included (a declared <dimension> can lie,
 * A1:XFD1048576 in a 16 KB file). Null for a sheet without such cells; undefined where a cell does not say where it is.
 */
function cellExtent(xml: string): Range | null | undefined {
  let extent: Range | null = null;
  for (const m of xml.matchAll(CELL_TAG)) {
    if (m[3]) continue;
    const from = m.index + m[0].length;
    const end = xml.indexOf(`</${m[1] ?? ''}c>`, from);
    if (end < 0) return undefined;
    if (!HOLDS_VALUE.test(xml.slice(from, end))) continue;
    const ref = CELL_REF.exec(m[2]!);
    if (!ref) return undefined;
    const { r, c } = parseA1(ref[1]!);
    extent = grow(extent, r, c);
  }
  for (const m of xml.matchAll(MERGE_REF)) {
    const s = parseA1(m[1]!);
    const e = parseA1(m[2] ?? m[1]!);
    extent = grow(grow(extent, s.r, s.c), e.r, e.c);
  }
  return extent;
}

/** The sheet's declared extent (`<dimension ref="A1:D4"/>`), for a sheet whose cells do not all say where they are. */
function declaredExtent(xml: string): Range | null {
  const ref = DIMENSION.exec(xml)?.[3];
  const m = ref ? /^([A-Z]{1,3}\d{1,7})(?::([A-Z]{1,3}\d{1,7}))?$/.exec(ref) : null;
  if (!m) return null;
  const s = parseA1(m[1]!);
  const e = parseA1(m[2] ?? m[1]!);
  return { s, e };
}

/** The package's ZIP directory and the sheets of its workbook, or null for a package this path cannot follow. */
function openPackage(srcBuf: Buffer, limits: ReadLimits): { zip: ZipArchive; sheets: ReturnType<typeof workbookSheets> } | null {
  try {
    const zip = new ZipArchive(srcBuf, limits.maxInflatedBytes);
    const wbXml = zip.text(contentTypes(zip).workbook);
    const rels = workbookRelationships(zip);
    if (wbXml === null || rels === null) return null;
    return { zip, sheets: workbookSheets(zip, wbXml, rels) };
  } catch {
    return null;
  }
}

/** The annotated .xlsx made in the original package, or null when it must be made from the grids instead. */
function annotateOoxml(srcBuf: Buffer, findings: Finding[], ruleTitles: Record<string, string>, limits: ReadLimits): Buffer | null {
  if (srcBuf.length < 4 || srcBuf.readUInt32LE(0) !== 0x04034b50) return null;
  const book = openPackage(srcBuf, limits);
  if (!book) return null;
  const { bySheet, unplaced } = place(findings, book.sheets.map((s) => s.name), false);
  if (unplaced.length > 0) return null; // needs the 审核意见 sheet
  // Nothing to say: the copy is the original.
  if (bySheet.size === 0) return srcBuf;
  try {
    return commentInPlace(book.zip, book.sheets, bySheet, ruleTitles);
  } catch {
    // a part that cannot be inflated after all: the grid path reads the file its own way
    return null;
  }
}

function commentInPlace(
  zip: ZipArchive,
  sheets: ReturnType<typeof workbookSheets>,
  bySheet: Placement['bySheet'],
  ruleTitles: Record<string, string>,
): Buffer | null {
  const replaced = new Map<string, Buffer>();
  const added: ZipOut[] = [];
  const taken = (n: string) => zip.has(n) || added.some((a) => a.name === n);
  let ct = zip.text('[Content_Types].xml');
  if (ct === null || !ct.includes('</Types>') || !markupClosed(ct)) return null;
  // The fills by severity: a package whose styles this cannot follow keeps its comments, unfilled.
  const stylesPath = [...(workbookRelationships(zip)?.values() ?? [])].map((r) => (/\/styles$/.test(r.type) ? sheetPart(zip, r.target) : undefined)).find(Boolean);
  const stylesXml = stylesPath ? zip.text(stylesPath) : null;
  const styles = stylesXml && markupClosed(stylesXml) ? HighlightStyles.parse(stylesXml) : null;
  let block = 0;
  for (const [index, cells] of bySheet) {
    const info = sheets[index]!;
    if (!info.path || info.rel?.type !== WORKSHEET_REL) return null;
    const sheetPath = info.path;
    const relsPath = relsPathOf(sheetPath);
    let xml = zip.text(sheetPath);
    // a part whose markup does not close is no part to edit in place: the grid path writes the copy anew
    if (xml === null || !markupClosed(xml)) return null;
    const at = legacyDrawingAt(xml);
    if (at === null) return null;
    const root = /<worksheet\b[^>]*>/.exec(xml)!;
    const rPrefix = /\sxmlns:r\s*=\s*["']([^"']*)["']/.exec(root[0]);
    if (rPrefix && rPrefix[1] !== NS_REL) return null;
    const relsText = zip.text(relsPath);
    if (relsText !== null && (!markupClosed(relsText) || /\/(comments|vmlDrawing)"/.test(relsText))) return null;
    const ids = new Set([...(relsText ?? '').matchAll(/\bId\s*=\s*["']([^"']*)["']/g)].map((x) => x[1]));
    const ridComments = freeName((n) => ids.has(n), (k) => `rId${k}`);
    ids.add(ridComments);
    const ridVml = freeName((n) => ids.has(n), (k) => `rId${k}`);

    const commentsPart = freeName(taken, (k) => `xl/comments${k}.xml`);
    const vmlPart = freeName((n) => taken(n) || n === commentsPart, (k) => `xl/drawings/vmlDrawing${k}.vml`);

    // cells in reading order (place() sorted the findings); the extent grows to take the commented cells in
    const notes = [...cells.entries()].map(([ref, list]) => ({ ref, ...parseA1(ref), text: list.map((f) => commentLine(f, ruleTitles)).join('\n') }));
    notes.sort((a, b) => a.r - b.r || a.c - b.c);
    const found = cellExtent(xml);
    let extent = found === undefined ? declaredExtent(xml) : found;
    for (const { r, c } of notes) extent = grow(extent, r, c);
    block++;
    added.push({ name: commentsPart, data: Buffer.from(commentsXml(notes)) });
    added.push({ name: vmlPart, data: Buffer.from(vmlXml(notes, 1000 + block)) });
    replaced.set(relsPath, Buffer.from(relsXml(relsText, noteRelationships(ridVml, relativeTarget(sheetPath, vmlPart), ridComments, relativeTarget(sheetPath, commentsPart)))));

    xml = `${xml.slice(0, at)}<legacyDrawing r:id="${ridVml}"/>${xml.slice(at)}`;
    if (!rPrefix) xml = xml.replace(/<worksheet\b([^>]*?)(\/?)>/, `<worksheet$1 xmlns:r="${NS_REL}"$2>`);
    const ref = extent ? rangeRef(extent) : 'A1';
    xml = xml.replace(DIMENSION, `$1"${ref}"`);
    if (styles) xml = highlightCells(xml, [...cells].map(([ref, list]) => ({ ref, r: parseA1(ref).r, severity: worstSeverity(list) })), styles) ?? xml;
    replaced.set(sheetPath, Buffer.from(xml));
    ct = ct.replace('</Types>', `<Override PartName="/${commentsPart}" ContentType="${CT_COMMENTS}"/></Types>`);
  }
  if (styles && stylesPath) replaced.set(stylesPath, Buffer.from(styles.xml()));
  if (!/<Default\b[^>]*Extension\s*=\s*["']vml["']/i.test(ct)) ct = ct.replace('</Types>', `<Default Extension="vml" ContentType="${CT_VML}"/></Types>`);
  replaced.set('[Content_Types].xml', Buffer.from(ct));

  const parts: ZipOut[] = [];
  for (const e of zip.entries.values()) {
    if (!isSafePartName(e.name)) continue;
    const data = replaced.get(e.name);
    parts.push(data ? { name: e.name, data } : { name: e.name, from: zip, entry: e });
    replaced.delete(e.name);
  }
  for (const [name, data] of replaced) parts.push({ name, data });
  parts.push(...added);
  // The sheets we rewrote are the only parts deflated here: the fastest level costs a few per cent in size.
  return writeZip(parts, 1);
}
