import type { Cell, Sheet } from '../read/index.js';
import { fold, normLabel, withoutTrailingNotes } from '../text/index.js';

export type MatchMode = 'exact' | 'prefix' | 'contains';

/**
 * A normalised label, and the same without its trailing notes (`全年预算数(万元)` → `全年预算数`,
 * `全年执行数(B)` → `全年执行数`, `执行率(B/A)` → `执行率`, `执行率%` → `执行率`).
 */
interface Norm {
  norm: string;
  bare: string;
}

function toNorm(text: string): Norm {
  const norm = normLabel(text);
  return { norm, bare: withoutTrailingNotes(norm) };
}

function matchesNorm(cell: Norm, want: string, mode: MatchMode): boolean {
  if (!cell.norm) return false;
  if (mode === 'contains') return cell.norm.includes(want);
  if (mode === 'prefix') return cell.norm.startsWith(want);
  return cell.norm === want || cell.bare === want;
}

export function labelMatches(cellText: string, label: string, mode: MatchMode = 'exact'): boolean {
  return matchesNorm(toNorm(cellText), normLabel(label), mode);
}

interface Entry extends Norm {
  cell: Cell;
  /** The text folded, once: a label is looked for inline in every cell with a colon, and a cell may be 200,000 characters. */
  folded?: string;
}

/** A cell's text as inline labels are looked for in it: folded, or null when it has no colon (no label:value there). */
function inlineText(e: Entry): string | null {
  if (e.folded === undefined) e.folded = /[:：]/.test(e.cell.text) ? fold(e.cell.text) : '';
  return e.folded === '' ? null : e.folded;
}

const inlinePatterns = new Map<string, RegExp>();

/** `项目名称` → /^\s*项\s*目\s*名\s*称\s*[:：]\s*(.+)$/s, folded as cell texts are. */
function inlinePattern(label: string): RegExp {
  let re = inlinePatterns.get(label);
  if (!re) {
    const chars = Array.from(normLabel(label)).map((ch) => ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    inlinePatterns.set(label, (re = new RegExp(`^\\s*${chars.join('\\s*')}\\s*[:：]\\s*(.+)$`, 's')));
  }
  return re;
}

/** The normalised forms of a list of labels, once per list (mappings are loaded once and their lists kept). */
const labelSets = new WeakMap<readonly string[], Set<string>>();

/** The normalised forms of a list of labels, in order, once per list. */
const labelLists = new WeakMap<readonly string[], string[]>();

function normLabels(labels: readonly string[]): string[] {
  let list = labelLists.get(labels);
  if (!list) labelLists.set(labels, (list = labels.map(normLabel)));
  return list;
}

function labelSet(labels: readonly string[]): Set<string> {
  let set = labelSets.get(labels);
  if (!set) labelSets.set(labels, (set = new Set(labels.map(normLabel))));
  return set;
}

/** Every text cell of a sheet in reading order with its normalised label, built once per sheet. */
export class LabelIndex {
  private readonly entries: Entry[] = [];
  private readonly byCell = new Map<Cell, Entry>();
  /** Exact lookups: entries by their label and by their label without a trailing note, in reading order. */
  private readonly byLabel = new Map<string, Entry[]>();

  constructor(readonly sheet: Sheet) {
    for (let r = 0; r < sheet.rowCount; r++)
      for (let c = 0; c < sheet.colCount; c++) {
        const cell = sheet.own(r, c);
        if (cell && typeof cell.raw === 'string' && cell.text.trim() !== '') {
          const e = { cell, ...toNorm(cell.text) };
          this.entries.push(e);
          this.byCell.set(cell, e);
          if (!e.norm) continue;
          this.under(e.norm, e);
          if (e.bare !== e.norm) this.under(e.bare, e);
        }
      }
  }

  private under(key: string, e: Entry): void {
    const list = this.byLabel.get(key);
    if (list) list.push(e);
    else this.byLabel.set(key, [e]);
  }

  /** The first cell matching any of the labels, trying the labels in the order given. */
  find(labels: readonly string[], mode: MatchMode = 'exact', where?: (c: Cell) => boolean): Cell | undefined {
    for (const want of normLabels(labels)) {
      const hit =
        mode === 'exact'
          ? this.byLabel.get(want)?.find((e) => !where || where(e.cell))
          : this.entries.find((e) => matchesNorm(e, want, mode) && (!where || where(e.cell)));
      if (hit) return hit.cell;
    }
    return undefined;
  }

  /** Every text cell, in reading order (those `where` accepts). */
  cells(where?: (c: Cell) => boolean): Cell[] {
    return this.entries.filter((e) => !where || where(e.cell)).map((e) => e.cell);
  }

  /** Every cell matching any of the labels, in reading order, each once. */
  findAll(labels: readonly string[], mode: MatchMode = 'exact', where?: (c: Cell) => boolean): Cell[] {
    const wants = normLabels(labels);
    const hits =
      mode === 'exact'
        ? [...new Set(wants.flatMap((w) => this.byLabel.get(w) ?? []))]
        : this.entries.filter((e) => wants.some((w) => matchesNorm(e, w, mode)));
    return hits
      .filter((e) => !where || where(e.cell))
      .map((e) => e.cell)
      .sort((a, b) => a.r - b.r || a.c - b.c);
  }

  /**
   * A cell that holds a label and its value together, `项目名称：“雪亮工程”建设项目`: the first such cell for any of
   * the labels, with the value's text. The label may be spaced out (`项 目 名 称：`); a colon must follow it.
   */
  findInline(labels: readonly string[], where?: (c: Cell) => boolean): { cell: Cell; value: string } | undefined {
    for (const label of labels) {
      const pattern = inlinePattern(label);
      for (const e of this.entries) {
        const text = inlineText(e);
        if (text === null || (where && !where(e.cell))) continue;
        const m = pattern.exec(text);
        if (m && m[1]!.trim() !== '') return { cell: e.cell, value: m[1]!.trim() };
      }
    }
    return undefined;
  }

  /** The rows holding a label (alone in its cell, or with its value after a colon), top to bottom, each once. */
  rowsOf(label: string): number[] {
    const want = normLabel(label);
    const pattern = inlinePattern(label);
    const rows = new Set<number>();
    for (const e of this.entries) {
      const text = e.norm === want || e.bare === want ? null : inlineText(e);
      if (text === null ? e.norm === want || e.bare === want : pattern.test(text)) rows.add(e.cell.r);
    }
    return [...rows].sort((a, b) => a - b);
  }

  /** Whether a cell's text begins with one of the labels and a colon: `审核人：李四`, `总分：94.85`. */
  startsWithLabel(cell: Cell, labels: readonly string[]): boolean {
    const e = this.byCell.get(cell);
    const text = e ? inlineText(e) : /[:：]/.test(cell.text) ? fold(cell.text) : null;
    return text !== null && labels.some((l) => inlinePattern(l).test(text));
  }

  /** Whether a cell's text is one of the labels (used to stop a value scan at the next label). */
  isLabel(cell: Cell, labels: readonly string[]): boolean {
    const n = this.byCell.get(cell) ?? toNorm(cell.text);
    if (!n.norm) return false;
    const set = labelSet(labels);
    return set.has(n.norm) || set.has(n.bare);
  }
}
