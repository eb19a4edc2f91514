import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../audit/index.js';
import { ensureDir, insideDir } from '../report/index.js';
import { type AuditState, type AuditStatus, type CorruptRecord, cleanName, defaultName, isAuditId, readRecord } from './records.js';
import type { RunRequest, RunnerMessage } from './runner.js';

export { isAuditId, type AuditState, type AuditStatus, type CorruptRecord };

/** An audit a stopped process left running is started again this many times at most. */
const MAX_ATTEMPTS = 2;
export const INTERRUPTED = '审核在进行中两次被中断（服务停止或崩溃），不再自动重试：请检查上传的文件后重新提交';

export interface RunSettings {
  jobs?: number | undefined;
  timeoutMs?: number | undefined;
  memoryMb?: number | undefined;
  /** One audit in all, from the moment it starts: one that takes longer is stopped, its readers killed (default 30 min). */
  auditTimeoutMs?: number | undefined;
}

export const DEFAULT_AUDIT_TIMEOUT_MS = 30 * 60 * 1000;

export const INPUT_DIR = 'input';
export const LEDGER_DIR = 'ledger';
export const RULES_FILE = 'rules.json';
export const OUT_DIR = 'out';
export const STATUS_FILE = 'status.json';

/** A directory left by an upload that never finished (no status.json) is removed after this long. */
const STALE_UPLOAD_MS = 60 * 60 * 1000;

function isFinal(s: AuditStatus): boolean {
  return s === 'done' || s === 'failed';
}

/** 1500 → "1.5 秒", 1_800_000 → "30 分钟". */
export function duration(ms: number): string {
  if (ms >= 60_000) return `${Number((ms / 60_000).toFixed(1))} 分钟`;
  return `${Number((ms / 1000).toFixed(1))} 秒`;
}

/**
 * The audit process's script (runner.ts): the compiled one beside this module in the built tool (dist/); beside the
 * built reader when the test suite names that (RECON_READER_SCRIPT: the suite runs the sources, and starts the
 * built processes, as the tool does); else the TypeScript, started with tsx's loader. RECON_RUNNER_FLAGS adds flags
 * of its own (development: `--import` a fault to inject, `--cpu-prof`).
 */
function runnerScript(): { file: string; execArgv: string[] } {
  const extra = process.env.RECON_RUNNER_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
  const given = process.env.RECON_RUNNER_SCRIPT;
  if (given) return { file: given, execArgv: extra };
  const reader = process.env.RECON_READER_SCRIPT;
  if (reader) {
    const beside = path.join(path.dirname(reader), '..', 'server', 'runner.js');
    if (existsSync(beside)) return { file: beside, execArgv: extra };
  }
  const self = fileURLToPath(import.meta.url);
  return launch(path.join(path.dirname(self), self.endsWith('.ts') ? 'runner.ts' : 'runner.js'), extra);
}

interface Runner {
  child: ChildProcess;
  /** The settings it was started with (a spare started before they changed is not used). */
  key: string;
  /** The end of what it wrote to stderr. */
  stderr: string;
}

/** What an audit process takes from the environment when it starts. */
function runnerKey(): string {
  const e = process.env;
  return JSON.stringify([e.RECON_RUNNER_SCRIPT, e.RECON_RUNNER_FLAGS, e.RECON_READER_SCRIPT, e.RECON_READER_FLAGS, e.RECON_DEBUG]);
}

/** Ends an audit process and the readers it started: its whole process group. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/** A failure of the disk in words, for a status that could not be stored or an upload that could not be kept. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export interface EnqueueOptions {
  /** As the clerk typed it (cleaned here); default 年度 and date. */
  name?: string | null | undefined;
  /** An earlier audit (done) to compare with. */
  previous?: string | null | undefined;
}

