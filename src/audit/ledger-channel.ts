import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import { PackedLedger, type PackedLedgerData } from '../model/index.js';
import { Ledger } from './ledger.js';

type Message = { kind: 'need' } | { kind: 'ledger'; data: PackedLedgerData };

/**
 * The ledger goes to the workers from the main thread, read once while they boot (loadLedgerApart), instead of every
 * worker reading and parsing it again before its first file (at 5,000 rows, a quarter of a second each). What is
 * sent is the packed ledger's shared memory: no worker holds a copy of the rows.
 * A worker asks when it starts — a replacement for one stopped at a time limit too — and is answered as soon as
 * the ledger is there.
 */
export class LedgerBroadcast {
  readonly name = `perf-recon-ledger-${randomUUID()}`;
  private readonly channel = new BroadcastChannel(this.name);
  private message: Message | null = null;

  constructor() {
    this.channel.onmessage = (e) => {
      if ((e.data as Message | undefined)?.kind === 'need' && this.message) this.channel.postMessage(this.message);
    };
    this.channel.unref();
  }

  publish(ledger: Ledger): void {
    // Shared memory: every worker reads the one copy.
    this.message = { kind: 'ledger', data: ledger.rows.data };
    this.channel.postMessage(this.message);
  }

  close(): void {
    this.channel.close();
  }
}

/** In a worker: the ledger, once the main thread has it. */
export function receiveLedger(name: string): Promise<Ledger> {
  return new Promise((resolve) => {
    const channel = new BroadcastChannel(name);
    channel.onmessage = (e) => {
      const m = (e.data as Message | undefined);
      if (m?.kind !== 'ledger') return;
      channel.close();
      resolve(new Ledger(new PackedLedger(m.data)));
    };
    channel.postMessage({ kind: 'need' } satisfies Message);
  });
}
