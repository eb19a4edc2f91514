/**
 * Writes .xlsx workbooks from rows of cells: the correction lists, the summary, and the annotated copies of
 * submissions that are not .xlsx packages (.xls, .csv). SpreadsheetML written directly, on Node's zlib: SheetJS's
 * writer is several times slower for these small books and cannot write a bold header or a frozen row.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  CT_COMMENTS,
  CT_VML,
  type CellNote,
  NS_MAIN,
  NS_PKG_REL,
  NS_REL,
  XML_HEAD,
  type ZipOut,
  commentsXml,
  escapeXml,
  noteRelationships,
  textElement,
  vmlXml,
  writeZip,
} from '../ooxml/index.js';
import { type Range, colName, rangeRef } from '../read/index.js';
import { ensureDir } from './safety.js';
import type { Severity } from '../rules/index.js';
import { SEVERITY_FILL } from './highlight.js';

/** The highlight fills, after the three fixed ones (none, gray125, the header's tint). */
const FILL_ORDER: Severity[] = ['error', 'warning', 'info'];

export type CellValue = string | number | boolean;

export interface WriteCell {
  v: CellValue;
  /** An Excel number format (`0.00%`); General when absent. */
  fmt?: string | undefined;
  /** A highlight by severity (an annotated copy's cells with findings). */
  fill?: Severity | undefined;
}

export interface WriteSheet {
  name: string;
  /** Sparse rows of cells; a bare value is a cell without a format. */
  rows: (WriteCell | CellValue | undefined)[][];
  merges?: Range[] | undefined;
  /** Column widths in characters; undefined entries keep Excel's default. */
  widths?: (number | undefined)[] | undefined;
  notes?: { r: number; c: number; text: string }[] | undefined;
  /** Row 1 is a header: bold on a tinted fill, frozen, with a filter; long texts below it wrap. */
  header?: boolean | undefined;
  /**
   * The header's row when a heading stands above it (a correction list's 主管部门, 审核日期…): the rows above are
   * the heading, their first cells bold.
   */
  headerRow?: number | undefined;
}

// Number formats Excel knows by id (ECMA-376 18.8.30); any other is written into the styles part.
const BUILTIN_FORMATS: Record<string, number> = {
  General: 0,
  '0': 1,
  '0.00': 2,
  '#,##0': 3,
  '#,##0.00': 4,
  '0%': 9,
  '0.00%': 10,
  '0.00E+00': 11,
  '# ?/?': 12,
  '# ??/??': 13,
  'm/d/yy': 14,
  'd-mmm-yy': 15,
  'd-mmm': 16,
  'mmm-yy': 17,
  'h:mm AM/PM': 18,
  'h:mm:ss AM/PM': 19,
  'h:mm': 20,
  'h:mm:ss': 21,
  'm/d/yy h:mm': 22,
  '#,##0 ;(#,##0)': 37,
  '#,##0 ;[Red](#,##0)': 38,
  '#,##0.00;(#,##0.00)': 39,
  '#,##0.00;[Red](#,##0.00)': 40,
  'mm:ss': 45,
  '[h]:mm:ss': 46,
  'mmss.0': 47,
  '##0.0E+0': 48,
  '@': 49,
};

/** Cell styles: 0 plain, 1 header, 2 wrapped text, 3 bold; then one per number format in use. */
const XF_HEADER = 1;
const XF_WRAP = 2;
const XF_BOLD = 3;
const FIXED_XF_COUNT = 4;
const FIXED_XFS =
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>';
/** Wider than this (in characters), a header sheet's text wraps instead of growing its column. */
const WRAP_WIDTH = 60;

class Styles {
  private readonly formats = new Map<string, number>();
  private readonly custom: [number, string][] = [];
  private readonly xfs = new Map<string, number>();

