/**
 * A reader process of the pool (pool.ts): set up once from the first message, then one task at a time, in the order
 * they come, each answered before the next one starts — the pool counts a task's time from the answer before it, and
 * blames whatever task a dying process was on, so an answer left waiting behind a task that hangs or takes the
 * process down would put the blame on the wrong file. The process exits when the channel closes. A set-up that fails
 * is the answer to every task it is given.
 */
import type { FromChild, ToChild } from './pool.js';
import { ledgerFromWire } from './ledger.js';
import { type Prepared, prepare, runTask } from './tasks.js';

let prepared: Prepared | null = null;
let failed: string | null = null;

const messageOf = (err: unknown) => (err instanceof Error ? (process.env.RECON_DEBUG ? (err.stack ?? err.message) : err.message) : String(err));

/** Sent at once, not from a promise: the next task must not start before it has left. */
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
    case 'task':
      try {
        if (!prepared) throw new Error(failed ?? 'reader process not set up');
        answer({ type: 'done', id: m.id, result: runTask(prepared, m.task) });
      } catch (err) {
        answer({ type: 'failed', id: m.id, error: messageOf(err) });
      }
  }
});

process.on('disconnect', () => process.exit(0));
