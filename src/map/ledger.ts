import '../text/index.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type Cell, type Sheet, a1 } from '../read/index.js';
import { fold, normLabel } from '../text/index.js';
import { MappingError, builtinMappingDir } from './load.js';
import type { Slot } from './raw.js';
import { type AmountUnit, amountUnitNote, statedUnitAbove } from './units.js';

const Labels = z.array(z.string().min(1)).min(1);

/** The ledger's columns found by header synonyms; budget, executed and the project name are required. */
export const LedgerMapping = z.object({
  kind: z.literal('ledger'),
  id: z.string(),
  name: z.string(),
  columns: z.object({
    departmentCode: Labels.optional(),
    departmentName: Labels.optional(),
    unitCode: Labels.optional(),
    unitName: Labels.optional(),
    projectCode: Labels.optional(),
    projectName: Labels,
    budget: Labels,
    executed: Labels,
  }),
  /** Rows that are no project: a 合计 under the projects (in the project, unit or department column). */
  skipRows: z.array(z.string().min(1)).default(['合计', '总计', '小计']),
});
export type LedgerMapping = z.infer<typeof LedgerMapping>;
export type LedgerKey = keyof LedgerMapping['columns'];

export function loadLedgerMapping(file = path.join(builtinMappingDir, 'ledger.json')): LedgerMapping {
  const r = LedgerMapping.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!r.success) throw new MappingError(`${file}：${r.error.issues.map((i) => `${i.path.join('.')}：${i.message}`).join('；')}`);
  return r.data;
}

export interface RawLedgerRow {
  sheet: string;
  row: number;
  values: Partial<Record<LedgerKey, Slot>>;
}

export interface RawLedger {
  sheet: string;
  /** Unit of each amount column, read from its header: `全年预算数（元）`. */
  units: { budget: Unit; executed: Unit };
  rows: RawLedgerRow[];
  missing: LedgerKey[];
}

/** A header matches a synonym when, without spaces and a trailing unit in brackets, it equals it. */
function headerMatches(cell: Cell, labels: string[]): boolean {
  const t = normLabel(cell.text).replace(/\([^()]*\)$/, '');
  return labels.some((l) => t === normLabel(l));
}

type Unit = AmountUnit;

function unitIn(cell: Cell | undefined): Unit | null {
  const t = cell ? fold(cell.text) : '';
  return /万元/.test(t) ? '万元' : /元/.test(t) ? '元' : null;
}

/**
 * The unit of an amount column: in its header (`全年预算数（万元）`), else in a units row right under it
 * (`（万元）`), else stated above the header for the whole sheet (`单位：万元`); budget systems export 元 otherwise.
 */
function columnUnit(sheet: Sheet, header: number, c: number): Unit {
  const below = sheet.own(header + 1, c);
  return unitIn(sheet.own(header, c)) ?? (below ? amountUnitNote(below.text) : null) ?? statedUnitAbove(sheet, header) ?? '元';
}

/** Finds the header row (the first within 20 rows holding the project name, budget and executed headers). */
export function mapLedger(sheet: Sheet, m: LedgerMapping): RawLedger | null {
  const keys = Object.keys(m.columns) as LedgerKey[];
  const skip = new Set(m.skipRows.map(normLabel));
  for (let r = 0; r < Math.min(sheet.rowCount, 20); r++) {
    const found: Partial<Record<LedgerKey, number>> = {};
    for (let c = 0; c < sheet.colCount; c++) {
      const cell = sheet.own(r, c);
      if (!cell || typeof cell.raw !== 'string') continue;
      for (const k of keys) if (found[k] === undefined && headerMatches(cell, m.columns[k]!)) found[k] = c;
    }
    if (found.projectName === undefined || found.budget === undefined || found.executed === undefined) continue;
    const rows: RawLedgerRow[] = [];
    for (let rr = r + 1; rr < sheet.rowCount; rr++) {
      const values: RawLedgerRow['values'] = {};
      for (const k of keys) if (found[k] !== undefined) values[k] = { addr: a1(rr, found[k]!), cell: sheet.own(rr, found[k]!) };
      if (!values.projectName?.cell?.text.trim()) continue;
      if ([values.projectName, values.unitName, values.departmentName, values.unitCode].some((v) => v?.cell && skip.has(normLabel(v.cell.text)))) continue;
      rows.push({ sheet: sheet.name, row: rr, values });
    }
    return {
      sheet: sheet.name,
      units: { budget: columnUnit(sheet, r, found.budget), executed: columnUnit(sheet, r, found.executed) },
      rows,
      missing: keys.filter((k) => found[k] === undefined),
    };
  }
  return null;
}
