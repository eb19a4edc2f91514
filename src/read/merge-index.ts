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
 * Indexes merges by column: in each column the kept merges are disjoint row intervals, sorted by their top row, so a
 * lookup is a binary search. Merges are taken in order of their top row (then the file's), and one that overlaps a
 * merge already taken is dropped, as Excel itself refuses overlapping merges: in one column only the last merge
 * taken can overlap a new one, so the check is one comparison per column the merge spans.
 */
export function indexMerges(merges: readonly Range[], rowCount: number, colCount: number): MergeIndex {
  const clamped: { m: Range; order: number }[] = [];
  for (const m of merges) {
    if (clamped.length >= MAX_MERGES) break;
    if (m.s.r >= rowCount || m.s.c >= colCount || m.e.r < m.s.r || m.e.c < m.s.c) continue;
    const e = { r: Math.min(m.e.r, rowCount - 1), c: Math.min(m.e.c, colCount - 1) };
    if (e.r === m.s.r && e.c === m.s.c) continue;
    clamped.push({ m: { s: { r: m.s.r, c: m.s.c }, e }, order: clamped.length });
  }
  clamped.sort((a, b) => a.m.s.r - b.m.s.r || a.order - b.order);
  const columns: Range[][] = Array.from({ length: colCount }, () => []);
  const keptOrder: { m: Range; order: number }[] = [];
  for (const x of clamped) {
    const { s, e } = x.m;
    let free = true;
    for (let c = s.c; c <= e.c && free; c++) {
      const last = columns[c]!.at(-1);
      if (last && last.e.r >= s.r) free = false;
    }
    if (!free) continue;
    for (let c = s.c; c <= e.c; c++) columns[c]!.push(x.m);
    keptOrder.push(x);
  }
  keptOrder.sort((a, b) => a.order - b.order);
  return {
    kept: keptOrder.map((x) => x.m),
    at(r, c) {
      const list = columns[c];
      if (!list?.length) return undefined;
      let lo = 0;
      let hi = list.length - 1;
      // the last merge whose top row is at or above r
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (list[mid]!.s.r <= r) lo = mid;
        else hi = mid - 1;
      }
      const m = list[lo]!;
      return m.s.r <= r && r <= m.e.r ? m : undefined;
    },
  };
}
