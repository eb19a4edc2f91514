import type { Cell, Sheet } from '../read/index.js';
import { normLabel } from '../model/text.js';

export type MatchMode = 'exact' | 'prefix' | 'contains';

const TRAILING_PAREN = /\([^()]*\)$/;

/** A normalised label, and the same without a trailing bracketed note (`全年预算数(万元)` → `全年预算数`). */
interface Norm {
  norm: string;
  bare: string;
}

function toNorm(text: string): Norm {
  const norm = normLabel(text);
  return { norm, bare: norm.replace(TRAILING_PAREN, '') };
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
}

/** Every text cell of a sheet in reading order with its normalised label, built once per sheet. */
export class LabelIndex {
  private readonly entries: Entry[] = [];
  private readonly byCell = new Map<Cell, Entry>();

  constructor(readonly sheet: Sheet) {
    for (let r = 0; r < sheet.rowCount; r++)
      for (let c = 0; c < sheet.colCount; c++) {
        const cell = sheet.own(r, c);
        if (cell && typeof cell.raw === 'string' && cell.text.trim() !== '') {
          const e = { cell, ...toNorm(cell.text) };
          this.entries.push(e);
          this.byCell.set(cell, e);
        }
      }
  }

  /** The first cell matching any of the labels, trying the labels in the order given. */
  find(labels: readonly string[], mode: MatchMode = 'exact', where?: (c: Cell) => boolean): Cell | undefined {
    for (const label of labels) {
      const want = normLabel(label);
      const hit = this.entries.find((e) => matchesNorm(e, want, mode) && (!where || where(e.cell)));
      if (hit) return hit.cell;
    }
    return undefined;
  }

  /** Whether a cell's text is one of the labels (used to stop a value scan at the next label). */
  isLabel(cell: Cell, labels: readonly string[]): boolean {
    const n = this.byCell.get(cell) ?? toNorm(cell.text);
    return labels.some((l) => matchesNorm(n, normLabel(l), 'exact'));
  }
}
