import { ReadError, type ReadLimits } from '../read/index.js';
import type { LedgerReply } from './ledger.js';
import { readLedger } from './ledger-read.js';

/** Reads and packs the ledger in a thread of its own (loadLedgerApart), which then ends with everything it parsed. */
export default async function read(task: { file: string; mappingFile: string | null; limits: ReadLimits }): Promise<LedgerReply> {
  try {
    return { ok: true, data: (await readLedger(task.file, task.mappingFile, task.limits)).data };
  } catch (err) {
    return err instanceof ReadError ? { ok: false, code: err.code, detail: err.detail } : { ok: false, code: null, detail: err instanceof Error ? err.message : String(err) };
  }
}
