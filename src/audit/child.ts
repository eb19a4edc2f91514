/**
 * A reader process of the pool (pool.ts): set up once from the first message, then one task at a time, in the order
 * they come, each answered on the IPC channel in that order (a task that ends in a write is answered once the write
 * is done, while the next one runs). It exits when the channel closes. A set-up that fails is the answer to every
 * task it is given.
 */
import type { FromChild, ToChild } from './pool.js';
import { ledgerFromWire } from './ledger.js';
import { type Prepared, prepare, runTask } from './tasks.js';

let prepared: Prepared | null = null;
let failed: string | null = null;
/** The answers not yet sent, in the order of their tasks. */
let answered: Promise<void> = Promise.resolve();

const messageOf = (err: unknown) => (err instanceof Error ? (process.env.RECON_DEBUG ? (err.stack ?? err.message) : err.message) : String(err));

function answer(m: FromChild): void {
  process.send!(m);
}

process.on('message', (m: ToChild) => {
  switch (m.type) {
    case 'setup':
      try {
        prepared = prepare(m.setup);
      } catch (err) {
        failed = messageOf(err);
      }
      answer({ type: 'ready' });
      return;
    case 'ledger':
      if (prepared) prepared.ledger = ledgerFromWire(m.ledger);
      return;
    case 'task': {
      let result: Promise<unknown>;
      try {
        if (!prepared) throw new Error(failed ?? 'reader process not set up');
        result = Promise.resolve(runTask(prepared, m.task));
      } catch (err) {
        result = Promise.reject(err);
      }
      const reply = result.then(
        (r): FromChild => ({ type: 'done', id: m.id, result: r }),
        (err: unknown): FromChild => ({ type: 'failed', id: m.id, error: messageOf(err) }),
      );
      answered = answered.then(() => reply).then(answer);
    }
  }
});

process.on('disconnect', () => process.exit(0));
