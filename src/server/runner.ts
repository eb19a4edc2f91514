/**
 * One audit of the web service, in a process of its own (started by store.ts for each audit, in a process group of
 * its own): it calls runAudit, which starts the reader processes, and reports progress and the outcome over IPC.
 * The server's own process thus never parses a workbook nor builds a report: whatever an audit does (a report stage
 * that takes seconds, a heap that runs out), the server keeps answering, and an audit over its time limit is ended
 * with its readers by one signal to the group. When the server goes away (its channel closes), the group ends
 * itself: no reader outlives the server that asked for it.
 */
import path from 'node:path';
import { AuditSetupError, NO_WORKBOOK, runAudit } from '../audit/index.js';
import type { Summary } from '../report/index.js';
import { RulesConfigError } from '../rules/index.js';
import { writeIndex } from './results.js';

/** What the store asks: runAudit's options (paths absolute), and the audit folder to keep out of messages. */
export interface RunRequest {
  type: 'run';
  auditDir: string;
  inputs: string[];
  outDir: string;
  ledger: string | null;
  rulesFile: string | null;
  previous: string | null;
  jobs: number | null;
  timeoutMs: number | null;
  memoryMb: number | null;
}

export type RunnerMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; summary: Summary }
  | { type: 'failed'; error: string };

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A Chinese explanation for the user, without the server's own paths. */
export function failureText(auditDir: string, err: unknown): string {
  const scrub = (s: string) => s.split(`${auditDir}${path.sep}`).join('').split(auditDir).join('');
  const msg = scrub(errorText(err));
  if (err instanceof AuditSetupError) {
    if (msg.startsWith('台账')) return `台账无法读取，审核未进行：${msg.replace(/^台账无法读取[：:]\s*/, '')}`;
    if (msg.startsWith(NO_WORKBOOK)) return NO_WORKBOOK;
    if (msg.startsWith('报告未能写出') || msg.startsWith('上一轮审核')) return msg;
    return `审核无法开始：${msg}`;
  }
  if (err instanceof RulesConfigError) return `规则文件有误：${msg}`;
  return `审核出错：${msg}`;
}

function send(m: RunnerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(m, undefined, {}, () => resolve());
  });
}

/** Ends this process and every reader it started (they are in its process group). */
function endGroup(): never {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    // not a group leader (started without a group of its own): the readers end when their channels close
  }
  process.exit(1);
}

async function run(r: RunRequest): Promise<void> {
  let last = 0;
  try {
    const outcome = await runAudit({
      inputs: r.inputs,
      outDir: r.outDir,
      ledger: r.ledger ?? undefined,
      rulesFile: r.rulesFile ?? undefined,
      previous: r.previous ?? undefined,
      jobs: r.jobs ?? undefined,
      timeoutMs: r.timeoutMs ?? undefined,
      memoryMb: r.memoryMb ?? undefined,
      cwd: r.auditDir,
      onProgress: (done, total) => {
        // every step to the server, at most every 100 ms (and the last one)
        const now = Date.now();
        if (done !== total && now - last < 100) return;
        last = now;
        void send({ type: 'progress', done, total });
      },
    });
    // The server's index of the report, made here so that the server never parses a large findings.json itself;
    // without it (a disk that filled up just now) the server indexes the report on first use.
    try {
      writeIndex(outcome.outDir);
    } catch {
      // said by its absence
    }
    await send({ type: 'done', summary: outcome.summary });
  } catch (err) {
    await send({ type: 'failed', error: failureText(r.auditDir, err) });
  }
  process.exit(0);
}

if (process.send) {
  process.on('disconnect', endGroup);
  process.once('message', (m: RunRequest) => {
    if (m?.type === 'run') void run(m);
  });
}
