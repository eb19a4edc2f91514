import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadLedgerMapping, mapLedger } from '../map/index.js';
import { PackedLedger, normalizeLedger } from '../model/index.js';
import { ReadError, defaultReadLimits, readBuffer } from '../read/index.js';

/** A worksheet's own row limit. */
const LEDGER_MAX_ROWS = 1_048_576;

/**
 * Reads the ledger through the same read and map stages as the submissions. Its findings name it by its base name,
 * in every thread alike (rows are matched across threads by it).
 */
export async function readLedger(file: string, mappingFile: string | null, limits = defaultReadLimits): Promise<PackedLedger> {
  const display = path.basename(file);
  const m = loadLedgerMapping(mappingFile ?? undefined);
  // The bureau's own export, one row per project of the region: as many rows as a worksheet can hold, not the few
  // thousand a submission's sheet is allowed. Cut short it would report every project after the cut as missing.
  const wb = readBuffer(await readFile(file), file, { ...limits, maxRows: LEDGER_MAX_ROWS });
  for (const sheet of wb.sheets) {
    if (sheet.rowCount >= LEDGER_MAX_ROWS) throw new ReadError('too-large', `工作表“${sheet.name}”超过 ${LEDGER_MAX_ROWS} 行`);
    const raw = mapLedger(sheet, m);
    if (raw) return PackedLedger.pack(display, sheet.name, normalizeLedger(raw, display));
  }
  throw new ReadError('unsupported', `找不到台账表头（须有 ${m.columns.projectName.join('/')}、${m.columns.budget.join('/')}、${m.columns.executed.join('/')} 列）`);
}
