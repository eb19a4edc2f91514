import * as XLSX from 'xlsx';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TableSpec } from '../../scripts/table-spec.js';
import { renderSeedLayout } from '../../scripts/render-seed-layout.js';
import { renderCentralLayout } from '../../scripts/render-central-layout.js';
import type { RenderOptions } from '../../scripts/render-common.js';
import { buildWorkbook } from '../../scripts/workbook.js';
import { insurance, seedTables, wageTable, xueliang } from '../../scripts/seed-tables.js';
import { builtinMappingDir, loadMappings } from '../../src/map/index.js';
import { type FileTables, tablesFromBuffer } from '../../src/audit/tables.js';
import { defaultReadLimits } from '../../src/read/index.js';
import type { ProjectTable } from '../../src/model/index.js';

export { insurance, seedTables, wageTable, xueliang };
export type { TableSpec, RenderOptions };

export const here = path.dirname(fileURLToPath(import.meta.url));
/** The shipped mappings, as `recon audit` loads them with no --mapping. */
export const mappings = loadMappings([builtinMappingDir]);

export type Layout = 'seed' | 'central';

export function spec(base: TableSpec, edit?: (t: TableSpec) => void): TableSpec {
  const t = structuredClone(base);
  edit?.(t);
  return t;
}

export function sheetOf(t: TableSpec, layout: Layout = 'seed', o: RenderOptions = {}): XLSX.WorkSheet {
  return layout === 'seed' ? renderSeedLayout(t, o) : renderCentralLayout(t, o);
}

export function workbookBuffer(sheets: { name: string; ws: XLSX.WorkSheet }[], bookType: 'xlsx' | 'biff8' = 'xlsx'): Buffer {
  return XLSX.write(buildWorkbook(sheets), { type: 'buffer', bookType, bookSST: true }) as Buffer;
}

export function load(buf: Buffer, file = 'test.xlsx'): FileTables {
  return tablesFromBuffer(buf, file, file, mappings, { limits: defaultReadLimits, keepRaw: true });
}

/** Renders one table, writes it as a workbook, reads it back through read → map → model. */
export function roundTrip(t: TableSpec, layout: Layout = 'seed', o: RenderOptions = {}, bookType: 'xlsx' | 'biff8' = 'xlsx'): ProjectTable {
  const res = load(workbookBuffer([{ name: '自评表', ws: sheetOf(t, layout, o) }], bookType), bookType === 'xlsx' ? 'test.xlsx' : 'test.xls');
  if (res.tables.length !== 1) throw new Error(`expected one table, got ${res.tables.length} (${res.status})`);
  return res.tables[0]!;
}
