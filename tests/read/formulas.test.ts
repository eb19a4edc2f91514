import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { insurance, load, sheetOf, workbookBuffer } from '../helpers/workbooks.js';

describe('formula cells', () => {
  it('are read as the value cached in the file, never re-evaluated', () => {
    const ws = sheetOf(insurance);
    // The total row's 全年预算数 is a formula over the source row whose cached result is stale: 6.5, not 7.
    ws['E8'] = { t: 'n', f: 'E9', v: 6.5, w: '6.5' } as XLSX.CellObject;
    const t = load(workbookBuffer([{ name: '表', ws }])).tables[0]!;
    expect(t.funds.total!.values.budget).toMatchObject({ cell: 'E8', text: '6.5' });
    expect(t.funds.total!.values.budget!.value!.toFixed()).toBe('6.5');
  });

  it('a formula the file kept no result of is said to be one (open and save it in Excel), not read as blank', async () => {
    const { checkTable, tableRules } = await import('../../src/rules/index.js');
    const { uncachedByName } = await import('../../src/read/ooxml.js');
    const { defaultReadLimits } = await import('../../src/read/index.js');
    const ws = sheetOf(insurance);
    // as a program writes it: the formula, no cached value
    ws['G8'] = { t: 'n', f: 'E8-F8' } as XLSX.CellObject;
    const buf = workbookBuffer([{ name: '表', ws }]);
    const found = checkTable(load(buf).tables[0]!, tableRules).filter((f) => f.severity !== 'info');
    expect(found.map((f) => [f.rule, f.cell, f.actual])).toEqual([['value.unreadable', 'G8', null]]);
    expect(found[0]!.message).toContain('请在 Excel 或 WPS 中打开、保存后重新报送');
    // the same is known when SheetJS reads the file (the fast way declined it)
    expect([...(uncachedByName(buf, defaultReadLimits).get('表') ?? [])]).toEqual(['G8']);
  });
});
