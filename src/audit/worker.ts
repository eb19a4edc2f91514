import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { FromWorker, ServeTask, ToWorker, WorkerInit } from './pool.js';
import { type Prepared, auditFile, prepare } from './worker-task.js';

/**
 * The pool's worker: set up once per thread from workerData, while the main thread is still listing files; then it
 * serves one long task, taking files from its port as fast as it finishes them (pool.ts). A set-up that fails is
 * the answer to every file it is given.
 */
const init = workerData as WorkerInit;
const ready = prepare(init.setup);
ready.catch(() => {});

/** The next message: already waiting on the port, or slept for (the main thread bumps `wake` after each). */
function next(task: ServeTask, wake: Int32Array): ToWorker {
  for (;;) {
    const seen = Atomics.load(wake, 0);
    const m = receiveMessageOnPort(task.port);
    if (m) return m.message as ToWorker;
    Atomics.wait(wake, 0, seen);
  }
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export default async function serve(task: ServeTask): Promise<'stopped'> {
  let prepared: Prepared | null = null;
  let failed: string | null = null;
  try {
    prepared = await ready;
  } catch (err) {
    failed = messageOf(err);
  }
  const wake = new Int32Array(task.wake);
  const started = new BigInt64Array(task.started);
  for (;;) {
    const m = next(task, wake);
    if ('stop' in m) break;
    let answer: FromWorker;
    // From here the file's time limit runs (FilePool's watchdog reads this).
    Atomics.store(started, 0, BigInt(Date.now()));
    try {
      answer = prepared ? { id: m.id, result: await auditFile(prepared, m.task) } : { id: m.id, error: failed ?? 'worker set-up failed' };
    } catch (err) {
      answer = { id: m.id, error: messageOf(err) };
    }
    Atomics.store(started, 0, 0n);
    task.port.postMessage(answer);
  }
  task.port.close();
  return 'stopped';
}
