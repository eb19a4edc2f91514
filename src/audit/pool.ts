/**
 * The reader processes of one audit. Every parser runs in a child process (child.ts), never in the process that
 * asks: a file that takes a reader down — its heap limit, a native abort, a segfault, a kill — costs that one file,
 * reported with its reason, and the batch goes on in a fresh process. V8's settings (heap size, tiering) are the
 * children's own; the process that asks (the CLI, the web server) keeps Node's defaults.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './launch.js';
import type { LedgerWire } from './ledger.js';
import type { ChildSetup, Task, TaskResults } from './tasks.js';

export interface PoolLimits {
  jobs: number;
  /** Per file, from the moment a reader process starts on it: one that takes longer is stopped and the file reported. */
  timeoutMs: number;
  /** Per reader process: its V8 heap, and (twice this and a margin) its resident memory. */
  memoryMb: number;
}

/** Down the IPC channel: the set-up, the ledger, a task. */
export type ToChild = { type: 'setup'; setup: ChildSetup } | { type: 'ledger'; ledger: LedgerWire } | { type: 'task'; id: number; task: Task };
/** Back up: ready for tasks, a task's answer, or the error that stopped it short of one (a bug, or a set-up that failed). */
export type FromChild = { type: 'ready' } | { type: 'done'; id: number; result: unknown } | { type: 'failed'; id: number; error: string };

/** Why a task has no answer: over the time limit, over the memory limit, the process died, or the task threw. */
export type Failure = 'timeout' | 'out-of-memory' | 'crashed' | 'failed';
export type Outcome<T> = { ok: true; result: T } | { ok: false; code: Failure; detail: string };

/** Resident memory a reader process may use: its heap, as much again for buffers and code, and Node itself. */
export function residentLimitMb(memoryMb: number): number {
  return 2 * memoryMb + 128;
}

/** What V8 says when a heap limit ends a process (it then aborts: SIGABRT). */
const HEAP_EXHAUSTED = /heap out of memory|Reached heap limit|Ineffective mark-compacts/;
/** A reader process that dies before it is ready this many times in a row means it cannot start at all. */
const MAX_BOOT_FAILURES = 3;

