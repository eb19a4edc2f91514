import { Piscina } from 'piscina';
import { PackedLedger, type PackedLedgerData } from '../model/index.js';
import { type ReadFailure, type ReadLimits, ReadError, defaultReadLimits } from '../read/index.js';
import { LedgerIndex } from '../rules/index.js';
import { workerFile } from './pool.js';
import { readLedger } from './ledger-read.js';

/** The bureau's ledger in one thread: its rows in shared memory, and the index a thread builds when it matches tables. */
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

/** The ledger read in this thread (tests, bench/stages.ts); an audit reads it apart (loadLedgerApart). */
export async function loadLedger(file: string, mappingFile: string | null, limits: ReadLimits = defaultReadLimits): Promise<Ledger> {
  return new Ledger(await readLedger(file, mappingFile, limits));
}

/** What ledger-worker.ts answers. */
export type LedgerReply = { ok: true; data: PackedLedgerData } | { ok: false; code: ReadFailure | null; detail: string };

/**
 * loadLedger in a thread of its own, which ends when the rows are packed. Parsing a ledger of 20,000 rows allocated
 * ~120 MB that the main thread, which allocates little afterwards, kept in its heap for many seconds (bench/README.md);
 * a thread that ends takes all of it with it, and the packed rows are shared memory, not copied back.
 */
export async function loadLedgerApart(file: string, mappingFile: string | null, limits: ReadLimits = defaultReadLimits): Promise<Ledger> {
  const { filename, execArgv } = workerFile('ledger-worker');
  // Piscina for its way of starting a thread (a loader given with --import, tsx in development, applies to it).
  const thread = new Piscina({ filename, execArgv, minThreads: 1, maxThreads: 1 });
  try {
    const reply = (await thread.run({ file, mappingFile, limits })) as LedgerReply;
    if (!reply.ok) throw reply.code ? new ReadError(reply.code, reply.detail) : new Error(reply.detail);
    return new Ledger(new PackedLedger(reply.data));
  } finally {
    void thread.destroy();
  }
}
