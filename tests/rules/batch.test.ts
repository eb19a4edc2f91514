import { describe, expect, it } from 'vitest';
import { type TableKey, findDuplicates } from '../../src/rules/index.js';

/** A table as the batch rules see it: its place, unit and project. */
function key(file: string, unitCode: string | null, unitName: string | null, project: string): TableKey {
  const unit = unitCode && unitName ? `${unitCode}-${unitName}` : (unitName ?? unitCode);
  return { file, sheet: '表1', department: '007-政法委', unit, unitCode, unitName, project, projectCell: 'C4', ledgerRow: null, identity: `007|${unitCode ?? unitName}|${project}` };
}
const dupes = (keys: TableKey[]) => findDuplicates(keys).map(({ key: k, first }) => `${k.file} ← ${first.file}`);

describe('batch.duplicate: the same unit and project submitted more than once', () => {
  it('is the same unit by code, whatever the name or how the code is written', () => {
    expect(dupes([key('a.xlsx', '007001', '政法委', '网格员意外伤害保险'), key('b.xlsx', '７００１', '区委政法委', '网格员意外伤害保险')])).toEqual(['b.xlsx ← a.xlsx']);
  });

  it('is the same unit by name where one of the two gives no code', () => {
    expect(dupes([key('a.xlsx', '007001', '政法委', '网格员意外伤害保险'), key('c.xlsx', null, '政法委', '“网格员意外伤害保险”')])).toEqual(['c.xlsx ← a.xlsx']);
  });

  it('is another unit under another code, even with the same name; another project is no duplicate', () => {
    expect(dupes([key('a.xlsx', '007001', '政法委', '网格员意外伤害保险'), key('b.xlsx', '008001', '政法委', '网格员意外伤害保险'), key('c.xlsx', '007001', '政法委', '雪亮工程')])).toEqual([]);
  });
});
