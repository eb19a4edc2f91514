import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AuditSetupError, NO_WORKBOOK, runAudit } from '../audit/index.js';
import type { Summary } from '../report/index.js';
import { ensureDir, insideDir } from '../report/index.js';
import { RulesConfigError } from '../rules/index.js';

export type AuditStatus = 'queued' | 'running' | 'done' | 'failed';

/** What `status.json` holds, and what the status endpoints answer. */
export interface AuditState {
  id: string;
  status: AuditStatus;
  done: number;
  total: number;
  summary: Summary | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** How many times a process has started this audit (one that took the process down must not do it forever). */
  attempts?: number;
}

/** An audit a stopped process left running is started again this many times at most. */
const MAX_ATTEMPTS = 2;
export const INTERRUPTED = '审核在进行中两次被中断（服务停止或崩溃），不再自动重试：请检查上传的文件后重新提交';

export interface RunSettings {
  jobs?: number | undefined;
  timeoutMs?: number | undefined;
  memoryMb?: number | undefined;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An audit id as made by crypto.randomUUID(); anything else (`../x`, `%2e%2e`) is no audit. */
export function isAuditId(id: unknown): id is string {
  return typeof id === 'string' && ID.test(id);
}

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

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The audits of one data folder: their state in memory and in `audits/<id>/status.json`, and a FIFO queue that
 * runs one audit at a time (each audit already spreads its files over a worker pool sized to the cores).
 * Audits left queued or running by a previous process are queued again at start-up.
 */
export class AuditStore {
  readonly auditsDir: string;
  private readonly audits = new Map<string, AuditState>();
  private readonly pending: string[] = [];
  private running: { id: string; promise: Promise<void> } | null = null;
  private closed = false;
  private readonly listeners = new Map<string, Set<(s: AuditState) => void>>();
  private readonly lastWrite = new Map<string, number>();

  constructor(
    readonly dataDir: string,
    private readonly settings: RunSettings = {},
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {
    this.auditsDir = path.resolve(dataDir, 'audits');
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

  list(): AuditState[] {
    return [...this.audits.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
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

  /** Registers an uploaded audit (its files already in place) and queues it. */
  enqueue(id: string, total: number): AuditState {
    if (this.closed) throw new Error('the service is shutting down');
    const state: AuditState = {
      id,
      status: 'queued',
      done: 0,
      total,
      summary: null,
      error: null,
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    this.audits.set(id, state);
    this.persist(state);
    this.pending.push(id);
    this.pump();
    return state;
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

  /** Deletes a finished or queued audit and its files; a running one cannot be deleted. */
  remove(id: string): 'removed' | 'running' | 'unknown' {
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
   * Stops taking new audits and waits for the one running (its files are bounded by the per-file time limit);
   * queued audits stay queued on disk and run after the next start. Waiters and listeners are released.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
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

  private persist(state: AuditState): void {
    try {
      const file = insideDir(this.auditDir(state.id), STATUS_FILE);
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
      renameSync(tmp, file);
      this.lastWrite.set(state.id, Date.now());
    } catch (err) {
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
      let state: AuditState;
      try {
        state = JSON.parse(readFileSync(statusFile, 'utf8')) as AuditState;
      } catch (err) {
        this.log(`unreadable ${statusFile}`, err);
        continue;
      }
      if (state.id !== name) continue;
      state.startedAt ??= null;
      state.finishedAt ??= null;
      if (state.status === 'running' && (state.attempts ?? 1) >= MAX_ATTEMPTS) {
        // Started and never finished, again: whatever stopped the process last time would stop it once more.
        state.status = 'failed';
        state.error = INTERRUPTED;
        state.finishedAt = new Date().toISOString();
        this.persist(state);
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
    const promise = this.execute(id).finally(() => {
      this.running = null;
      this.pump();
    });
    this.running = { id, promise };
  }

  /** Runs one audit with the same engine as `recon audit`; never rejects. */
  private async execute(id: string): Promise<void> {
    const state = this.audits.get(id);
    if (!state) return;
    state.status = 'running';
    state.attempts = (state.attempts ?? 0) + 1;
    state.startedAt = new Date().toISOString();
    this.persist(state);
    this.emit(state);
    try {
      const dir = this.auditDir(id);
      const ledgerDir = insideDir(dir, LEDGER_DIR);
      const ledgerName = existsSync(ledgerDir) ? readdirSync(ledgerDir).sort()[0] : undefined;
      const rulesFile = insideDir(dir, RULES_FILE);
      const res = await runAudit({
        inputs: [insideDir(dir, INPUT_DIR)],
        outDir: insideDir(dir, OUT_DIR),
        ledger: ledgerName === undefined ? undefined : insideDir(ledgerDir, ledgerName),
        rulesFile: existsSync(rulesFile) ? rulesFile : undefined,
        jobs: this.settings.jobs,
        timeoutMs: this.settings.timeoutMs,
        memoryMb: this.settings.memoryMb,
        cwd: dir,
        onProgress: (done, total) => {
          state.done = done;
          state.total = total;
          // status.json at most every 250 ms while running; listeners (SSE) get every step.
          if (done === total || Date.now() - (this.lastWrite.get(id) ?? 0) > 250) this.persist(state);
          this.emit(state);
        },
      });
      state.status = 'done';
      state.summary = res.summary;
      state.total = res.summary.files;
      state.done = res.summary.files;
    } catch (err) {
      state.status = 'failed';
      state.error = this.failureText(id, err);
      this.log(`audit ${id} failed`, err);
    }
    state.finishedAt = new Date().toISOString();
    this.persist(state);
    this.lastWrite.delete(id);
    this.emit(state);
  }

  /** A Chinese explanation for the user, without the server's own paths. */
  private failureText(id: string, err: unknown): string {
    const dir = this.auditDir(id);
    const scrub = (s: string) => s.split(`${dir}${path.sep}`).join('').split(dir).join('');
    const msg = scrub(errorText(err));
    if (err instanceof AuditSetupError) {
      if (msg.startsWith('台账')) return `台账无法读取，审核未进行：${msg.replace(/^台账无法读取[：:]\s*/, '')}`;
      if (msg.startsWith(NO_WORKBOOK)) return NO_WORKBOOK;
      return `审核无法开始：${msg}`;
    }
    if (err instanceof RulesConfigError) return `规则文件有误：${msg}`;
    return `审核出错：${msg}`;
  }
}
