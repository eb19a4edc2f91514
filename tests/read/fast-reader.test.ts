import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { readBuffer } from '../../src/read/index.js';
import { ooxmlCases } from '../fixtures/ooxml-cases.js';
import { compareReaders } from '../helpers/reader-diff.js';
import { type Layout, here, seedTables, sheetOf, workbookBuffer } from '../helpers/workbooks.js';

/**
 * .xlsx files are read by a fast path (ZIP + the parts a grid needs) that follows SheetJS step by step; whatever
 * it reads must be exactly what SheetJS reads, and whatever it does not handle goes to SheetJS.
 */
describe('the fast .xlsx reader reads every cell as SheetJS does', () => {
  it.each(ooxmlCases())('%s', (_name, buf) => {
    expect(compareReaders(buf)).toEqual({ kind: 'same' });
  });

  const sampleRoot = path.join(here, '../../samples');
  const samples = readdirSync(sampleRoot, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.xlsx') && readFileSync(path.join(sampleRoot, f)).length > 0)
    .sort();
  it.each(samples)('samples/%s', (f) => {
    expect(compareReaders(readFileSync(path.join(sampleRoot, f)))).toEqual({ kind: 'same' });
  });

  const variations = [{}, { offsetRows: 3, offsetCols: 2 }, { noMerges: true }, { messyLabels: true }, { fullWidthNumbers: true }, { percentFractions: true }];
  const layouts: Layout[] = ['seed', 'central'];
  for (const layout of layouts)
    it.each(variations)(`${layout} layout, %o`, (o) => {
      const sheets = seedTables.map((t, i) => ({ name: `表${i + 1}`, ws: sheetOf(t, layout, o) }));
      expect(compareReaders(workbookBuffer(sheets))).toEqual({ kind: 'same' });
    });

  it('declines a workbook with cell comments, which SheetJS then reads', () => {
    const ws = XLSX.utils.aoa_to_sheet([['项目名称', '雪亮工程']]);
    ws['B1']!.c = [{ a: '审核', t: '请核对' }];
    const buf = workbookBuffer([{ name: 'S', ws }]);
    expect(compareReaders(buf)).toMatchObject({ kind: 'declined', why: 'comments' });
    expect(readBuffer(buf, 'a.xlsx').sheets[0]!.at(0, 1)?.text).toBe('雪亮工程');
  });
});
