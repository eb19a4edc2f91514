import { workerData } from 'node:worker_threads';
import type { LaneTask, WorkerInit } from './pool.js';
import { type FileResult, auditFile, prepare } from './worker-task.js';

/**
 * The pool's worker: set up once per thread from workerData, then one file per task. Set-up starts as the thread
 * boots, while the main thread is still listing files; a failure surfaces with the first task.
 */
const init = workerData as WorkerInit;
const starts = new BigInt64Array(init.starts);
const ready = prepare(init.setup);
ready.catch(() => {});

export default async function run(task: LaneTask): Promise<FileResult> {
  const prepared = await ready;
  // From here the file's time limit runs (FilePool's watchdog reads this).
  Atomics.store(starts, task.lane, BigInt(Date.now()));
  return auditFile(prepared, task);
}
