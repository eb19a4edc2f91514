import { workerData } from 'node:worker_threads';
import { type AuditSetup, type FileResult, type FileTask, type Prepared, auditFile, prepare } from './worker-task.js';

/** The pool's worker: set up once per thread from workerData, then one file per task. */
let ready: Promise<Prepared> | null = null;

export default async function run(task: FileTask): Promise<FileResult> {
  ready ??= prepare(workerData as AuditSetup);
  return auditFile(await ready, task);
}
