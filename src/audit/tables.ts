import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { type ReadLimits, ReadError, type Workbook, defaultReadLimits, fileTooLarge, readBuffer } from '../read/index.js';
import { type LedgerMapping, type Mapping, type Miss, type RawTable, explainMiss, loadLedgerMapping, mapLedger, mapSheet } from '../map/index.js';
import { type ProjectTable, normalize } from '../model/index.js';

export interface SheetOutcome {
  name: string;
  /** The mapping id, or null for a sheet that is not a table (notes, blank, a contact list). */
  layout: string | null;
  project: string | null;
  raw?: RawTable;
}

export type FileStatus = 'audited' | 'unreadable' | 'unrecognized';

export interface FileTables {
  /** As given to the reader (absolute or cwd-relative). */
  path: string;
  /** Relative to the input it was found under: the name used in every output. */
  file: string;
  sha256: string | null;
  status: FileStatus;
  sheets: SheetOutcome[];
  tables: ProjectTable[];
  failure?: { code: ReadError['code']; detail: string };
  /** No table, but a sheet the ledger mapping reads: the bureau's ledger put among the submissions. */
  ledgerLike?: boolean;
  /** No table: the layout the file came nearest to, and the labels it lacked. */
  nearest?: Miss;
  /** The grids read (with keepRaw only: `recon inspect` says why a sheet fits no mapping). */
  grids?: Workbook['sheets'];
}

/** read → map → normalize for one file. Never throws for a bad file: the outcome says what went wrong. */
export async function loadTables(
  path: string,
  file: string,
  mappings: Mapping[],
  opts: { limits?: ReadLimits; keepRaw?: boolean } = {},
): Promise<FileTables> {
  const limits = opts.limits ?? defaultReadLimits;
  let buf: Buffer;
  try {
    const info = await stat(path);
    if (info.size > limits.maxBytes) throw fileTooLarge(info.size, limits.maxBytes);
    buf = await readFile(path);
  } catch (err) {
    const e = err instanceof ReadError ? err : new ReadError('corrupt', err instanceof Error ? err.message : String(err));
    return { path, file, sha256: null, status: 'unreadable', sheets: [], tables: [], failure: { code: e.code, detail: e.detail } };
  }
  return tablesFromBuffer(buf, path, file, mappings, { limits, keepRaw: opts.keepRaw ?? false });
}

export function tablesFromBuffer(
  buf: Buffer,
  path: string,
  file: string,
  mappings: Mapping[],
  opts: { limits: ReadLimits; keepRaw: boolean },
): FileTables {
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const base = { path, file, sha256 };
  let workbook: Workbook;
  try {
    workbook = readBuffer(buf, path, opts.limits);
  } catch (err) {
    const e = err instanceof ReadError ? err : new ReadError('corrupt', err instanceof Error ? err.message : String(err));
    return { ...base, status: 'unreadable', sheets: [], tables: [], failure: { code: e.code, detail: e.detail } };
  }
  const mapped = workbook.sheets.map((sheet) => ({ sheet, found: mapSheet(sheet, mappings) }));
  // A hidden sheet is nobody's submission (a draft, a template) while a visible one holds a table; were all the tables
  // hidden, they are audited rather than lost.
  const visibleTable = mapped.some((x) => x.found.length && !x.sheet.hidden);
  const outcomes: SheetOutcome[] = [];
  const tables: ProjectTable[] = [];
  for (const { sheet, found } of mapped) {
    if (!found.length || (sheet.hidden && visibleTable)) {
      outcomes.push({ name: sheet.name, layout: null, project: null });
      continue;
    }
    for (const { mapping: m, raw } of found) {
      const table = normalize(raw, file);
      tables.push(table);
      outcomes.push({ name: sheet.name, layout: m.id, project: table.project.value, ...(opts.keepRaw ? { raw } : {}) });
    }
  }
  const ledgerLike = !tables.length && workbook.sheets.some((s) => (mapLedger(s, defaultLedgerMapping())?.rows.length ?? 0) > 0);
  const nearest = tables.length || ledgerLike ? null : explainMiss(workbook.sheets, mappings);
  return {
    ...base,
    status: tables.length ? 'audited' : 'unrecognized',
    sheets: outcomes,
    tables,
    ...(ledgerLike ? { ledgerLike } : {}),
    ...(nearest ? { nearest } : {}),
    ...(opts.keepRaw ? { grids: workbook.sheets } : {}),
  };
}

let ledgerMapping: LedgerMapping | null = null;
function defaultLedgerMapping(): LedgerMapping {
  return (ledgerMapping ??= loadLedgerMapping());
}