  /** The style index of a cell with this number format, and this highlight. */
  forFormat(fmt: string | undefined, fill?: Severity): number {
    if ((fmt === undefined || fmt === 'General') && !fill) return 0;
    let id = fmt === undefined || fmt === 'General' ? 0 : (BUILTIN_FORMATS[fmt] ?? this.formats.get(fmt));
    if (id === undefined) {
      id = 164 + this.custom.length;
      this.formats.set(fmt!, id);
      this.custom.push([id, fmt!]);
    }
    const key = `${id}|${fill ?? ''}`;
    let xf = this.xfs.get(key);
    if (xf === undefined) this.xfs.set(key, (xf = FIXED_XF_COUNT + this.xfs.size));
    return xf;
  }

  xml(): string {
    const numFmts = this.custom.length
      ? `<numFmts count="${this.custom.length}">${this.custom.map(([id, code]) => `<numFmt numFmtId="${id}" formatCode="${escapeXml(code)}"/>`).join('')}</numFmts>`
      : '';
    const formatXfs = [...this.xfs.keys()]
      .map((key) => {
        const [id, fill] = key.split('|');
        const fillAttr = fill ? ` fillId="${3 + FILL_ORDER.indexOf(fill as Severity)}" applyFill="1"` : ' fillId="0"';
        return `<xf numFmtId="${id}" fontId="0"${fillAttr} borderId="0" xfId="0" applyNumberFormat="1"/>`;
      })
      .join('');
    const font = (bold: boolean) => `<font>${bold ? '<b/>' : ''}<sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/><scheme val="minor"/></font>`;
    const thin = '<left style="thin"><color rgb="FFBFBFBF"/></left><right style="thin"><color rgb="FFBFBFBF"/></right><top style="thin"><color rgb="FFBFBFBF"/></top><bottom style="thin"><color rgb="FFBFBFBF"/></bottom><diagonal/>';
    return (
      `${XML_HEAD}<styleSheet xmlns="${NS_MAIN}">${numFmts}` +
      `<fonts count="2">${font(false)}${font(true)}</fonts>` +
      `<fills count="${3 + FILL_ORDER.length}"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>${FILL_ORDER.map((f) => `<fill><patternFill patternType="solid"><fgColor rgb="${SEVERITY_FILL[f]}"/><bgColor indexed="64"/></patternFill></fill>`).join('')}</fills>` +
      `<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>${thin}</border></borders>` +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${FIXED_XF_COUNT + this.xfs.size}">${FIXED_XFS}${formatXfs}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    );
  }
}

class SharedStrings {
  private readonly index = new Map<string, number>();
  private readonly list: string[] = [];
  count = 0;

  id(text: string): number {
    this.count++;
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.list.length;
      this.index.set(text, i);
      this.list.push(text);
    }
    return i;
  }

  xml(): string {
    return `${XML_HEAD}<sst xmlns="${NS_MAIN}" count="${this.count}" uniqueCount="${this.list.length}">${this.list.map((s) => `<si>${textElement(s)}</si>`).join('')}</sst>`;
  }
}

/** Display width of text in Excel character units: CJK and full-width characters count as two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    w += cp >= 0x1100 && (cp <= 0x115f || cp >= 0x2e80) ? 2 : 1;
  }
  return w;
}

/** Column widths fitted to the longest line of each column, between `min` and `max` characters. */
export function fitWidths(rows: readonly (readonly (CellValue | WriteCell | undefined)[])[], min = 6, max = WRAP_WIDTH): number[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, c) => {
      if (cell === undefined) return;
      const v = typeof cell === 'object' ? cell.v : cell;
      let longest = 0;
      for (const line of String(v).split(/\r?\n/)) longest = Math.max(longest, displayWidth(line));
      widths[c] = Math.max(widths[c] ?? 0, longest);
    });
  return Array.from(widths, (w) => Math.min(max, Math.max(min, (w ?? 0) + 2)));
}

