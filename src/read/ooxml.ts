/**
 * A fast reader for the common .xlsx: ZIP central directory + native inflate + the parts a grid needs (workbook,
 * shared strings, number formats, sheets). It follows SheetJS 0.20.3's own parsing step by step (same regular
 * expressions, same quirks, SheetJS's number formatter), so its cells are the ones SheetJS would give; the benchmark
 * checks that on every file of its corpus. Anything it does not handle exactly — xlsb, strict OOXML, comments,
 * hyperlinks, dates stored as text, unknown number formats, prefixed cell attributes, … — throws OoxmlUnsupported
 * and the caller reads the file with SheetJS instead.
 */
import * as XLSX from 'xlsx';
import { type Cell, type Range, type Sheet, a1, makeSheet } from './grid.js';
import type { ReadLimits } from './limits.js';
import { ZipArchive, ZipUnsupported } from './zip.js';

export class OoxmlUnsupported extends Error {}

function unsupported(why: string): never {
  throw new OoxmlUnsupported(why);
}

/** Where each sheet of the package lives, and what the annotator needs to know of it. */
export interface OoxmlSheetInfo {
  name: string;
  /** Part name of the worksheet, e.g. xl/worksheets/sheet1.xml. */
  path: string;
  relsPath: string;
  /** Extent of the cells that hold a value, merges included; null for an empty sheet. */
  extent: Range | null;
  /** Rows beyond the read limit were skipped: the grid is not the whole sheet. */
  capped: boolean;
  /** The worksheet part as read, so that the annotator does not inflate it again. */
  xml?: string;
}

export interface OoxmlBook {
  zip: ZipArchive;
  sheets: OoxmlSheetInfo[];
}

// ---------------------------------------------------------------------------------------------------------------
// SheetJS helpers, ported as they are (xlsx.mjs 0.20.3)

