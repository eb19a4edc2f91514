import { describe, expect, it } from 'vitest';
import { compareFindings, sortFindings } from '../../src/report/index.js';
import { finding, shuffled } from './helpers.js';

describe('sortFindings', () => {
  it('orders cells by row, then column, with null first', () => {
    const cells = ['A10', 'B2', 'A2', null, 'AA2', 'Z2', 'B1'];
    const sorted = sortFindings(cells.map((cell) => finding({ cell }))).map((f) => f.cell);
    expect(sorted).toEqual([null, 'B1', 'A2', 'B2', 'Z2', 'AA2', 'A10']);
  });

  it('orders by file, then sheet (null first), then cell, rule, message', () => {
    const fs = [
      finding({ file: 'b.xlsx', sheet: 'S', cell: 'A1' }),
      finding({ file: 'a.xlsx', sheet: 'S', cell: 'A2', rule: 'fund.sum' }),
      finding({ file: 'a.xlsx', sheet: 'S', cell: 'A2', rule: 'fund.rate', message: 'z' }),
      finding({ file: 'a.xlsx', sheet: 'S', cell: 'A2', rule: 'fund.rate', message: 'a' }),
      finding({ file: 'a.xlsx', sheet: null, cell: null, rule: 'file.unrecognized' }),
      finding({ file: 'a.xlsx', sheet: 'R', cell: 'Z99' }),
    ];
    const order = sortFindings(fs).map((f) => `${f.file}|${f.sheet}|${f.cell}|${f.rule}|${f.message}`);
    expect(order).toEqual([
      'a.xlsx|null|null|file.unrecognized|执行率应为 95.64%（6.695 ÷ 7），表中为 96.54%',
      'a.xlsx|R|Z99|fund.rate|执行率应为 95.64%（6.695 ÷ 7），表中为 96.54%',
      'a.xlsx|S|A2|fund.rate|a',
      'a.xlsx|S|A2|fund.rate|z',
      'a.xlsx|S|A2|fund.sum|执行率应为 95.64%（6.695 ÷ 7），表中为 96.54%',
      'b.xlsx|S|A1|fund.rate|执行率应为 95.64%（6.695 ÷ 7），表中为 96.54%',
    ]);
  });

  it('compares code units, not locale (uppercase before lowercase, 政 by code point)', () => {
    const sorted = sortFindings([finding({ file: 'b' }), finding({ file: 'B' }), finding({ file: '政' }), finding({ file: 'a' })]);
    expect(sorted.map((f) => f.file)).toEqual(['B', 'a', 'b', '政']);
  });

  it('returns a new array and is a total order (same result for any input order)', () => {
    const fs = [
      finding({ cell: 'C3', expected: null }),
      finding({ cell: 'C3', expected: '1' }),
      finding({ cell: 'C3', expected: '1', actual: '2' }),
      finding({ cell: 'C3', severity: 'warning' }),
      finding({ cell: 'C3', project: null }),
    ];
    const once = sortFindings(fs);
    expect(once).not.toBe(fs);
    for (let seed = 1; seed < 20; seed++) expect(sortFindings(shuffled(fs, seed))).toEqual(once);
    expect(compareFindings(finding(), finding())).toBe(0);
  });
});