function sheetXml(ws: WriteSheet, styles: Styles, strings: SharedStrings, first: boolean, withNotes: boolean): string {
  const h = ws.headerRow ?? 0;
  let maxR = -1;
  let maxC = -1;
  const body: string[] = [];
  ws.rows.forEach((row, r) => {
    if (!row) return;
    const cells: string[] = [];
    row.forEach((cell, c) => {
      if (cell === undefined || cell === null) return;
      const { v, fmt, fill } = typeof cell === 'object' ? cell : { v: cell, fmt: undefined, fill: undefined };
      let s = styles.forFormat(fmt, fill);
      if (ws.header && r === h) s = XF_HEADER;
      else if (ws.header && r < h && c === 0) s = XF_BOLD;
      else if (ws.header && r > h && s === 0 && typeof v === 'string' && (v.includes('\n') || displayWidth(v) > WRAP_WIDTH)) s = XF_WRAP;
      const ref = `${colName(c)}${r + 1}`;
      const sAttr = s ? ` s="${s}"` : '';
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) return;
        cells.push(`<c r="${ref}"${sAttr}><v>${v}</v></c>`);
      } else if (typeof v === 'boolean') cells.push(`<c r="${ref}"${sAttr} t="b"><v>${v ? 1 : 0}</v></c>`);
      else if (v === '' && !s) return;
      else if (v === '') cells.push(`<c r="${ref}"${sAttr}/>`);
      else cells.push(`<c r="${ref}"${sAttr} t="s"><v>${strings.id(v)}</v></c>`);
      if (c > maxC) maxC = c;
      if (r > maxR) maxR = r;
    });
    if (cells.length) body.push(`<row r="${r + 1}">${cells.join('')}</row>`);
  });
  for (const m of ws.merges ?? []) {
    maxR = Math.max(maxR, m.e.r);
    maxC = Math.max(maxC, m.e.c);
  }
  for (const n of ws.notes ?? []) {
    maxR = Math.max(maxR, n.r);
    maxC = Math.max(maxC, n.c);
  }
  const extent = maxR < 0 ? 'A1' : rangeRef({ s: { r: 0, c: 0 }, e: { r: maxR, c: Math.max(0, maxC) } });
  const pane = ws.header ? `<pane ySplit="${h + 1}" topLeftCell="A${h + 2}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A${h + 2}" sqref="A${h + 2}"/>` : '';
  const view = `<sheetViews><sheetView workbookViewId="0"${first ? ' tabSelected="1"' : ''}>${pane}</sheetView></sheetViews>`;
  const widths = ws.widths ?? [];
  const cols = widths.some((w) => w !== undefined)
    ? `<cols>${widths
        .map((w, c) => (w === undefined ? '' : `<col min="${c + 1}" max="${c + 1}" width="${Math.round(w * 100) / 100}" customWidth="1"/>`))
        .join('')}</cols>`
    : '';
  const filter = ws.header && maxR > h ? `<autoFilter ref="${rangeRef({ s: { r: h, c: 0 }, e: { r: maxR, c: Math.max(0, maxC) } })}"/>` : '';
  const merges = ws.merges?.length ? `<mergeCells count="${ws.merges.length}">${ws.merges.map((m) => `<mergeCell ref="${rangeRef(m)}"/>`).join('')}</mergeCells>` : '';
  const margins = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>';
  const legacy = withNotes ? '<legacyDrawing r:id="rId1"/>' : '';
  return `${XML_HEAD}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><dimension ref="${extent}"/>${view}<sheetFormatPr defaultRowHeight="14.25"/>${cols}<sheetData>${body.join('')}</sheetData>${filter}${merges}${margins}${legacy}</worksheet>`;
}

