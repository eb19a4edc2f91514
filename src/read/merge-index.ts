/**
 * Finding the merge that covers a cell, in time that does not grow with the merges' area. A sheet's merges used to
 * be indexed by every cell they cover: 20,000 whole-sheet merges in a 63 KB file made that billions of steps.
 */
import type { Range } from './grid.js';

/** More merges than any form or ledger has; a sheet beyond it is hostile, and its further merges are ignored. */
export const MAX_MERGES = 20_000;

export interface MergeIndex {
  /** The merges kept, in the file's order: within the sheet's extent, more than one cell, none overlapping. */
  kept: Range[];
  at(r: number, c: number): Range | undefined;
}

/**
 * Indexes merges by column: in each column the kept merges are disjoint row intervals sorted by their top row, so a
 * lookup is a binary search. A merge that overlaps one kept before it in the file's order is dropped, as Excel itself
 * refuses overlapping merges: the check is a binary search in each column the merge spans, so 20,000 whole-sheet
 * merges cost a few million steps, not the billions of covered cells.
 */
export function indexMerges(merges: readonly Range[], rowCount: number, colCount: number): MergeIndex {
  const columns: Range[][] = Array.from({ length: colCount }, () => []);
  const kept: Range[] = [];
  let seen = 0;
  for (const m of merges) {
    if (seen++ >= MAX_MERGES) break;
    if (m.s.r >= rowCount || m.s.c >= colCount || m.e.r < m.s.r || m.e.c < m.s.c) continue;
    const e = { r: Math.min(m.e.r, rowCount - 1), c: Math.min(m.e.c, colCount - 1) };
    if (e.r === m.s.r && e.c === m.s.c) continue;
    const merge: Range = { s: { r: m.s.r, c: m.s.c }, e };
    const at: number[] = [];
    for (let c = merge.s.c; c <= e.c; c++) {
      const list = columns[c]!;
      const i = firstBelow(list, merge.s.r);
      // the merge before it in this column must end above it, the one after must start below it
      if ((i > 0 && list[i - 1]!.e.r >= merge.s.r) || (i < list.length && list[i]!.s.r <= e.r)) break;
      at.push(i);
    }
    if (at.length !== e.c - merge.s.c + 1) continue;
    for (let c = merge.s.c; c <= e.c; c++) columns[c]!.splice(at[c - merge.s.c]!, 0, merge);
    kept.push(merge);
  }
  return {
    kept,
    at(r, c) {
      const list = columns[c];
      if (!list?.length) return undefined;
      const i = firstBelow(list, r + 1) - 1;
      const m = i >= 0 ? list[i]! : undefined;
      return m && r <= m.e.r ? m : undefined;
    },
  };
}

/** The index of the first merge in `list` (sorted by top row) whose top row is at or below `row`. */
function firstBelow(list: readonly Range[], row: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.s.r < row) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
