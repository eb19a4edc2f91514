import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadLedgerMapping, mapLedger } from '../map/index.js';
import { PackedLedger, normalizeLedger } from '../model/index.js';
import { type ReadLimits, ReadError, defaultReadLimits, readBuffer } from '../read/index.js';
import { LedgerIndex } from '../rules/index.js';

/** The bureau's ledger in one process: its packed rows, and the index a reader process builds when it matches tables. */
export class Ledger {
  private built: LedgerIndex | null = null;

  constructor(readonly rows: PackedLedger) {}

  get file(): string {
    return this.rows.file;
  }

  get index(): LedgerIndex {
    return (this.built ??= new LedgerIndex(this.rows));
  }
}

/** A worksheet's own row limit. */
const LEDGER_MAX_ROWS = 1_048_576;

/**
 * Reads the ledger through the same read and map stages as the submissions, and packs its rows. Its findings name it
 * by its base name, in every process alike (rows are matched across processes by it).
 */
export function readLedger(file: string, mappingFile: string | null, limits: ReadLimits = defaultReadLimits): PackedLedger {
  const display = path.basename(file);
  const m = loadLedgerMapping(mappingFile ?? undefined);
  // The bureau's own export, one row per project of the region: as many rows as a worksheet can hold, not the few
  // thousand a submission's sheet is allowed. Cut short it would report every project after the cut as missing.
  const wb = readBuffer(readFileSync(file), file, { ...limits, maxRows: LEDGER_MAX_ROWS });
  for (const sheet of wb.sheets) {
    if (sheet.rowCount >= LEDGER_MAX_ROWS) throw new ReadError('too-large', `工作表“${sheet.name}”超过 ${LEDGER_MAX_ROWS} 行`);
    const raw = mapLedger(sheet, m);
    if (raw) return PackedLedger.pack(display, sheet.name, normalizeLedger(raw, display));
  }
  throw new ReadError('unsupported', `找不到台账表头（须有 ${m.columns.projectName.join('/')}、${m.columns.budget.join('/')}、${m.columns.executed.join('/')} 列）`);
}

/** The ledger read in this process (tests, bench/stages.ts); an audit reads it in a reader process (readLedgerWire). */
export function loadLedger(file: string, mappingFile: string | null, limits: ReadLimits = defaultReadLimits): Ledger {
  return new Ledger(readLedger(file, mappingFile, limits));
}

/**
 * A packed ledger as it crosses between processes: its bytes copied out of shared memory (which does not cross a
 * process boundary), put back into shared memory on arrival, where a PackedLedger expects them.
 */
export interface LedgerWire {
  file: string;
  sheet: string;
  text: Uint8Array;
  ends: Uint8Array;
  rows: Uint8Array;
}

const copied = (sab: SharedArrayBuffer) => new Uint8Array(sab).slice();

function shared(bytes: Uint8Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(sab).set(bytes);
  return sab;
}

export function ledgerToWire(rows: PackedLedger): LedgerWire {
  const { file, sheet, text, ends, rows: numbers } = rows.data;
  return { file, sheet, text: copied(text), ends: copied(ends), rows: copied(numbers) };
}

export function ledgerFromWire(w: LedgerWire): Ledger {
  return new Ledger(new PackedLedger({ file: w.file, sheet: w.sheet, text: shared(w.text), ends: shared(w.ends), rows: shared(w.rows) }));
}

/** What a reader process answers for the ledger: read, packed, ready to send. */
export function readLedgerWire(file: string, mappingFile: string | null, limits: ReadLimits): LedgerWire {
  return ledgerToWire(readLedger(file, mappingFile, limits));
}
