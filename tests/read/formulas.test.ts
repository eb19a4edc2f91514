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
});
