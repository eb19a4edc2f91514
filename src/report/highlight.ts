/**
 * A fill by severity on every cell a finding names, in the submitted package itself: the annotated copy shows at a
 * glance which cells to correct (red: 错误, amber: 警告, blue: 提示), each keeping the rest of its own style — its
 * number format, font, borders. The styles part gains three fills and, per style and severity in use, a copy of the
 * style with that fill; the sheet's cells point at those copies (a blank cell is written in, empty).
 */
import type { Severity } from '../rules/index.js';

export const SEVERITY_FILL: Record<Severity, string> = { error: 'FFFFC7CE', warning: 'FFFFEB9C', info: 'FFDDEBF7' };
const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The most severe of a cell's findings: its fill. */
export function worstSeverity(list: readonly { severity: Severity }[]): Severity {
  return list.reduce<Severity>((w, f) => (ORDER[f.severity] < ORDER[w] ? f.severity : w), 'info');
}

const FILLS = /<fills\b([^>]*)>([\s\S]*?)<\/fills>/;
const CELL_XFS = /<cellXfs\b([^>]*)>([\s\S]*?)<\/cellXfs>/;
const XF = /<xf\b[^>]*?(?:\/>|>[\s\S]*?<\/xf>)/g;

/** The styles part, with the fills and styles the highlights need added as they are asked for. */
export class HighlightStyles {
  private readonly fills: string[];
  private readonly xfs: string[];
  private readonly made = new Map<string, number>();
  private readonly fillIds = new Map<Severity, number>();

  private constructor(
    private readonly source: string,
    fills: string[],
    xfs: string[],
  ) {
    this.fills = fills;
    this.xfs = xfs;
  }

  /** null for a styles part this cannot follow (prefixed elements, no cellXfs): the copy then has comments only. */
  static parse(xml: string): HighlightStyles | null {
    const fills = FILLS.exec(xml);
    const xfs = CELL_XFS.exec(xml);
    if (!fills || !xfs) return null;
    const xfList = xfs[2]!.match(XF) ?? [];
    if (!xfList.length) return null;
    return new HighlightStyles(xml, fills[2]!.match(/<fill\b[\s\S]*?<\/fill>|<fill\b[^>]*\/>/g) ?? [], xfList);
  }

  /** The style of a cell of style `base` highlighted for `severity`. */
  styleFor(base: number, severity: Severity): number {
    const key = `${base}|${severity}`;
    let id = this.made.get(key);
    if (id !== undefined) return id;
    let fill = this.fillIds.get(severity);
    if (fill === undefined) {
      fill = this.fills.length;
      this.fills.push(`<fill><patternFill patternType="solid"><fgColor rgb="${SEVERITY_FILL[severity]}"/><bgColor indexed="64"/></patternFill></fill>`);
      this.fillIds.set(severity, fill);
    }
    const from = this.xfs[base] ?? this.xfs[0]!;
    const open = /^<xf\b[^>]*?(\/?)>/.exec(from)![0];
    let head = /\bfillId\s*=\s*["'][^"']*["']/.test(open) ? open.replace(/\bfillId\s*=\s*["'][^"']*["']/, `fillId="${fill}"`) : open.replace(/^<xf\b/, `<xf fillId="${fill}"`);
    head = /\bapplyFill\s*=/.test(head) ? head.replace(/\bapplyFill\s*=\s*["'][^"']*["']/, 'applyFill="1"') : head.replace(/^<xf\b/, '<xf applyFill="1"');
    id = this.xfs.length;
    this.xfs.push(head + from.slice(open.length));
    this.made.set(key, id);
    return id;
  }

  xml(): string {
    return this.source
      .replace(FILLS, (_m, attrs: string) => `<fills${attrs.replace(/\bcount\s*=\s*["'][^"']*["']/, `count="${this.fills.length}"`)}>${this.fills.join('')}</fills>`)
      .replace(CELL_XFS, (_m, attrs: string) => `<cellXfs${attrs.replace(/\bcount\s*=\s*["'][^"']*["']/, `count="${this.xfs.length}"`)}>${this.xfs.join('')}</cellXfs>`);
  }
}

const COL = (ref: string) => {
  let n = 0;
  for (const ch of /^[A-Z]+/.exec(ref)![0]) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
};

/**
 * The sheet's XML with each cell given its highlighted style: a cell that is there keeps its value and takes the
 * style; one that is not (a required field left blank) is written in empty, in its row and column order. null for a
 * sheet this cannot follow (prefixed elements).
 */
export function highlightCells(xml: string, cells: readonly { ref: string; r: number; severity: Severity }[], styles: HighlightStyles): string | null {
  if (/<\w+:sheetData\b/.test(xml)) return null;
  let out = xml;
  if (/<sheetData\b[^>]*\/>/.test(out)) out = out.replace(/<sheetData\b([^>]*)\/>/, '<sheetData$1></sheetData>');
  const byRow = new Map<number, { ref: string; severity: Severity }[]>();
  for (const c of cells) (byRow.get(c.r + 1) ?? byRow.set(c.r + 1, []).get(c.r + 1)!).push(c);
  for (const [rowNo, list] of [...byRow].sort((a, b) => a[0] - b[0])) {
    const rowRe = new RegExp(`<row\\b[^>]*?\\br\\s*=\\s*["']${rowNo}["'][^>]*?(?:/>|>[\\s\\S]*?</row>)`);
    const found = rowRe.exec(out);
    let row = found ? found[0] : `<row r="${rowNo}"></row>`;
    if (row.endsWith('/>')) row = `${row.slice(0, -2)}></row>`;
    for (const { ref, severity } of list) {
      const cellRe = new RegExp(`<c\\b([^>]*?\\br\\s*=\\s*["']${ref}["'][^>]*?)(/?)>`);
      const cell = cellRe.exec(row);
      if (cell) {
        const attrs = cell[1]!;
        const base = Number(/\bs\s*=\s*["'](\d+)["']/.exec(attrs)?.[1] ?? 0);
        const s = styles.styleFor(base, severity);
        const next = /\bs\s*=\s*["']\d+["']/.test(attrs) ? attrs.replace(/\bs\s*=\s*["']\d+["']/, `s="${s}"`) : `${attrs} s="${s}"`;
        row = `${row.slice(0, cell.index)}<c${next}${cell[2]}>${row.slice(cell.index + cell[0].length)}`;
        continue;
      }
      // Not there: written in before the first cell further right, else at the row's end.
      const s = styles.styleFor(0, severity);
      const col = COL(ref);
      let at = row.lastIndexOf('</row>');
      for (const m of row.matchAll(/<c\b[^>]*?\br\s*=\s*["']([A-Z]+)\d+["']/g))
        if (COL(m[1]!) > col) {
          at = m.index;
          break;
        }
      row = `${row.slice(0, at)}<c r="${ref}" s="${s}"/>${row.slice(at)}`;
    }
    if (found) {
      out = out.slice(0, found.index) + row + out.slice(found.index + found[0].length);
      continue;
    }
    // A row that was not there goes before the first row below it.
    let at = out.indexOf('</sheetData>');
    for (const m of out.matchAll(/<row\b[^>]*?\br\s*=\s*["'](\d+)["']/g))
      if (Number(m[1]) > rowNo) {
        at = m.index;
        break;
      }
    if (at < 0) return null;
    out = out.slice(0, at) + row + out.slice(at);
  }
  return out;
}
