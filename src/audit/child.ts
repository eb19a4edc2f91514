/**
 * A reader process of the pool (pool.ts): set up once from the first message, then one task at a time, in the order
 * they come. A task is answered before the next one starts — the pool counts a task's time from the answer before
 * it, and blames whatever task a dying process was on, so an answer left waiting behind a task that hangs or takes
 * the process down would put the blame on the wrong file. A task that ends in a write (an annotated copy) is
 * answered once the write is done. The process exits when the channel closes. A set-up that fails is the answer to
 * every task it is given.
 */
import type { FromChild, ToChild } from './pool.js';
import { ledgerFromWire } from './ledger.js';
import { type Prepared, prepare, runTask } from './tasks.js';

let prepared: Prepared | null = null;
let failed: string | null = null;
/** Tasks received and not yet started. */
const waiting: { id: number; task: Extract<ToChild, { type: 'task' }>['task'] }[] = [];
/** A task's write is in progress: the next task waits for its answer. */
let writing = false;

const messageOf = (err: unknown) => (err instanceof Error ? (process.env.RECON_DEBUG ? (err.stack ?? err.message) : err.message) : String(err));

function answer(m: FromChild): void {
  process.send!(m);
}

/** Runs the waiting tasks in order, each answered (synchronously, or when its write is done) before the next. */
function work(): void {
  while (!writing && waiting.length) {
    const { id, task } = waiting.shift()!;
    let result: ReturnType<typeof runTask>;
    try {
      if (!prepared) throw new Error(failed ?? 'reader process not set up');
      result = runTask(prepared, task);
    } catch (err) {
      answer({ type: 'failed', id, error: messageOf(err) });
      continue;
    }
    if (!(result instanceof Promise)) {
      answer({ type: 'done', id, result });
      continue;
    }
    writing = true;
    result
      .then(
        (r) => answer({ type: 'done', id, result: r }),
        (err: unknown) => answer({ type: 'failed', id, error: messageOf(err) }),
      )
      .finally(() => {
        writing = false;
        work();
      });
  }
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
      waiting.push({ id: m.id, task: m.task });
      work();
  }
});

process.on('disconnect', () => process.exit(0));