/**
 * The audits of one data folder: their state in memory and in `audits/<id>/status.json`, and a FIFO queue that
 * runs one audit at a time (each audit already spreads its files over a pool of reader processes sized to the
 * cores), each in a process of its own (runner.ts). Audits left queued by a previous process are queued again at
 * start-up; one left running is run once more at most; a record that cannot be read back is listed as corrupt.
 */
export class AuditStore {
  readonly auditsDir: string;
  private readonly audits = new Map<string, AuditState>();
  private readonly corrupt = new Map<string, CorruptRecord>();
  private readonly pending: string[] = [];
  private running: { id: string; promise: Promise<void>; child: ChildProcess | null } | null = null;
  private closed = false;
  private readonly listeners = new Map<string, Set<(s: AuditState) => void>>();
  private readonly lastWrite = new Map<string, number>();
  private readonly auditTimeoutMs: number;

  constructor(
    readonly dataDir: string,
    private readonly settings: RunSettings = {},
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {
    this.auditsDir = path.resolve(dataDir, 'audits');
    this.auditTimeoutMs = settings.auditTimeoutMs ?? DEFAULT_AUDIT_TIMEOUT_MS;
    ensureDir(this.auditsDir);
    this.loadExisting();
    this.pump();
  }

  /** `dataDir/audits/<id>`; throws for anything that is not an audit id. */
  auditDir(id: string): string {
    if (!isAuditId(id)) throw new Error(`not an audit id: ${id}`);
    return insideDir(this.auditsDir, id);
  }

  outDir(id: string): string {
    return insideDir(this.auditDir(id), OUT_DIR);
  }

  get(id: string): AuditState | undefined {
    return isAuditId(id) ? this.audits.get(id) : undefined;
  }

  /** The records that could not be read back (listed as 记录损坏, deletable, never run or opened). */
  corruptRecords(): CorruptRecord[] {
    return [...this.corrupt.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  isCorrupt(id: string): boolean {
    return this.corrupt.has(id);
  }

  /** Newest first. */
  list(): AuditState[] {
    return [...this.audits.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
  }

  /** The newest audit that has finished with results: what a new audit is compared with by default. */
  latestDone(): AuditState | undefined {
    return this.list().find((s) => s.status === 'done');
  }

  /** How many audits wait before this one (0: it runs next), or null when it is not waiting. */
  queuePosition(id: string): number | null {
    const i = this.pending.indexOf(id);
    return i < 0 ? null : i;
  }

  get queued(): number {
    return this.pending.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The audit process running now (its pid leads the process group of its readers), for diagnostics and tests. */
  get runningProcess(): { id: string; pid: number } | null {
    const pid = this.running?.child?.pid;
    return this.running && pid !== undefined ? { id: this.running.id, pid } : null;
  }

  /**
   * Registers an uploaded audit (its files already in place) and queues it. Throws when its record cannot be
   * written (a full disk): the caller then answers 507 and removes the upload, as nothing would survive a restart.
   */
  enqueue(id: string, total: number, o: EnqueueOptions = {}): AuditState {
    if (this.closed) throw new Error('the service is shutting down');
    const now = new Date();
    const state: AuditState = {
      id,
      status: 'queued',
      done: 0,
      total,
      summary: null,
      error: null,
      createdAt: now.toISOString(),
      startedAt: null,
      finishedAt: null,
      name: (o.name ? cleanName(o.name) : null) ?? defaultName(now),
      previous: o.previous ?? null,
    };
    this.write(state);
    this.audits.set(id, state);
    this.pending.push(id);
    this.pump();
    return state;
  }

  /** Gives an audit another name; false when there is no such audit or the name is empty once cleaned. */
  rename(id: string, raw: string): AuditState | 'unknown' | 'empty' {
    const s = this.get(id);
    if (!s) return 'unknown';
    const name = cleanName(raw);
    if (!name) return 'empty';
    const before = s.name;
    s.name = name;
    try {
      this.write(s);
    } catch (err) {
      s.name = before;
      throw err;
    }
    this.emit(s);
    return s;
  }

  /** Called with every change of the audit's state; returns the unsubscribe function. */
  subscribe(id: string, fn: (s: AuditState) => void): () => void {
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (!set.size) this.listeners.delete(id);
    };
  }

  /** Resolves with the final state, or with the current one when the service closes first. */
  waitFor(id: string): Promise<AuditState> {
    const s = this.audits.get(id);
    if (!s) return Promise.reject(new Error(`unknown audit ${id}`));
    if (isFinal(s.status) || this.closed) return Promise.resolve({ ...s });
    return new Promise((resolve) => {
      const off = this.subscribe(id, (st) => {
        if (isFinal(st.status) || this.closed) {
          off();
          resolve({ ...st });
        }
      });
    });
  }

  /** Deletes a finished, queued or corrupt audit and its files; a running one cannot be deleted. */
  remove(id: string): 'removed' | 'running' | 'unknown' {
    if (isAuditId(id) && this.corrupt.has(id)) {
      this.corrupt.delete(id);
      rmSync(this.auditDir(id), { recursive: true, force: true });
      return 'removed';
    }
    const s = this.get(id);
    if (!s) return 'unknown';
    if (s.status === 'running') return 'running';
    const i = this.pending.indexOf(id);
    if (i >= 0) this.pending.splice(i, 1);
    this.audits.delete(id);
    rmSync(this.auditDir(id), { recursive: true, force: true });
    return 'removed';
  }

  /**
   * Stops taking new audits and waits for the one running (bounded by the audit time limit); queued audits stay
   * queued on disk and run after the next start. Waiters and listeners are released.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.spare) {
      killGroup(this.spare.child);
      this.spare = null;
    }
    for (const [id, set] of [...this.listeners]) {
      const s = this.audits.get(id);
      if (s) for (const fn of [...set]) fn({ ...s });
    }
    await this.running?.promise;
  }

  private emit(state: AuditState): void {
    const set = this.listeners.get(state.id);
    if (set) for (const fn of [...set]) fn({ ...state });
  }

  /** status.json, written aside and renamed over the old one; throws when it cannot be written. */
  private write(state: AuditState): void {
    const file = insideDir(this.auditDir(state.id), STATUS_FILE);
    const tmp = `${file}.tmp`;
    const text = `${JSON.stringify(state, null, 2)}\n`;
    try {
      writeFileSync(tmp, text);
      renameSync(tmp, file);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    this.lastWrite.set(state.id, Date.now());
  }

  /**
   * status.json of a state change while running or at the end: a failure is logged, and at the end tried once more
   * in place (a full disk may take a rewrite of a file that is there when it takes no new one).
   */
  private persist(state: AuditState, final = false): void {
    try {
      this.write(state);
    } catch (err) {
      if (final) {
        try {
          writeFileSync(insideDir(this.auditDir(state.id), STATUS_FILE), `${JSON.stringify(state)}\n`);
          return;
        } catch {
          // logged below
        }
      }
      this.log(`status.json of ${state.id} not written`, err);
    }
  }

  private loadExisting(): void {
    const resumed: AuditState[] = [];
    for (const name of readdirSync(this.auditsDir)) {
      if (!isAuditId(name)) continue;
      const dir = insideDir(this.auditsDir, name);
      const statusFile = path.join(dir, STATUS_FILE);
      if (!existsSync(statusFile)) {
        try {
          if (Date.now() - statSync(dir).mtimeMs > STALE_UPLOAD_MS) rmSync(dir, { recursive: true, force: true });
        } catch {
          // gone already
        }
        continue;
      }
      const r = readRecord(statusFile, name);
      if (!r.ok) {
        this.corrupt.set(name, { id: name, reason: r.reason });
        this.log(`audit record ${statusFile} skipped: ${r.reason}`);
        continue;
      }
      const state = r.state;
      if (state.status === 'running' && (state.attempts ?? 1) >= MAX_ATTEMPTS) {
        // Started and never finished, again: whatever stopped the process last time would stop it once more.
        state.status = 'failed';
        state.error = INTERRUPTED;
        state.finishedAt = new Date().toISOString();
        this.persist(state, true);
      } else if (!isFinal(state.status)) {
        state.status = 'queued';
        state.done = 0;
        state.startedAt = null;
        resumed.push(state);
      }
      this.audits.set(name, state);
    }
    resumed.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    for (const s of resumed) {
      this.persist(s);
      this.pending.push(s.id);
    }
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const id = this.pending.shift();
    if (id === undefined) return;
    // Everyone still waiting moved up one place.
    for (const waiting of this.pending) {
      const s = this.audits.get(waiting);
      if (s) this.emit(s);
    }
    const slot: { id: string; promise: Promise<void>; child: ChildProcess | null } = { id, promise: Promise.resolve(), child: null };
    this.running = slot;
    slot.promise = this.execute(id, slot).finally(() => {
      this.running = null;
      this.pump();
      this.prepareSpare();
    });
  }

  /** Runs one audit with the same engine as `recon audit`, in a process of its own; never rejects. */
  private async execute(id: string, slot: { child: ChildProcess | null }): Promise<void> {
    const state = this.audits.get(id);
    if (!state) return;
    state.status = 'running';
    state.attempts = (state.attempts ?? 0) + 1;
    state.startedAt = new Date().toISOString();
    state.done = 0;
    this.persist(state);
    this.emit(state);
    let outcome: { ok: true; summary: NonNullable<AuditState['summary']> } | { ok: false; error: string };
    try {
      outcome = await this.runApart(id, state, slot);
    } catch (err) {
      outcome = { ok: false, error: `审核无法开始：${err instanceof Error ? err.message : String(err)}` };
    }
    if (outcome.ok) {
      state.status = 'done';
      state.summary = outcome.summary;
      state.total = outcome.summary.files;
      state.done = outcome.summary.files;
    } else {
      state.status = 'failed';
      state.error = outcome.error;
      this.log(`audit ${id} failed: ${outcome.error}`);
      // What a failed audit left in its output folder is of no use, and may be what filled the disk.
      try {
        rmSync(this.outDir(id), { recursive: true, force: true });
      } catch (err) {
        this.log(`output of failed audit ${id} not removed`, err);
      }
    }
    state.finishedAt = new Date().toISOString();
    this.persist(state, true);
    this.lastWrite.delete(id);
    this.emit(state);
  }

  /** The run request of an audit: its folders as the upload left them, and the earlier audit's output. */
  private request(id: string, state: AuditState): RunRequest {
    const dir = this.auditDir(id);
    const ledgerDir = insideDir(dir, LEDGER_DIR);
    const ledgerName = existsSync(ledgerDir) ? readdirSync(ledgerDir).sort()[0] : undefined;
    const rulesFile = insideDir(dir, RULES_FILE);
    return {
      type: 'run',
      auditDir: dir,
      inputs: [insideDir(dir, INPUT_DIR)],
      outDir: insideDir(dir, OUT_DIR),
      ledger: ledgerName === undefined ? null : insideDir(ledgerDir, ledgerName),
      rulesFile: existsSync(rulesFile) ? rulesFile : null,
      previous: state.previous ? this.outDir(state.previous) : null,
      jobs: this.settings.jobs ?? null,
      timeoutMs: this.settings.timeoutMs ?? null,
      memoryMb: this.settings.memoryMb ?? null,
    };
  }

  /** An audit process started ahead, its modules loaded, waiting for its audit (the next audit starts sooner). */
  private spare: Runner | null = null;

  /** A new audit process (runner.ts), in a process group of its own: one signal ends it and its readers. */
  private spawnRunner(): Runner {
    const { file, execArgv } = runnerScript();
    const child = fork(file, [], {
      execArgv,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const runner: Runner = { child, key: runnerKey(), stderr: '' };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      runner.stderr = (runner.stderr + chunk).slice(-4096);
      if (process.env.RECON_DEBUG) process.stderr.write(chunk);
    });
    // a process that cannot start or has died: said when it is used, or it is not used
    child.on('error', () => {});
    return runner;
  }

  /** The spare audit process when it is alive and started as one would be now; else a new one. */
  private takeRunner(): Runner {
    const spare = this.spare;
    this.spare = null;
    if (spare) {
      const c = spare.child;
      if (spare.key === runnerKey() && c.connected && c.exitCode === null && c.signalCode === null) {
        c.ref();
        (c.channel as { ref?: () => void } | undefined)?.ref?.();
        return spare;
      }
      killGroup(c);
    }
    return this.spawnRunner();
  }

  /** Starts the spare for the next audit, while the service is idle. */
  private prepareSpare(): void {
    if (this.spare || this.closed || this.running) return;
    const r = this.spawnRunner();
    // an idle spare keeps no one waiting: the service may close without it
    r.child.unref();
    (r.child.channel as { unref?: () => void } | undefined)?.unref?.();
    r.child.once('exit', () => {
      if (this.spare === r) this.spare = null;
    });
    this.spare = r;
  }

  /**
   * The audit in its own process (runner.ts), which starts the readers: progress comes over IPC, the outcome once it
   * is over. Over the audit time limit the process group is killed — the audit process and every reader at once —
   * and the audit is failed with the reason; so is an audit process that dies without an answer.
   */
  private runApart(id: string, state: AuditState, slot: { child: ChildProcess | null }): Promise<{ ok: true; summary: NonNullable<AuditState['summary']> } | { ok: false; error: string }> {
    if (state.previous && !existsSync(insideDir(this.outDir(state.previous), 'findings.json')))
      return Promise.resolve({ ok: false, error: '用于比较的上一轮审核已被删除或没有结果，本次审核未进行：请重新上传，选择其他审核比较或不比较' });
    const request = this.request(id, state);
    return new Promise((resolve) => {
      const runner = this.takeRunner();
      const child = runner.child;
      slot.child = child;
      let answer: { ok: true; summary: NonNullable<AuditState['summary']> } | { ok: false; error: string } | null = null;
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve({ ok: false, error: '审核进程无法启动' });
        return;
      }
      child.on('message', (m: RunnerMessage) => {
        if (m.type === 'progress') {
          if (answer) return;
          state.done = m.done;
          state.total = m.total;
          // status.json at most every 250 ms while running; listeners (SSE) get every step.
          if (m.done === m.total || Date.now() - (this.lastWrite.get(id) ?? 0) > 250) this.persist(state);
          this.emit(state);
        } else if (m.type === 'done') answer ??= { ok: true, summary: m.summary };
        else if (m.type === 'failed') answer ??= { ok: false, error: m.error };
      });
      child.on('error', (err) => {
        answer ??= { ok: false, error: `审核进程无法启动：${err.message}` };
        killGroup(child);
      });
      const stderr = () => runner.stderr;
      const timer = setTimeout(() => {
        answer ??= {
          ok: false,
          error: `审核超过时限（${duration(this.auditTimeoutMs)}）已停止，未生成报告：请把报送材料分批上传，或请信息科调高时限（--audit-timeout）`,
        };
        killGroup(child);
      }, this.auditTimeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        slot.child = null;
        // whatever readers are left (the process died without closing its pool) go with it
        killGroup(child);
        if (!answer) {
          this.log(`audit process of ${id} ended without an answer (${signal ?? `exit ${code}`}): ${stderr().trim().split('\n').slice(-3).join(' ')}`);
          answer = { ok: false, error: `审核进程异常退出（${signal ?? `退出码 ${code}`}），审核未完成，未生成报告：请检查上传的文件后重新提交` };
        }
        resolve(answer);
      });
      child.send(request);
    });
  }
}
