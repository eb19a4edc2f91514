import { workerData } from 'node:worker_threads';
import { type AuditSetup, type FileResult, type FileTask, auditFile, prepare } from './worker-task.js';

/**
 * The pool's worker: set up once per thread from workerData, then one file per task. Set-up starts as the thread
 * boots, while the main thread is still listing files; a failure surfaces with the first task.
 */
const ready = prepare(workerData as AuditSetup);
ready.catch(() => {});

export default async function run(task: FileTask): Promise<FileResult> {
  return auditFile(await ready, task);
}
