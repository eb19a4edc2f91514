/**
 * A fast reader for the common .xlsx: ZIP central directory + native inflate + the parts a grid needs (workbook,
 * shared strings, number formats, sheets). It follows SheetJS 0.20.3's own parsing step by step (same regular
 * expressions, same quirks, SheetJS's number formatter), so its cells are the ones SheetJS would give; the benchmark
 * checks that on every file of its corpus. Anything it does not handle exactly — xlsb, strict OOXML, comments,
 * hyperlinks, dates stored as text, unknown number formats, prefixed cell attributes, … — throws OoxmlUnsupported
 * and the caller reads the file with SheetJS instead.
 */
import * as XLSX from 'xlsx';
import {
  NS_MAIN,
  OoxmlUnsupported,
  PartMemo,
  TAGS,
  WORKSHEET_REL,
  ZipArchive,
  ZipUnsupported,
  attributes,
  contentTypes,
  localName,
  relsPathOf,
  sheetPart,
  tags,
  unescapexml,
  unsupported,
  workbookRelationships,
  workbookSheets,
} from '../ooxml/index.js';
import { type Cell, type Range, type Sheet, a1, makeSheet } from './grid.js';
import type { ReadLimits } from './limits.js';

export { OoxmlUnsupported };

// ---------------------------------------------------------------------------------------------------------------
// SheetJS helpers, ported as they are (xlsx.mjs 0.20.3); those the package walk shares are in ooxml/xml.ts

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

const stylesMemo = new PartMemo<Styles>();

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
}

/** The cells of a sheet as they are made. */
class SheetCells {
  readonly rows: (Cell | undefined)[][] = [];

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
function scanPlainSheetData(data: string, cells: SheetCells, maxRows: number): boolean {
  if (/<\w+:/.test(data) || data.includes('<![CDATA[')) return false;
  const found: [Record<string, string>, string][] = [];
  let at = 0;
  for (;;) {
    const rowAt = data.indexOf('<row', at);
    // Between and after the rows only white space: anything else SheetJS would take for a row of its own.
    if (data.slice(at, rowAt < 0 ? data.length : rowAt).trim() !== '') return false;
    if (rowAt < 0) break;
    const rowEnd = data.indexOf('>', rowAt);
    if (rowEnd < 0) return false;
    const rowTag = data.slice(rowAt, rowEnd + 1);
    const rAttr = / r="(\d+)"/.exec(rowTag);
    if (!rAttr) return false;
    if (rowTag.charCodeAt(rowTag.length - 2) === 47) {
      at = rowEnd + 1; // an empty row, <row r="5"/>
      continue;
    }
    const close = data.indexOf('</row>', rowEnd);
    if (close < 0) return false;
    const tagr = parseInt(rAttr[1]!, 10);
    at = close + 6;
    if (maxRows && maxRows < tagr) continue;
    const body = data.slice(rowEnd + 1, close);
    if (body.includes('<row')) return false;
    let p = body.indexOf('<c');
    if (p < 0) {
      if (body.trim() !== '') return false;
      continue;
    }
    if (body.slice(0, p).trim() !== '') return false;
    while (p >= 0) {
      const next = body.indexOf('<c', p + 2);
      const chunk = next < 0 ? body.slice(p) : body.slice(p, next);
      const ch = chunk.charCodeAt(2);
      if (ch !== 32 && ch !== 62 && ch !== 47) return false;
      const tagEnd = chunk.indexOf('>');
      if (tagEnd < 0) return false;
      const tag = plainCellAttributes(chunk.slice(0, tagEnd + 1));
      if (!tag || tag.r === undefined) return false;
      found.push([tag, chunk.slice(tagEnd + 1)]);
      p = next;
    }
  }
  for (const [tag, d] of found) cells.add(tag, d, tag.r!);
  return true;
}

function parseSheet(xml: string, strs: string[], st: Styles, limits: ReadLimits): SheetParse {
  if (xml.includes('<!--')) unsupported('comment in sheet XML');
  if (/<(?:\w+:)?hyperlink\b/.test(xml)) unsupported('hyperlinks');
  const mtch = matchXml(xml, 'sheetData');
  const data2 = mtch ? xml.slice(xml.indexOf(mtch[0]) + mtch[0].length) : xml;
  const cells = new SheetCells(strs, st, limits);
  const sheetRows = limits.maxRows;
  const plain = mtch ? scanPlainSheetData(mtch[1], cells, sheetRows) : false;
  if (!plain && mtch) {
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
      if (sheetRows && sheetRows < tagr) continue;
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
  const merges = (data2.match(MERGE) ?? []).map((m) => decodeRange(m.slice(m.indexOf('=') + 2)));
  return { rows: cells.rows, merges };
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
    const rels = workbookRelationships(zip);
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
export function readOoxml(buf: Buffer, limits: ReadLimits): Sheet[] {
  const zip = new ZipArchive(buf, limits.maxInflatedBytes);
  for (const other of ['META-INF/manifest.xml', 'objectdata.xml', 'Index/Document.iwa']) if (zip.has(other)) unsupported(other);
  const ct = contentTypes(zip);
  const wbXml = zip.text(ct.workbook) ?? unsupported('workbook part missing');
  const root = /<workbook\b[^>]*>/.exec(wbXml);
  if (!root || attributes(root[0]).xmlns !== NS_MAIN) unsupported('workbook namespace');
  const rels = workbookRelationships(zip) ?? unsupported('no workbook relationships');
  const strs = sharedStrings(zip, ct.sst);
  const st = styles(zip, ct.styles);
  const sheets: Sheet[] = [];
  for (const { name, state, rel, path } of workbookSheets(zip, wbXml, rels)) {
    if (!rel) unsupported(`sheet ${name} without relationship`);
    if (rel.type !== WORKSHEET_REL) unsupported(`sheet ${name} of type ${rel.type}`);
    if (!path) unsupported(`sheet part of ${name} missing`);
    const sheetRels = zip.text(relsPathOf(path));
    if (sheetRels !== null && /comments|threadedComment/i.test(sheetRels)) unsupported('comments');
    const xml = zip.text(path)!;
    const p = parseSheet(xml, strs, st, limits);
    const merges = p.merges
      .filter((mg) => mg.s.r < limits.maxRows && mg.s.c < limits.maxCols)
      .map((mg) => ({ s: { ...mg.s }, e: { r: Math.min(mg.e.r, limits.maxRows - 1), c: Math.min(mg.e.c, limits.maxCols - 1) } }));
    const sheet = makeSheet(name, p.rows, merges, undefined, state === 'hidden' || state === 'veryHidden', concealedIn(xml, limits));
    const uncached = formulasWithoutValue(xml);
    sheets.push(uncached.size ? { ...sheet, uncached } : sheet);
  }
  if (!sheets.length) unsupported('no sheets');
  return sheets;
}

export function isFastPathMiss(err: unknown): boolean {
  return err instanceof OoxmlUnsupported || err instanceof ZipUnsupported;
}