/** 60000 → "60 秒", 1500 → "1.5 秒". */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} 秒`;
}

/**
 * The reader process's script: compiled JavaScript beside this module in the built tool (dist/), started as it is;
 * TypeScript under development and tests, started with tsx's loader (named by its absolute location, as the
 * working directory may be anywhere).
 */
function childScript(): { file: string; execArgv: string[] } {
  // The test suite runs the sources but starts the built reader, as the tool does (vitest.config.ts builds it).
  const given = process.env.RECON_READER_SCRIPT;
  if (given) return { file: given, execArgv: [] };
  const self = fileURLToPath(import.meta.url);
  // by way of audit/: this module may be bundled into another folder's script (dist/server/runner.js)
  return launch(path.join(path.dirname(self), '..', 'audit', self.endsWith('.ts') ? 'child.ts' : 'child.js'));
}

/** Resident memory of a process in bytes, from /proc; null where there is no /proc (the heap limit still holds). */
function residentBytes(pid: number): number | null {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]);
    return Number.isFinite(pages) ? pages * 4096 : null;
  } catch {
    return null;
  }
}

interface Job {
  id: number;
  task: Task;
  resolve: (o: Outcome<unknown>) => void;
  /** When its reader process started on it (the time limit runs from then). */
  startedAt?: number;
  timer?: NodeJS.Timeout;
}

class Reader {
  ready = false;
  /** Gone: killed by the pool or dead; nothing it says any more counts. */
  gone = false;
  /** The tasks sent to it, in order: the first the one it is on, at most one more waiting in its queue. */
  readonly jobs: Job[] = [];
  /** The end of what it wrote to stderr: V8 says there why it stopped. */
  stderr = '';

  constructor(readonly proc: ChildProcess) {}
}

/**
 * A pool of reader processes, each doing one task at a time with at most one more queued behind it, so that it
 * never waits a round trip between two files. The time limit of a task runs from when its process starts it: when
 * the answer before it arrived, or when the process said it was ready. A process over its time or memory limit is
 * killed, and one that dies is replaced: the task it was on is answered with the reason, the task queued behind it
 * goes to the replacement.
 */
export class ChildPool {
  private readonly readers: Reader[] = [];
  private readonly pending: Job[] = [];
  private readonly script = childScript();
  private readonly execArgv: string[];
  private readonly residentLimit: number;
  private readonly watchdog: NodeJS.Timeout;
  private ledger: LedgerWire | null = null;
  private nextId = 0;
  private bootFailures = 0;
  /** Set when readers cannot start at all: every task is answered with it. */
  private broken: string | null = null;
  private closing = false;
  private readonly exited = new Set<Promise<void>>();

  constructor(
    private readonly setup: ChildSetup,
    private readonly limits: PoolLimits,
  ) {
    // V8 settings for the readers alone. A small young generation: V8 otherwise lets it grow to 48 MB per reader
    // under this allocation rate, which showed as peak memory rising with the batch for no speed gained. Twice V8's
    // interrupt budget lets fewer functions reach TurboFan, later: with two readers it competes less with them
    // (bench/README.md).
    this.execArgv = [
      ...this.script.execArgv,
      `--max-old-space-size=${limits.memoryMb}`,
      `--max-semi-space-size=${Math.max(1, Math.min(8, Math.floor(limits.memoryMb / 16)))}`,
      '--interrupt-budget=262144',
      // For profiling a reader (RECON_READER_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof"): its flags, not this process's.
      ...(process.env.RECON_READER_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
    ];
    this.residentLimit = residentLimitMb(limits.memoryMb) * 1024 * 1024;
    for (let i = 0; i < limits.jobs; i++) this.readers.push(this.spawn());
    this.watchdog = setInterval(() => this.checkMemory(), 100);
    this.watchdog.unref();
  }

  /** The ledger, for every reader now and every replacement later (sent before any task, so it is there first). */
  setLedger(ledger: LedgerWire): void {
    this.ledger = ledger;
    for (const r of this.readers) this.send(r, { type: 'ledger', ledger });
  }

  run<K extends Task['kind']>(task: Extract<Task, { kind: K }>): Promise<Outcome<TaskResults[K]>> {
    if (this.closing) return Promise.reject(new Error('ChildPool.run after close'));
    if (this.broken) return Promise.resolve({ ok: false, code: 'crashed', detail: this.broken });
    return new Promise((resolve) => {
      this.pending.push({ id: this.nextId++, task, resolve: resolve as (o: Outcome<unknown>) => void });
      this.pump();
    });
  }

  /**
   * Ends the readers: each exits once its channel closes; one that does not within a second is killed, and one still
   * starting (the audit stopped before its first file) is killed at once, having nothing to finish.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    for (const r of this.readers) {
      for (const j of r.jobs) clearTimeout(j.timer);
      r.gone = true;
      if (!r.ready) {
        r.proc.kill('SIGKILL');
        continue;
      }
      if (r.proc.connected) r.proc.disconnect();
      const timer = setTimeout(() => r.proc.kill('SIGKILL'), 1000);
      timer.unref();
    }
    await Promise.all(this.exited);
  }

  private spawn(): Reader {
    const proc = fork(this.script.file, [], {
      execArgv: this.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const reader = new Reader(proc);
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      reader.stderr = (reader.stderr + chunk).slice(-4096);
      if (process.env.RECON_DEBUG) process.stderr.write(chunk);
    });
    proc.on('message', (m: FromChild) => this.answered(reader, m));
    // Sending to a process that has just died fails; its death is handled on 'close'.
    proc.on('error', () => {});
    // Its end is taken once it has exited and its stderr is read to the end (V8's last words are there). Node's own
    // 'close' event does not come for a forked process whose channel was closed first.
    const stderrRead = new Promise<void>((resolve) => {
      proc.stderr!.once('close', resolve);
      proc.stderr!.once('end', resolve);
    });
    const exited = new Promise<void>((resolve) =>
      proc.once('exit', (code, signal) => {
        let settled = false;
        const settle = () => {
          if (settled) return;
          settled = true;
          this.exited.delete(exited);
          this.died(reader, code, signal);
          resolve();
        };
        const late = setTimeout(settle, 250);
        void stderrRead.then(() => {
          clearTimeout(late);
          settle();
        });
      }),
    );
    this.exited.add(exited);
    this.send(reader, { type: 'setup', setup: this.setup });
    if (this.ledger) this.send(reader, { type: 'ledger', ledger: this.ledger });
    return reader;
  }

  private send(r: Reader, m: ToChild): void {
    if (!r.gone && r.proc.connected) r.proc.send(m);
  }

  private answered(r: Reader, m: FromChild): void {
    if (r.gone) return;
    if (m.type === 'ready') {
      r.ready = true;
      this.bootFailures = 0;
      this.start(r);
      return;
    }
    const job = r.jobs[0];
    if (!job || job.id !== m.id) return;
    r.jobs.shift();
    clearTimeout(job.timer);
    job.resolve(m.type === 'done' ? { ok: true, result: m.result } : { ok: false, code: 'failed', detail: m.error });
    // The task queued behind it starts now.
    this.start(r);
    this.pump();
  }

  /** The reader's first task has begun (it is ready, and nothing is before it): its time limit runs from now. */
  private start(r: Reader): void {
    const job = r.jobs[0];
    if (!job || !r.ready || job.startedAt !== undefined) return;
    job.startedAt = Date.now();
    job.timer = setTimeout(() => this.stop(r, 'timeout', seconds(this.limits.timeoutMs)), this.limits.timeoutMs);
  }

  /** Hands waiting tasks to readers with room: the least busy first, ready ones before those still starting. */
  private pump(): void {
    while (this.pending.length) {
      let best: Reader | null = null;
      for (const r of this.readers) {
        if (r.gone || r.jobs.length >= 2) continue;
        if (!best || r.jobs.length < best.jobs.length || (r.jobs.length === best.jobs.length && r.ready && !best.ready)) best = r;
      }
      if (!best) return;
      const job = this.pending.shift()!;
      best.jobs.push(job);
      this.send(best, { type: 'task', id: job.id, task: job.task });
      this.start(best);
    }
  }

  private checkMemory(): void {
    for (const r of this.readers) {
      if (r.gone || r.proc.pid === undefined) continue;
      const rss = residentBytes(r.proc.pid);
      if (rss !== null && rss > this.residentLimit) this.stop(r, 'out-of-memory', `${this.limits.memoryMb} MB`);
    }
  }

  /** Stops a reader over a limit: its task is answered with the reason now, the one behind it waits for the replacement. */
  private stop(r: Reader, code: Failure, detail: string): void {
    if (r.gone) return;
    r.gone = true;
    r.proc.kill('SIGKILL');
    this.replace(r, { ok: false, code, detail });
  }

  private died(r: Reader, code: number | null, signal: NodeJS.Signals | null): void {
    if (r.gone || this.closing) return;
    r.gone = true;
    if (!r.ready && ++this.bootFailures >= MAX_BOOT_FAILURES) {
      // It cannot start at all (a broken installation): every task waiting is answered, none is retried for ever.
      this.broken = `reader process cannot start: ${r.stderr.trim().split('\n').slice(-3).join(' ') || `exit ${code ?? signal}`}`;
      for (const j of [...r.jobs.splice(0), ...this.pending.splice(0)]) j.resolve({ ok: false, code: 'crashed', detail: this.broken });
      return;
    }
    const failure: Outcome<never> = HEAP_EXHAUSTED.test(r.stderr)
      ? { ok: false, code: 'out-of-memory', detail: `${this.limits.memoryMb} MB` }
      : { ok: false, code: 'crashed', detail: signal ?? `exit ${code}` };
    this.replace(r, failure);
  }

  /** A reader is gone: the task it was on gets `failure`, the task behind it goes first to a new reader. */
  private replace(r: Reader, failure: Outcome<never>): void {
    const [current, ...queued] = r.jobs.splice(0);
    if (current) {
      clearTimeout(current.timer);
      // A reader that had not started its task yet (dead while starting) loses nothing: the task is retried.
      if (current.startedAt !== undefined) current.resolve(failure);
      else queued.unshift(current);
    }
    for (const j of queued) clearTimeout(j.timer);
    this.pending.unshift(...queued);
    const at = this.readers.indexOf(r);
    if (at >= 0) this.readers[at] = this.spawn();
    this.pump();
  }
}