const ENCODINGS: Record<string, string> = { '&quot;': '"', '&apos;': "'", '&gt;': '>', '&lt;': '<', '&amp;': '&' };
const ENC = /&(?:quot|apos|gt|lt|amp|#x?([\da-fA-F]+));/gi;
const CODE = /_x([\da-fA-F]{4})_/gi;

function rawUnescape(text: string): string {
  const i = text.indexOf('<![CDATA[');
  if (i === -1) {
    if (text.indexOf('&') === -1 && text.indexOf('_x') === -1 && text.indexOf('_X') === -1) return text;
    return text
      .replace(ENC, ($$: string, $1: string) => ENCODINGS[$$] || String.fromCharCode(parseInt($1, $$.indexOf('x') > -1 ? 16 : 10)) || $$)
      .replace(CODE, (_m: string, c: string) => String.fromCharCode(parseInt(c, 16)));
  }
  const j = text.indexOf(']]>');
  return rawUnescape(text.slice(0, i)) + text.slice(i + 9, j) + rawUnescape(text.slice(j + 3));
}

function unescapexml(text: string, xlsx = false): string {
  const out = rawUnescape(text);
  return xlsx ? out.replace(/\r\n/g, '\n') : out;
}

const ATTR = /\s([^"\s?>/]+)\s*=\s*((?:")([^"]*)(?:")|(?:')([^']*)(?:')|([^'">\s]+))/g;

/** parsexmltag(tag, skip_root = true): attribute values by (local) name, later ones winning. */
function attributes(tag: string): Record<string, string> {
  const z: Record<string, string> = {};
  let eq = 0;
  for (; eq !== tag.length; ++eq) {
    const c = tag.charCodeAt(eq);
    if (c === 32 || c === 10 || c === 13) break;
  }
  if (eq === tag.length) return z;
  const m = tag.match(ATTR);
  if (!m) return z;
  for (const att of m) {
    const cc = att.slice(1);
    let c = 0;
    for (; c !== cc.length; ++c) if (cc.charCodeAt(c) === 61) break;
    let q = cc.slice(0, c).trim();
    while (cc.charCodeAt(c + 1) === 32) ++c;
    const e = cc.charCodeAt(c + 1);
    const quot = e === 34 || e === 39 ? 1 : 0;
    const v = cc.slice(c + 1 + quot, cc.length - quot);
    let j = 0;
    for (; j !== q.length; ++j) if (q.charCodeAt(j) === 58) break;
    if (j === q.length) {
      if (q.indexOf('_') > 0) q = q.slice(0, q.indexOf('_'));
      z[q] = v;
      z[q.toLowerCase()] = v;
    } else {
      const k = (j === 5 && q.slice(0, 5) === 'xmlns' ? 'xmlns' : '') + q.slice(j + 1);
      if (z[k] && q.slice(j - 3, j) === 'ext') continue;
      z[k] = v;
      z[k.toLowerCase()] = v;
    }
  }
  return z;
}

const nsCache = new Map<string, [RegExp, RegExp]>();
/** str_match_xml_ns: the first <tag …>…</tag> (any namespace prefix): [whole, inner]. */
function matchXml(str: string, tag: string): [string, string] | null {
  let res = nsCache.get(tag);
  if (!res) nsCache.set(tag, (res = [new RegExp(`<(?:\\w+:)?${tag}\\b[^<>]*>`, 'g'), new RegExp(`</(?:\\w+:)?${tag}>`, 'g')]));
  res[0].lastIndex = res[1].lastIndex = 0;
  const m = res[0].exec(str);
  if (!m) return null;
  const si = m.index;
  const sf = res[0].lastIndex;
  res[1].lastIndex = res[0].lastIndex;
  const e = res[1].exec(str);
  if (!e) return null;
  return [str.slice(si, res[1].lastIndex), str.slice(sf, e.index)];
}

/** str_remove_xml_ns_g(str, 'rPh'). */
function removeXml(str: string, tag: string): string | null {
  const open = new RegExp(`<(?:\\w+:)?${tag}\\b[^<>]*>`, 'g');
  const close = new RegExp(`</(?:\\w+:)?${tag}>`, 'g');
  const out: string[] = [];
  let ef = 0;
  let m: RegExpExecArray | null;
  while ((m = open.exec(str))) {
    out.push(str.slice(ef, m.index));
    ef = m.index;
    close.lastIndex = open.lastIndex;
    if (!close.exec(str)) return null;
    ef = close.lastIndex;
    open.lastIndex = close.lastIndex;
  }
  out.push(str.slice(ef));
  return out.join('');
}

const SIT = /<(?:\w+:)?t\b[^<>]*>([^<]*)<\/(?:\w+:)?t>/g;
const SIR = /<(?:\w+:)?r\b[^<>]*>/;
const TAGS = /<[/?]?[a-zA-Z0-9:_-]+(?:\s+[^"\s?<>/]+\s*=\s*(?:"[^"]*"|'[^']*'|[^'"<>\s=]+))*\s*[/?]?>/gm;

/** Every tag of an XML text (SheetJS's tagregex), with its name as written (`<x:sheet` → `x:sheet`). */
function* tags(xml: string): Generator<{ tag: string; name: string }> {
  for (const m of xml.match(TAGS) ?? []) {
    let e = 1;
    while (e < m.length && !/[\s/>]/.test(m.charAt(e))) e++;
    yield { tag: m, name: m.slice(1, e) };
  }
}

const localName = (name: string) => name.replace(/^\w+:/, '');
const PLAIN_T = /^\s*<(?:\w+:)?t[^>]*>/;
const T_END = /<\/(?:\w+:)?t>/;

/** parse_si: the text of a shared or inline string. */
function stringItem(x: string): string {
  if (!x) return '';
  if (PLAIN_T.test(x)) return unescapexml(x.slice(x.indexOf('>') + 1).split(T_END)[0] || '', true);
  if (SIR.test(x)) {
    const noPh = removeXml(x, 'rPh');
    if (noPh === null) unsupported('unbalanced rPh');
    return unescapexml((noPh.match(SIT) || []).join('').replace(TAGS, ''), true);
  }
  // SheetJS leaves such an item without text (undefined): rare enough to hand over.
  return unsupported('string item without text');
}

/** safe_decode_range. */
function decodeRange(range: string): Range {
  const o = { s: { c: 0, r: 0 }, e: { c: 0, r: 0 } };
  let idx = 0;
  let i = 0;
  let cc = 0;
  const len = range.length;
  for (idx = 0; i < len; ++i) {
    if ((cc = range.charCodeAt(i) - 64) < 1 || cc > 26) break;
    idx = 26 * idx + cc;
  }
  o.s.c = --idx;
  for (idx = 0; i < len; ++i) {
    if ((cc = range.charCodeAt(i) - 48) < 0 || cc > 9) break;
    idx = 10 * idx + cc;
  }
  o.s.r = --idx;
  if (i === len || cc !== 10) {
    o.e.c = o.s.c;
    o.e.r = o.s.r;
    return o;
  }
  ++i;
  for (idx = 0; i !== len; ++i) {
    if ((cc = range.charCodeAt(i) - 64) < 1 || cc > 26) break;
    idx = 26 * idx + cc;
  }
  o.e.c = --idx;
  for (idx = 0; i !== len; ++i) {
    if ((cc = range.charCodeAt(i) - 48) < 0 || cc > 9) break;
    idx = 10 * idx + cc;
  }
  o.e.r = --idx;
  return o;
}

/** decode_cell. */
function decodeCell(cstr: string): { r: number; c: number } {
  let R = 0;
  let C = 0;
  for (let i = 0; i < cstr.length; ++i) {
    const cc = cstr.charCodeAt(i);
    if (cc >= 48 && cc <= 57) R = 10 * R + (cc - 48);
    else if (cc >= 65 && cc <= 90) C = 26 * C + (cc - 64);
  }
  return { c: C - 1, r: R - 1 };
}

const BAD_FORMATS: Record<string, string> = { 'd.m': 'd\\.m' };

let defaults: Record<number, string> | null = null;
/** SheetJS's built-in number formats, as a fresh parse starts with them (make_ssf). */
function defaultFormats(): Record<number, string> {
  if (!defaults) {
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([[1]]), 'S');
    XLSX.read(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer, { type: 'buffer' });
    defaults = { ...(XLSX.SSF.get_table() as Record<number, string>) };
  }
  return defaults;
}

/** The General format of SheetJS for a number (integers as they are). */
function general(v: unknown): string {
  return XLSX.SSF.format('General', v);
}

// ---------------------------------------------------------------------------------------------------------------
// Package parts

const CT_NS = 'http://schemas.openxmlformats.org/package/2006/content-types';
const WORKBOOK_TYPES = new Set([
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml',
  'application/vnd.ms-excel.sheet.macroEnabled.main+xml',
  'application/vnd.ms-excel.template.macroEnabled.main+xml',
  'application/vnd.ms-excel.addin.macroEnabled.main+xml',
]);
const SST_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml';
const STYLES_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const WORKSHEET_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet';

/**
 * Parsed package parts by their stored bytes. Workbooks made by one program (one template, one budget system) carry
 * byte-identical [Content_Types].xml, styles and relationships: each is parsed once per thread. The stored bytes are
 * compared in full, so a hit is the same part, never a look-alike.
 */
class PartMemo<T> {
  private readonly byKey = new Map<string, { raw: Buffer; value: T }>();

  constructor(private readonly max = 256) {}

  get(zip: ZipArchive, name: string, parse: (xml: string) => T): T | null {
    const e = zip.entries.get(name);
    if (!e) return null;
    const key = `${e.crc32}:${e.size}:${e.compressedSize}:${e.method}`;
    const raw = zip.raw(e);
    const hit = this.byKey.get(key);
    if (hit && hit.raw.equals(raw)) return hit.value;
    const value = parse(zip.text(name)!);
    if (this.byKey.size >= this.max) this.byKey.clear();
    this.byKey.set(key, { raw: Buffer.from(raw), value });
    return value;
  }
}

function front(p: string): string {
  return p.charAt(0) === '/' ? p.slice(1) : p;
}

interface ContentTypes {
  workbooks: string[];
  sst: string | null;
  styles: string | null;
  /** Why the fast path cannot take the package, if it cannot. */
  unsupported: string | null;
}

function parseContentTypes(xml: string): ContentTypes {
  const out: ContentTypes = { workbooks: [], sst: null, styles: null, unsupported: null };
  const root = /<(?:(\w+):)?Types\b[^>]*>/.exec(xml);
  if (!root || root[1] || attributes(root[0]).xmlns !== CT_NS) return { ...out, unsupported: 'content types namespace' };
  for (const { tag, name } of tags(xml)) {
    if (localName(name) !== 'Override') continue;
    const a = attributes(tag);
    const ct = a.ContentType ?? '';
    const part = a.PartName ?? '';
    if (WORKBOOK_TYPES.has(ct)) out.workbooks.push(part);
    else if (/binary\.macroEnabled\.main|sheet\.binary/.test(ct)) return { ...out, unsupported: 'xlsb' };
    else if (ct === SST_TYPE) out.sst ??= part;
    else if (ct === STYLES_TYPE) out.styles ??= part;
  }
  return out;
}

const contentTypesMemo = new PartMemo<ContentTypes>();
const relationshipsMemo = new PartMemo<Map<string, { type: string; target: string }>>();
const stylesMemo = new PartMemo<Styles>();

function contentTypes(zip: ZipArchive): { workbook: string; sst: string | null; styles: string | null } {
  const parsed = contentTypesMemo.get(zip, '[Content_Types].xml', parseContentTypes) ?? unsupported('no [Content_Types].xml');
  if (parsed.unsupported) unsupported(parsed.unsupported);
  const { workbooks, sst, styles } = parsed;
  if (workbooks.length > 1) unsupported('several workbook parts');
  const workbook = workbooks[0] ? front(workbooks[0]) : zip.has('xl/workbook.xml') ? 'xl/workbook.xml' : unsupported('no workbook part');
  if (workbook !== 'xl/workbook.xml') unsupported(`workbook at ${workbook}`);
  return { workbook, sst: sst ? front(sst) : null, styles: styles ? front(styles) : null };
}

function relationships(xml: string | null): Map<string, { type: string; target: string }> {
  const out = new Map<string, { type: string; target: string }>();
  if (!xml) return out;
  for (const { tag, name } of tags(xml)) {
    if (name !== 'Relationship') continue;
    const a = attributes(tag);
    if (a.Id !== undefined) out.set(a.Id, { type: a.Type ?? '', target: unescapexml(a.Target ?? '') });
  }
  return out;
}

function sharedStrings(zip: ZipArchive, part: string | null): string[] {
  if (!part) return [];
  const xml = zip.text(part) ?? unsupported('shared strings part missing');
  const sst = matchXml(xml, 'sst');
  if (!sst) return [];
  return plainStrings(sst[1]) ?? sst[1]
    .replace(/<(?:\w+:)?(?:si|sstItem)>/g, '')
    .split(/<\/(?:\w+:)?(?:si|sstItem)>/)
    .map((s) => stringItem(s.trim()));
}

/**
 * The usual shared strings, `<si><t>…</t></si>` with no prefixes and no rich text, read with indexOf to what the
 * split above gives (its trailing empty item included); null for anything else.
 */
function plainStrings(body: string): string[] | null {
  if (/<\w+:|<si |<sstItem/.test(body)) return null;
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const open = body.indexOf('<si>', at);
    if (open < 0) {
      if (body.slice(at).trim() !== '') return null;
      out.push('');
      return out;
    }
    if (body.slice(at, open).trim() !== '') return null;
    const close = body.indexOf('</si>', open);
    if (close < 0) return null;
    const item = body.slice(open + 4, close).trim();
    at = close + 5;
    if (!item.startsWith('<t>') && !item.startsWith('<t xml:space="preserve">')) {
      out.push(stringItem(item));
      continue;
    }
    const start = item.indexOf('>') + 1;
    const end = item.indexOf('</t>', start);
    // one <t> and nothing after it; else the general reader
    if (end < 0 || item.indexOf('<', start) !== end || end + 4 !== item.length) out.push(stringItem(item));
    else out.push(unescapexml(item.slice(start, end), true));
  }
}

interface Styles {
  /** numFmtId per cellXfs index (undefined: the xf names none). */
  xfFormats: (number | undefined)[] | null;
  table: Record<number, string>;
  unsupported?: string;
}

function styles(zip: ZipArchive, part: string | null): Styles {
  if (!part) return { xfFormats: null, table: { ...defaultFormats() } };
  const st = stylesMemo.get(zip, part, parseStyles) ?? unsupported('styles part missing');
  if (st.unsupported) unsupported(st.unsupported);
  return st;
}

function parseStyles(input: string): Styles {
  let xml = input;
  const table: Record<number, string> = { ...defaultFormats() };
  if (xml.includes('<!--') || xml.includes('<!DOCTYPE')) return { xfFormats: null, table, unsupported: 'comments in styles' };
  const numberFmt: Record<number, string> = { ...table };
  const nf = matchXml(xml, 'numFmts');
  if (nf) {
    for (const { tag, name } of tags(nf[0])) {
      if (localName(name) !== 'numFmt') continue;
      const y = attributes(tag);
      const f = unescapexml(y.formatCode ?? '');
      let j = parseInt(y.numFmtId ?? '', 10);
      numberFmt[j] = f;
      if (j > 0) {
        if (j > 0x188) {
          for (j = 0x188; j > 0x3c; --j) if (numberFmt[j] == null) break;
          numberFmt[j] = f;
        }
        table[j] = BAD_FORMATS[f] ?? f;
      }
    }
  }
  const xfs = matchXml(xml, 'cellXfs');
  if (!xfs) return { xfFormats: null, table };
  const xfFormats: (number | undefined)[] = [];
  xml = xfs[0];
  for (const { tag, name } of tags(xml)) {
    if (localName(name) !== 'xf') continue;
    const y = attributes(tag);
    let id = y.numFmtId ? parseInt(y.numFmtId, 10) : undefined;
    if (id !== undefined && id > 0x188) {
      for (let i = 0x188; i > 0x3c; --i)
        if (numberFmt[id] == numberFmt[i]) {
          id = i;
          break;
        }
    }
    xfFormats.push(id);
  }
  return { xfFormats, table };
}

// ---------------------------------------------------------------------------------------------------------------
// Sheets

const ROW_END = /<\/(?:\w+:)?row>/;
const CELL_START = /<(?:\w+:)?c[ />]/;
const R_ATTR = /r=["']([^"']*)["']/;
const MERGE = /<(?:\w+:)?mergeCell ref=["'][A-Z0-9:]+['"]\s*[/]?>/g;


/**
 * The attributes of a <c> start tag; the usual `<c r="A1" s="3" t="s">` scanned by hand (it is most of the cells of
 * a sheet), anything else by the general parser. What the tag /^<c((?: [rst]="[^"<>&]*")*)\s*\/?>$/ would give.
 */
function cellAttributes(tag: string): Record<string, string> {
  return plainCellAttributes(tag) ?? attributes(tag);
}

function plainCellAttributes(tag: string): Record<string, string> | null {
  const n = tag.length;
  if (n < 3 || tag.charCodeAt(0) !== 60 || tag.charCodeAt(1) !== 99 || tag.charCodeAt(n - 1) !== 62) return null;
  const z: Record<string, string> = {};
  let i = 2;
  // ` r="A1"` … : one of r, s, t; a value without < > & "
  while (i + 3 < n && tag.charCodeAt(i) === 32) {
    const name = tag.charCodeAt(i + 1);
    if ((name !== 114 && name !== 115 && name !== 116) || tag.charCodeAt(i + 2) !== 61 || tag.charCodeAt(i + 3) !== 34) break;
    let j = i + 4;
    for (; j < n; j++) {
      const ch = tag.charCodeAt(j);
      if (ch === 34) break;
      if (ch === 60 || ch === 62 || ch === 38) return null;
    }
    if (j >= n) return null;
    z[name === 114 ? 'r' : name === 115 ? 's' : 't'] = tag.slice(i + 4, j);
    i = j + 1;
  }
  // then white space, an optional `/`, and the closing `>`
  while (i < n - 1 && /\s/.test(tag.charAt(i))) i++;
  if (i === n - 2 && tag.charCodeAt(i) === 47) i++;
  return i === n - 1 ? z : null;
}

/** matchXml(d, 'v'), the plain `<v>…</v>` found without regular expressions. */
function valueOf(d: string): [string, string] | null {
  if (d.indexOf(':') !== -1 || d.indexOf('<v ') !== -1 || d.indexOf('<v/') !== -1 || d.indexOf('<v\t') !== -1 || d.indexOf('<v\n') !== -1 || d.indexOf('<v\r') !== -1) return matchXml(d, 'v');
  const i = d.indexOf('<v>');
  if (i === -1) return null;
  const e = d.indexOf('</v>', i + 3);
  if (e === -1) return null;
  return [d.slice(i, e + 4), d.slice(i + 3, e)];
}

interface SheetParse {
  rows: (Cell | undefined)[][];
  merges: Range[];
  extent: Range | null;
  capped: boolean;
}

/** The cells of a sheet as they are made, with the extent of every cell that holds a value. */
class SheetCells {
  readonly rows: (Cell | undefined)[][] = [];
  minR = Infinity;
  minC = Infinity;
  maxR = -1;
  maxC = -1;

  constructor(
    private readonly strs: string[],
    private readonly st: Styles,
    private readonly limits: ReadLimits,
  ) {}

  /**
   * One <c>: its attributes and what follows its start tag, made into the cell SheetJS makes of it (parse_ws_xml_data,
   * step by step), or none. `ref` is where it stands when it names no place itself.
   */
  add(tag: Record<string, string>, d: string, ref: string): void {
    const vm = valueOf(d);
    const v: string | undefined = vm != null && vm[1] !== '' ? unescapexml(vm[1]) : undefined;
    if (tag.t == null && v === undefined) return;
    const t = tag.t || 'n';
    let raw: string | number | boolean | null;
    let w: string | undefined;
    let value: unknown;
    switch (t) {
      case 'n':
        if (v == '' || v == null) return;
        value = raw = parseFloat(v);
        break;
      case 's': {
        if (v === undefined) return;
        const s = this.strs[parseInt(v, 10)];
        if (s === undefined) unsupported('shared string index out of range');
        value = raw = s;
        break;
      }
      case 'str':
        // SheetJS decodes these in two passes around its UTF-8 step; only plain text is read alike
        if (vm != null && /&#|_x[\da-f]{4}_/i.test(vm[1])) unsupported('character reference in a formula string');
        value = raw = v != null ? unescapexml(v, true) : '';
        break;
      case 'inlineStr': {
        const is = matchXml(d, 'is');
        value = raw = is != null ? stringItem(is[1]) : '';
        break;
      }
      case 'b':
        value = raw = v === '1' || v === 'true';
        break;
      case 'e':
        w = v;
        raw = null;
        value = undefined;
        break;
      default:
        return unsupported(`cell type ${t}`);
    }
    // safe_format
    let fmtid = 0;
    const xfFormats = this.st.xfFormats;
    if (xfFormats && tag.s !== undefined) {
      const f = xfFormats[tag.s as unknown as number];
      if (f != null) fmtid = f;
    }
    const z = this.st.table[fmtid];
    if (z == null) unsupported(`number format ${fmtid} not in the table`);
    try {
      if (t === 'e') w = w || undefined;
      else if (fmtid === 0) w = typeof value === 'string' ? value : typeof value === 'number' && (value | 0) === value ? value.toString(10) : general(value);
      else w = XLSX.SSF.format(z, value);
    } catch {
      w = undefined;
    }
    const pos = decodeCell(ref);
    const r = pos.r;
    const c = pos.c;
    if (!(r >= 0 && c >= 0)) unsupported(`cell reference ${ref}`);
    if (r < this.minR) this.minR = r;
    if (r > this.maxR) this.maxR = r;
    if (c < this.minC) this.minC = c;
    if (c > this.maxC) this.maxC = c;
    if (r >= this.limits.maxRows) return;
    const row = (this.rows[r] ??= []);
    if (c >= this.limits.maxCols) return;
    row[c] = { r, c, addr: a1(r, c), raw, text: w !== undefined ? w : value === undefined || value === null ? '' : String(value), fmt: z };
  }
}

/**
 * The sheetData of the usual sheet — every row and cell with its `r`, plain `<c r s t>` tags, no namespace prefixes —
 * walked with indexOf in one pass instead of SheetJS's splits and per-cell regular expressions, to the same cells.
 * False (and nothing added) for anything else, which the faithful port below then reads.
 */
function scanPlainSheetData(data: string, cells: SheetCells, maxRows: number): { capped: boolean } | null {
  if (/<\w+:/.test(data) || data.includes('<![CDATA[')) return null;
  const found: [Record<string, string>, string][] = [];
  let capped = false;
  let at = 0;
  for (;;) {
    const rowAt = data.indexOf('<row', at);
    // Between and after the rows only white space: anything else SheetJS would take for a row of its own.
    if (data.slice(at, rowAt < 0 ? data.length : rowAt).trim() !== '') return null;
    if (rowAt < 0) break;
    const rowEnd = data.indexOf('>', rowAt);
    if (rowEnd < 0) return null;
    const rowTag = data.slice(rowAt, rowEnd + 1);
    const rAttr = / r="(\d+)"/.exec(rowTag);
    if (!rAttr) return null;
    if (rowTag.charCodeAt(rowTag.length - 2) === 47) {
      at = rowEnd + 1; // an empty row, <row r="5"/>
      continue;
    }
    const close = data.indexOf('</row>', rowEnd);
    if (close < 0) return null;
    const tagr = parseInt(rAttr[1]!, 10);
    at = close + 6;
    if (maxRows && maxRows < tagr) {
      capped = true;
      continue;
    }
    const body = data.slice(rowEnd + 1, close);
    if (body.includes('<row')) return null;
    let p = body.indexOf('<c');
    if (p < 0) {
      if (body.trim() !== '') return null;
      continue;
    }
    if (body.slice(0, p).trim() !== '') return null;
    while (p >= 0) {
      const next = body.indexOf('<c', p + 2);
      const chunk = next < 0 ? body.slice(p) : body.slice(p, next);
      const ch = chunk.charCodeAt(2);
      if (ch !== 32 && ch !== 62 && ch !== 47) return null;
      const tagEnd = chunk.indexOf('>');
      if (tagEnd < 0) return null;
      const tag = plainCellAttributes(chunk.slice(0, tagEnd + 1));
      if (!tag || tag.r === undefined) return null;
      found.push([tag, chunk.slice(tagEnd + 1)]);
      p = next;
    }
  }
  for (const [tag, d] of found) cells.add(tag, d, tag.r!);
  return { capped };
}

function parseSheet(xml: string, strs: string[], st: Styles, limits: ReadLimits): SheetParse {
  if (xml.includes('<!--')) unsupported('comment in sheet XML');
  if (/<(?:\w+:)?hyperlink\b/.test(xml)) unsupported('hyperlinks');
  const mtch = matchXml(xml, 'sheetData');
  const data2 = mtch ? xml.slice(xml.indexOf(mtch[0]) + mtch[0].length) : xml;
  const cells = new SheetCells(strs, st, limits);
  let capped = false;
  const sheetRows = limits.maxRows;
  const plain = mtch ? scanPlainSheetData(mtch[1], cells, sheetRows) : null;
  if (plain) capped = plain.capped;
  else if (mtch) {
    let tagr = 0;
    let tagc = 0;
    for (const chunk of mtch[1].split(ROW_END)) {
      let x = chunk.trim();
      const xlen = x.length;
      if (xlen === 0) continue;
      let rstarti = 0;
      let ri = 0;
      for (ri = 0; ri < xlen; ++ri) {
        const ch = x.charCodeAt(ri);
        if (ch === 62) {
          if (x.charCodeAt(ri - 1) !== 47) {
            ++ri;
            break;
          }
        } else if (ch === 60) rstarti = ri;
      }
      if (rstarti >= ri) break;
      const rowTag = attributes(x.slice(rstarti, ri));
      tagr = rowTag.r != null ? parseInt(rowTag.r, 10) : tagr + 1;
      tagc = -1;
      if (sheetRows && sheetRows < tagr) {
        capped = true;
        continue;
      }
      let row = x.slice(ri).split(CELL_START);
      let rslice = 0;
      for (; rslice !== row.length; ++rslice) if (row[rslice]!.trim().charAt(0) !== '<') break;
      row = row.slice(rslice);
      for (let k = 0; k !== row.length; ++k) {
        x = row[k]!.trim();
        if (x.length === 0) continue;
        const cref = x.match(R_ATTR);
        if (cref != null && cref.length === 2) {
          let idx = 0;
          const d = cref[1]!;
          for (let i = 0; i !== d.length; ++i) {
            const cc = d.charCodeAt(i) - 64;
            if (cc < 1 || cc > 26) break;
            idx = 26 * idx + cc;
          }
          tagc = idx - 1;
        } else ++tagc;
        x = `<c ${x.slice(0, 1) === '<' ? '>' : ''}${x}`;
        let i = 0;
        for (; i !== x.length; ++i) if (x.charCodeAt(i) === 62) break;
        ++i;
        const startTag = x.slice(0, i);
        if (startTag.includes(':')) unsupported('prefixed cell attribute');
        const tag = cellAttributes(startTag);
        cells.add(tag, x.slice(i), tag.r || a1(tagr - 1, tagc));
      }
    }
  }
  const { rows } = cells;
  let { minR, minC, maxR, maxC } = cells;
  const merges: Range[] = [];
  for (const m of data2.match(MERGE) ?? []) {
    const rg = decodeRange(m.slice(m.indexOf('=') + 2));
    merges.push(rg);
    if (rg.s.r < minR) minR = rg.s.r;
    if (rg.s.c < minC) minC = rg.s.c;
    if (rg.e.r > maxR) maxR = rg.e.r;
    if (rg.e.c > maxC) maxC = rg.e.c;
  }
  const extent = maxR < 0 ? null : { s: { r: minR, c: minC }, e: { r: maxR, c: maxC } };
  return { rows, merges, extent, capped };
}

/** Rows (`<row r="9" hidden="1">`) and columns (`<col min max hidden="1">`) a sheet hides; most hide none. */
function concealedIn(xml: string, limits: ReadLimits): { rows: Set<number>; cols: Set<number> } {
  const rows = new Set<number>();
  const cols = new Set<number>();
  if (!xml.includes('hidden=')) return { rows, cols };
  for (const m of xml.matchAll(/<(?:\w+:)?row\b[^>]*>/g)) {
    const a = attributes(m[0]);
    if ((a.hidden === '1' || a.hidden === 'true') && a.r !== undefined && Number(a.r) - 1 < limits.maxRows) rows.add(Number(a.r) - 1);
  }
  for (const m of xml.matchAll(/<(?:\w+:)?col\b[^>]*>/g)) {
    const a = attributes(m[0]);
    if (a.hidden !== '1' && a.hidden !== 'true') continue;
    for (let c = Number(a.min) - 1; c <= Math.min(Number(a.max) - 1, limits.maxCols - 1); c++) cols.add(c);
  }
  return { rows, cols };
}

/** Cells with a formula and no cached value: `<c r="G8"><f>E8-F8</f></c>`, `<c r="G8"><f>…</f><v></v></c>`. */
function formulasWithoutValue(xml: string): Set<string> {
  const out = new Set<string>();
  if (!xml.includes('<f')) return out;
  for (const m of xml.matchAll(/<c\b([^>]*?)>\s*<f\b[^>]*?(?:\/>|>[^<]*<\/f>)\s*(?:<v\s*\/>|<v>\s*<\/v>)?\s*<\/c>/g)) {
    const r = /\br="([A-Z]+\d+)"/.exec(m[1]!);
    if (r) out.add(r[1]!);
  }
  return out;
}

/** Where a workbook relationship's target is in the package, as SheetJS looks for it. */
function sheetPart(zip: ZipArchive, target: string): string | undefined {
  return [`xl/${target.replace(/[/]?xl\//, '')}`, target, `xl/${target}`].find((p) => zip.has(p));
}

/**
 * For an .xlsx SheetJS read (the fast way declined it): per sheet name, the formulas without a cached value, found in
 * its part as the fast way finds them. Empty where the package cannot be followed.
 */
export function uncachedByName(buf: Buffer, limits: ReadLimits): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  try {
    const zip = new ZipArchive(buf, limits.maxInflatedBytes);
    const ct = contentTypes(zip);
    const wbXml = zip.text(ct.workbook);
    const rels = relationshipsMemo.get(zip, 'xl/_rels/workbook.xml.rels', relationships);
    if (!wbXml || !rels) return out;
    for (const { tag, name: tagName } of tags(wbXml)) {
      if (localName(tagName) !== 'sheet') continue;
      const y = attributes(tag);
      const rel = [...Object.entries(y)].map(([k, v]) => (/(^|:)id$/.test(k) ? rels.get(v) : undefined)).find(Boolean);
      if (!rel) continue;
      const part = sheetPart(zip, rel.target);
      const xml = part ? zip.text(part) : null;
      const found = xml ? formulasWithoutValue(xml.replace(/<(\/?)\w+:(c|f|v)\b/g, '<$1$2')) : null;
      if (found?.size) out.set(unescapexml(y.name ?? ''), found);
    }
  } catch {
    // a package the fast way cannot follow: nothing known of its formulas
  }
  return out;
}

/** Reads an .xlsx the fast way, or throws OoxmlUnsupported / ZipUnsupported for SheetJS to take over. */
export function readOoxml(buf: Buffer, limits: ReadLimits): { sheets: Sheet[]; book: OoxmlBook } {
  const zip = new ZipArchive(buf, limits.maxInflatedBytes);
  for (const other of ['META-INF/manifest.xml', 'objectdata.xml', 'Index/Document.iwa']) if (zip.has(other)) unsupported(other);
  const ct = contentTypes(zip);
  const wbXml = zip.text(ct.workbook) ?? unsupported('workbook part missing');
  const root = /<workbook\b[^>]*>/.exec(wbXml);
  if (!root || attributes(root[0]).xmlns !== MAIN_NS) unsupported('workbook namespace');
  const wbRelsPath = 'xl/_rels/workbook.xml.rels';
  const rels = relationshipsMemo.get(zip, wbRelsPath, relationships) ?? unsupported('no workbook relationships');
  const strs = sharedStrings(zip, ct.sst);
  const st = styles(zip, ct.styles);
  const infos: OoxmlSheetInfo[] = [];
  const sheets: Sheet[] = [];
  for (const { tag, name: tagName } of tags(wbXml)) {
    if (localName(tagName) !== 'sheet') continue;
    const y = attributes(tag);
    const name = unescapexml(y.name ?? '');
    const rel = y.id !== undefined ? rels.get(y.id) : undefined;
    if (!rel) unsupported(`sheet ${name} without relationship`);
    if (rel.type !== WORKSHEET_REL) unsupported(`sheet ${name} of type ${rel.type}`);
    const path = sheetPart(zip, rel.target) ?? unsupported(`sheet part of ${name} missing`);
    const relsPath = path.replace(/^(.*)(\/)([^/]*)$/, '$1/_rels/$3.rels');
    const sheetRels = zip.text(relsPath);
    if (sheetRels !== null && /comments|threadedComment/i.test(sheetRels)) unsupported('comments');
    const xml = zip.text(path)!;
    const p = parseSheet(xml, strs, st, limits);
    const merges = p.merges
      .filter((mg) => mg.s.r < limits.maxRows && mg.s.c < limits.maxCols)
      .map((mg) => ({ s: { ...mg.s }, e: { r: Math.min(mg.e.r, limits.maxRows - 1), c: Math.min(mg.e.c, limits.maxCols - 1) } }));
    const sheet = makeSheet(name, p.rows, merges, undefined, y.state === 'hidden' || y.state === 'veryHidden', concealedIn(xml, limits));
    const uncached = formulasWithoutValue(xml);
    sheets.push(uncached.size ? { ...sheet, uncached } : sheet);
    infos.push({ name, path, relsPath, xml, extent: p.extent, capped: p.capped || (p.extent !== null && (p.extent.e.r >= limits.maxRows || p.extent.e.c >= limits.maxCols)) });
  }
  if (!sheets.length) unsupported('no sheets');
  return { sheets, book: { zip, sheets: infos } };
}

export function isFastPathMiss(err: unknown): boolean {
  return err instanceof OoxmlUnsupported || err instanceof ZipUnsupported;
}
