import { describe, expect, it } from 'vitest';
import { capFindings, fairCap, findingKey, keepMostSevere } from '../../src/rules/index.js';
import { clip } from '../../src/text/index.js';
import { finding } from '../report/helpers.js';

describe('clip', () => {
  it('keeps short text as it is and cuts long text to 200 characters and …', () => {
    expect(clip('网格员')).toBe('网格员');
    expect(clip('长'.repeat(200))).toBe('长'.repeat(200));
    expect(clip('长'.repeat(201))).toBe(`${'长'.repeat(200)}…`);
  });
  it('never splits a surrogate pair', () => {
    const out = clip(`a${'𠀀'.repeat(150)}`);
    expect(out).toBe(`a${'𠀀'.repeat(99)}…`);
    expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out);
  });
});

describe('findingKey', () => {
  it('keeps a long key’s start and a digest of the whole: stable, distinct, bounded', () => {
    const a = findingKey(`007|007001|${'长'.repeat(10_000)}`, 'fund.rate', '资金|资金总额|执行率');
    const b = findingKey(`007|007001|${'长'.repeat(10_001)}`, 'fund.rate', '资金|资金总额|执行率');
    expect(a.length).toBeLessThanOrEqual(400);
    expect(a).not.toBe(b);
    expect(findingKey(`007|007001|${'长'.repeat(10_000)}`, 'fund.rate', '资金|资金总额|执行率')).toBe(a);
  });
});

describe('keepMostSevere and capFindings', () => {
  const many = [
    ...Array.from({ length: 5 }, (_, i) => finding({ severity: 'info', cell: `A${i + 1}` })),
    ...Array.from({ length: 3 }, (_, i) => finding({ severity: 'error', cell: `B${i + 1}` })),
    ...Array.from({ length: 4 }, (_, i) => finding({ severity: 'warning', cell: `C${i + 1}` })),
  ];

  it('keeps the most severe, in their own order', () => {
    const { kept, omitted } = keepMostSevere(many, 5);
    expect(kept.map((f) => f.cell)).toEqual(['B1', 'B2', 'B3', 'C1', 'C2']);
    expect(omitted).toBe(7);
  });

  it('adds one file.too-many-findings per capped file, counting what a reader process left out too', () => {
    const other = finding({ file: '公安局/a.xlsx', cell: 'D1' });
    const out = capFindings([...many, other], 5, undefined, new Map([['政法委/2022.xlsx', 100]]));
    const note = out.filter((f) => f.rule === 'file.too-many-findings');
    expect(note).toHaveLength(1);
    expect(note[0]).toMatchObject({
      file: '政法委/2022.xlsx',
      severity: 'warning',
      cell: null,
      sheet: null,
      department: '政法委',
      message: '本文件发现的问题过多（共 112 条），只列出其中最严重的 5 条，其余 107 条未列出；请先改正已列出的问题，重新报送后再审核',
    });
    expect(out.filter((f) => f.file === '公安局/a.xlsx')).toEqual([other]);
    expect(out).toHaveLength(5 + 1 + 1);
  });

  it('leaves files within the cap alone', () => {
    expect(capFindings(many, 12)).toEqual(many);
  });
});

describe('fairCap', () => {
  it('lets small files keep everything and shares the rest alike', () => {
    expect(fairCap([10, 20, 1000, 5000], 1030)).toBe(500);
    expect(fairCap([10, 20], 1000)).toBe(Number.POSITIVE_INFINITY);
    expect(fairCap([3000, 3000, 3000], 3000)).toBe(1000);
  });
});
