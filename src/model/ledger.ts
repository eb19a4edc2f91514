import { z } from 'zod';
import type { RawLedger, Slot } from '../map/index.js';
import { NumberField, TextField } from './schema.js';
import { parseNumber, splitCodeName } from './values.js';
import { Decimal } from './decimal.js';

/** One project row of the bureau's ledger, amounts converted to 万元 (the unit of the tables). */
export const LedgerRow = z.object({
  file: z.string(),
  sheet: z.string(),
  row: z.number().int(),
  departmentCode: z.string().nullable(),
  departmentName: z.string().nullable(),
  unitCode: z.string().nullable(),
  unitName: z.string().nullable(),
  projectCode: z.string().nullable(),
  projectName: TextField,
  budget: NumberField,
  executed: NumberField,
  /** The unit the ledger stated, for messages (`66950 元`). */
  sourceUnit: z.object({ budget: z.enum(['元', '万元']), executed: z.enum(['元', '万元']) }),
});
export type LedgerRow = z.infer<typeof LedgerRow>;

const str = (s: Slot | undefined): string | null => s?.cell?.text.trim() || null;

function amount(slot: Slot | undefined, unit: '元' | '万元'): NumberField {
  if (!slot) return { value: null, state: 'absent', decimals: 0, text: '', cell: null };
  const p = parseNumber(slot.cell);
  const value = p.value && unit === '元' ? p.value.div(10000) : p.value;
  return { value, state: p.state, decimals: p.decimals + (unit === '元' ? 4 : 0), text: slot.cell?.text ?? '', cell: slot.addr };
}

export function normalizeLedger(raw: RawLedger, file: string): LedgerRow[] {
  return raw.rows.map((r) => {
    const v = r.values;
    // A unit column may hold "007001-某单位" in one cell; split it where the code column is missing.
    const unitText = str(v.unitName);
    const split = unitText ? splitCodeName(unitText) : { code: null, name: null };
    const deptText = str(v.departmentName);
    const dsplit = deptText ? splitCodeName(deptText) : { code: null, name: null };
    // Built under the schema's own type, like the tables (tests check rows against the zod schema).
    const row: LedgerRow = {
      file,
      sheet: r.sheet,
      row: r.row,
      departmentCode: str(v.departmentCode) ?? dsplit.code,
      departmentName: dsplit.name,
      unitCode: str(v.unitCode) ?? split.code,
      unitName: split.name,
      projectCode: str(v.projectCode),
      projectName: { value: str(v.projectName), cell: v.projectName?.addr ?? null },
      budget: amount(v.budget, raw.units.budget),
      executed: amount(v.executed, raw.units.executed),
      sourceUnit: { budget: raw.units.budget, executed: raw.units.executed },
    };
    return row;
  });
}

/** A ledger row as plain data, for another thread: its amounts as decimal text. */
export type PlainLedgerRow = Omit<LedgerRow, 'budget' | 'executed'> & {
  budget: Omit<NumberField, 'value'> & { value: string | null };
  executed: Omit<NumberField, 'value'> & { value: string | null };
};

export function toPlainLedger(rows: readonly LedgerRow[]): PlainLedgerRow[] {
  const plain = (f: NumberField) => ({ ...f, value: f.value ? f.value.toFixed() : null });
  return rows.map((r) => ({ ...r, budget: plain(r.budget), executed: plain(r.executed) }));
}

export function fromPlainLedger(rows: readonly PlainLedgerRow[]): LedgerRow[] {
  const exact = (f: PlainLedgerRow['budget']): NumberField => ({ ...f, value: f.value === null ? null : new Decimal(f.value) });
  return rows.map((r) => ({ ...r, budget: exact(r.budget), executed: exact(r.executed) }));
}
