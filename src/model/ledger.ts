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

/** A ledger row as plain data (JSON, in a PackedLedger): its amounts as decimal text. */
type PlainLedgerRow = Omit<LedgerRow, 'budget' | 'executed'> & {
  budget: Omit<NumberField, 'value'> & { value: string | null };
  executed: Omit<NumberField, 'value'> & { value: string | null };
};

const plainAmount = (f: NumberField) => ({ ...f, value: f.value ? f.value.toFixed() : null });
const exactAmount = (f: PlainLedgerRow['budget']): NumberField => ({ ...f, value: f.value === null ? null : new Decimal(f.value) });

/** What a PackedLedger is made of: plain data and shared memory, to hand to another thread as it is. */
export interface PackedLedgerData {
  file: string;
  sheet: string;
  /** Every row as UTF-8 JSON (without its file and sheet), one after the other. */
  text: SharedArrayBuffer;
  /** Where each row's JSON ends in `text` (Uint32). */
  ends: SharedArrayBuffer;
  /** Each row's own row number in the sheet (Uint32). */
  rows: SharedArrayBuffer;
}

type PackedRow = Omit<PlainLedgerRow, 'file' | 'sheet'>;

/**
 * The rows of a ledger (one sheet of one file), packed into shared memory once for every thread of an audit. As
 * objects, a region's ledger (a row per project) took ~1.5 KB a row in each thread, and V8's heap sizing multiplied
 * that: the ledger, not the submissions, was what made an audit's memory grow with the batch (bench/README.md).
 * A row is decoded when it is asked for; a thread keeps only what it derives (LedgerIndex keeps row numbers).
 */
export class PackedLedger implements Iterable<LedgerRow> {
  readonly length: number;
  readonly file: string;
  readonly sheet: string;
  private readonly text: Buffer;
  private readonly ends: Uint32Array;
  private readonly rowNumbers: Uint32Array;

  constructor(readonly data: PackedLedgerData) {
    this.file = data.file;
    this.sheet = data.sheet;
    this.text = Buffer.from(data.text);
    this.ends = new Uint32Array(data.ends);
    this.rowNumbers = new Uint32Array(data.rows);
    this.length = this.ends.length;
  }

  static pack(file: string, sheet: string, rows: readonly LedgerRow[]): PackedLedger {
    const parts = rows.map((r) => {
      if (r.file !== file || r.sheet !== sheet) throw new Error(`PackedLedger.pack: row ${r.row} is from ${r.file}/${r.sheet}, not ${file}/${sheet}`);
      const { file: _f, sheet: _s, ...rest } = r;
      const packed: PackedRow = { ...rest, budget: plainAmount(r.budget), executed: plainAmount(r.executed) };
      return Buffer.from(JSON.stringify(packed));
    });
    const text = new SharedArrayBuffer(parts.reduce((n, b) => n + b.length, 0));
    const ends = new Uint32Array(new SharedArrayBuffer(4 * parts.length));
    const numbers = new Uint32Array(new SharedArrayBuffer(4 * parts.length));
    const into = Buffer.from(text);
    let at = 0;
    parts.forEach((b, i) => {
      b.copy(into, at);
      ends[i] = at += b.length;
      numbers[i] = rows[i]!.row;
    });
    return new PackedLedger({ file, sheet, text, ends: ends.buffer as SharedArrayBuffer, rows: numbers.buffer as SharedArrayBuffer });
  }

  /** Row `i`, decoded afresh (callers keep what they need of it). */
  at(i: number): LedgerRow | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    const r = JSON.parse(this.text.toString('utf8', i ? this.ends[i - 1]! : 0, this.ends[i]!)) as PackedRow;
    return { file: this.file, sheet: this.sheet, ...r, budget: exactAmount(r.budget), executed: exactAmount(r.executed) };
  }

  /** Row `i`'s row number in the sheet, without decoding it. */
  rowOf(i: number): number {
    return this.rowNumbers[i]!;
  }

  *[Symbol.iterator](): Iterator<LedgerRow> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }
}
