import type { Cell, Sheet } from '../read/index.js';
import { normLabel } from '../model/text.js';

export type MatchMode = 'exact' | 'prefix' | 'contains';

const TRAILING_PAREN = /\([^()]*\)$/;

/** Both sides already passed through normLabel. */
function matchesNorm(cell: string, want: string, mode: MatchMode): boolean {
  if (!cell) return false;
  if (mode === 'contains') return cell.includes(want);
  if (mode === 'prefix') return cell.startsWith(want);
  return cell === want || cell.replace(TRAILING_PAREN, '') === want;
}

export function labelMatches(cellText: string, label: string, mode: MatchMode = 'exact'): boolean {
  return matchesNorm(normLabel(cellText), normLabel(label), mode);
}

interface Entry {
  cell: Cell;
  norm: string;
}

/** Every text cell of a sheet in reading order with its normalised label, built once per sheet. */
export class LabelIndex {
  private readonly entries: Entry[] = [];

  constructor(readonly sheet: Sheet) {
    for (let r = 0; r < sheet.rowCount; r++)
      for (let c = 0; c < sheet.colCount; c++) {
        const cell = sheet.own(r, c);
        if (cell && typeof cell.raw === 'string' && cell.text.trim() !== '') this.entries.push({ cell, norm: normLabel(cell.text) });
      }
  }

  /** The first cell matching any of the labels, trying the labels in the order given. */
  find(labels: readonly string[], mode: MatchMode = 'exact', where?: (c: Cell) => boolean): Cell | undefined {
    for (const label of labels) {
      const want = normLabel(label);
      const hit = this.entries.find((e) => matchesNorm(e.norm, want, mode) && (!where || where(e.cell)));
      if (hit) return hit.cell;
    }
    return undefined;
  }

  /** Whether a cell's text is one of the labels (used to stop a value scan at the next label). */
  isLabel(cell: Cell, labels: readonly string[]): boolean {
    const norm = normLabel(cell.text);
    return labels.some((l) => matchesNorm(norm, normLabel(l), 'exact'));
  }
}
