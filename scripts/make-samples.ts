/**
 * Writes the seed's three tables as sample workbooks (seed layout, merges kept):
 *   samples/政法委/雪亮工程建设项目.xlsx, 专职网格员工资.xlsx, 网格员意外伤害保险.xlsx
 * Run: npx tsx scripts/make-samples.ts
 */
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSeedLayout } from './render-seed-layout.js';
import { insurance, wageTable, xueliang } from './seed-tables.js';
import type { TableSpec } from './table-spec.js';
import { SAMPLE_SHEET_NAME, buildWorkbook, writeWorkbook } from './workbook.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const samplesDir = join(root, 'samples');

const files: { file: string; table: TableSpec }[] = [
  { file: '政法委/雪亮工程建设项目.xlsx', table: xueliang },
  { file: '政法委/专职网格员工资.xlsx', table: wageTable },
  { file: '政法委/网格员意外伤害保险.xlsx', table: insurance },
];

for (const { file, table } of files) {
  const wb = buildWorkbook([{ name: SAMPLE_SHEET_NAME, ws: renderSeedLayout(table) }]);
  const out = join(samplesDir, file);
  writeWorkbook(out, wb);
  console.log(`wrote ${out}`);
}
