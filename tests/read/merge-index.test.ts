import { describe, expect, it } from 'vitest';
import { indexMerges } from '../../src/read/merge-index.js';
import { type Range, parseA1 } from '../../src/read/index.js';

function parseRange(ref: string): Range {
  const [s, e] = ref.split(':') as [string, string];
  return { s: parseA1(s), e: parseA1(e) };
}
const ranges = (...refs: string[]): Range[] => refs.map(parseRange);

describe('indexMerges', () => {
  it('finds the merge covering a cell, and none outside every merge', () => {
    const ix = indexMerges(ranges('A1:C1', 'B3:B6', 'D2:E4'), 10, 10);
    expect(ix.at(0, 2)).toEqual(parseRange('A1:C1'));
    expect(ix.at(4, 1)).toEqual(parseRange('B3:B6'));
    expect(ix.at(3, 4)).toEqual(parseRange('D2:E4'));
    expect(ix.at(1, 1)).toBeUndefined();
    expect(ix.at(6, 1)).toBeUndefined();
    expect(ix.at(0, 3)).toBeUndefined();
  });

  it('keeps the first of overlapping merges, as listed, and drops the later ones (Excel refuses overlaps)', () => {
    const ix = indexMerges(ranges('B2:D4', 'A1:C2', 'C4:E5', 'A6:B6'), 10, 10);
    expect(ix.kept).toEqual(ranges('B2:D4', 'A6:B6'));
    expect(ix.at(0, 0)).toBeUndefined();
    expect(ix.at(3, 3)).toEqual(parseRange('B2:D4'));
  });

  it('clamps merges to the sheet, and drops those outside it or of one cell', () => {
    const ix = indexMerges(ranges('A1:Z100', 'A20:B21', 'C3:C3'), 5, 4);
    expect(ix.kept).toEqual(ranges('A1:D5'));
  });

  it('20,000 overlapping whole-sheet merges: one kept, every lookup answered', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({ s: { r: i % 4000, c: 0 }, e: { r: (i % 4000) + 999, c: 199 } }));
    const ix = indexMerges(many, 5000, 200);
    expect(ix.kept).toHaveLength(4);
    expect(ix.at(4999, 199)).toBeUndefined();
    expect(ix.at(999, 199)).toEqual(many[0]);
  });
});