/** The workbook as .xlsx bytes. Same sheets, same bytes: nothing in the package depends on the time. */
export function xlsxBuffer(sheets: WriteSheet[]): Buffer {
  if (sheets.length === 0) throw new Error('xlsxBuffer: a workbook needs a sheet');
  const styles = new Styles();
  const strings = new SharedStrings();
  const parts: ZipOut[] = [];
  const overrides: string[] = [];
  const workbookRels: string[] = [];
  const sheetEntries: string[] = [];
  let anyNotes = false;
  const filters: string[] = [];
  sheets.forEach((ws, i) => {
    const n = i + 1;
    const notes: CellNote[] = (ws.notes ?? []).map((x) => ({ ...x, ref: `${colName(x.c)}${x.r + 1}` })).sort((a, b) => a.r - b.r || a.c - b.c);
    const sheetPath = `xl/worksheets/sheet${n}.xml`;
    parts.push({ name: sheetPath, data: Buffer.from(sheetXml(ws, styles, strings, i === 0, notes.length > 0)) });
    overrides.push(`<Override PartName="/${sheetPath}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`);
    workbookRels.push(`<Relationship Id="rId${n}" Type="${NS_REL}/worksheet" Target="worksheets/sheet${n}.xml"/>`);
    sheetEntries.push(`<sheet name="${escapeXml(ws.name)}" sheetId="${n}" r:id="rId${n}"/>`);
    const h = ws.headerRow ?? 0;
    if (ws.header && ws.rows.length > h + 1) {
      const cols = Math.max(1, ...ws.rows.slice(h).map((r) => r?.length ?? 0));
      filters.push(`<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">'${ws.name.replace(/'/g, "''")}'!$A$${h + 1}:$${colName(cols - 1)}$${ws.rows.length}</definedName>`);
    }
    if (notes.length) {
      anyNotes = true;
      parts.push({ name: `xl/worksheets/_rels/sheet${n}.xml.rels`, data: Buffer.from(`${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}">${noteRelationships('rId1', `../drawings/vmlDrawing${n}.vml`, 'rId2', `../comments${n}.xml`)}</Relationships>`) });
      parts.push({ name: `xl/comments${n}.xml`, data: Buffer.from(commentsXml(notes)) });
      parts.push({ name: `xl/drawings/vmlDrawing${n}.vml`, data: Buffer.from(vmlXml(notes, n)) });
      overrides.push(`<Override PartName="/xl/comments${n}.xml" ContentType="${CT_COMMENTS}"/>`);
    }
  });
  const k = sheets.length;
  workbookRels.push(`<Relationship Id="rId${k + 1}" Type="${NS_REL}/styles" Target="styles.xml"/>`);
  workbookRels.push(`<Relationship Id="rId${k + 2}" Type="${NS_REL}/sharedStrings" Target="sharedStrings.xml"/>`);
  const names = filters.length ? `<definedNames>${filters.join('')}</definedNames>` : '';
  const head: ZipOut[] = [
    {
      name: '[Content_Types].xml',
      data: Buffer.from(
        `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${anyNotes ? `<Default Extension="vml" ContentType="${CT_VML}"/>` : ''}<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>${overrides.join('')}</Types>`,
      ),
    },
    { name: '_rels/.rels', data: Buffer.from(`${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}"><Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`) },
    {
      name: 'xl/workbook.xml',
      data: Buffer.from(`${XML_HEAD}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}"><bookViews><workbookView/></bookViews><sheets>${sheetEntries.join('')}</sheets>${names}</workbook>`),
    },
    { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from(`${XML_HEAD}<Relationships xmlns="${NS_PKG_REL}">${workbookRels.join('')}</Relationships>`) },
  ];
  // Styles and strings last in the loop above are complete only now.
  const tail: ZipOut[] = [
    { name: 'xl/styles.xml', data: Buffer.from(styles.xml()) },
    { name: 'xl/sharedStrings.xml', data: Buffer.from(strings.xml()) },
  ];
  return writeZip([...head, ...parts, ...tail], 1);
}

/** Writes the workbook, creating its folder. */
export function writeXlsxFile(file: string, sheets: WriteSheet[]): void {
  ensureDir(path.dirname(file));
  fs.writeFileSync(file, xlsxBuffer(sheets));
}

/** A sheet of a report: row 1 the header, widths fitted to the content. */
export function reportSheet(name: string, rows: CellValue[][]): WriteSheet {
  return { name, rows, widths: fitWidths(rows), header: true };
}
