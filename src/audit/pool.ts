import v8 from 'node:v8';
import { MessageChannel, type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { AuditSetup, FileResult, FileTask } from './worker-task.js';

export interface PoolLimits {
  jobs: number;
  /** Per file, from the moment a worker starts on it: a parse that takes longer is stopped and the file reported. */
  timeoutMs: number;
  /** Per worker heap: a file that needs more kills only its worker, not the run. */
  memoryMb: number;
}

/** What each worker is started with: the audit's set-up. */
export interface WorkerInit {
  setup: AuditSetup;
}

/**
 * The one long task a worker runs: it takes files from `port` until told to stop, and answers each on the same port.
 * `wake` is bumped after every message sent to it, so that it can sleep in Atomics.wait instead of turning its event
 * loop; `started` holds Date.now() when it started its current file, 0 between files.
 */
export interface ServeTask {
  port: MessagePort;
  wake: SharedArrayBuffer;
  started: SharedArrayBuffer;
}

/** Down a lane's port: a file, or the end of the audit. */
export type ToWorker = { id: number; task: FileTask } | { stop: true };
/** Back up: a file's result, or the error that stopped it short of one (a bug, or the set-up failing). */
export type FromWorker = { id: number; result: FileResult } | { id: number; error: string };

const LOADER_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);

function loaderFlags(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.split('=')[0]!;
    if (!LOADER_FLAGS.has(name) && a !== '--enable-source-maps' && a !== '--no-warnings') continue;
    out.push(a);
    if (!a.includes('=') && LOADER_FLAGS.has(name) && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}

/**
 * Each worker compiles the whole pipeline with TurboFan for itself (isolates share no code); on a batch of a
 * thousand tables that compiling took more CPU than the reading (bench/README.md), and with one worker per core it
 * competes with the workers. Twice V8's default interrupt budget lets fewer functions reach TurboFan, later: the
 * same speed with one worker, a sixth faster with two. A tiering setting, read as the workers' functions are made.
 */
let tuned = false;
function tuneTiering(): void {
  if (tuned) return;
  tuned = true;
  v8.setFlagsFromString('--interrupt-budget=262144');
}

/**
 * A worker script of this folder (`worker`, `ledger-worker`). Under tsx (development, tests) it is TypeScript and
 * needs the loader; the built tool runs plain JS.
 */
export function workerFile(name: string): { filename: string; execArgv: string[] } {
  const self = new URL(import.meta.url);
  const ts = self.pathname.endsWith('.ts');
  const filename = new URL(`./${name}.${ts ? 'ts' : 'js'}`, self).href;
  // Only what loads modules: V8 and heap flags are the process's own and a Worker refuses them.
  const inherited = loaderFlags(process.execArgv);
  const hasTsx = inherited.some((a) => a.includes('tsx'));
  return { filename, execArgv: ts && !hasTsx ? [...inherited, '--import', 'tsx'] : inherited };
}

export type Outcome = { ok: true; result: FileResult } | { ok: false; code: 'timeout' | 'out-of-memory' | 'corrupt'; detail: string };

/** 60000 → "60 秒", 1500 → "1.5 秒". */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} 秒`;
}

interface Job {
  id: number;
  task: FileTask;
  resolve: (o: Outcome) => void;
}

/** A worker as this thread sees it: the files sent to it, in order, the first of them the one it is on. */
class Lane {
  readonly port: MessagePort;
  readonly wake: Int32Array;
  readonly started: BigInt64Array;
  readonly controller = new AbortController();
  readonly sent: Job[] = [];
  timedOut = false;
  serving: Promise<unknown>;

  constructor(pool: Piscina, onMessage: (lane: Lane, m: FromWorker) => void) {
    const { port1, port2 } = new MessageChannel();
    const wake = new SharedArrayBuffer(4);
    // A buffer of its own for each worker: one stopped at the time limit may still write to it as it goes down.
    const started = new SharedArrayBuffer(8);
    this.port = port1;
    this.wake = new Int32Array(wake);
    this.started = new BigInt64Array(started);
    port1.on('message', (m: FromWorker) => onMessage(this, m));
    const task: ServeTask = { port: port2, wake, started };
    this.serving = pool.run(task, { transferList: [port2], signal: this.controller.signal });
  }

  post(m: ToWorker): void {
    this.port.postMessage(m);
    Atomics.add(this.wake, 0, 1);
    Atomics.notify(this.wake, 0);
  }

  /** Answers already posted by the worker and not yet delivered: taken before the lane is given up. */
  drain(onMessage: (lane: Lane, m: FromWorker) => void): void {
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) onMessage(this, m.message as FromWorker);
  }
}

/**
 * The worker threads of one audit. Each worker runs one long task that takes its files over a port of its own,
 * two at a time: when it finishes one, the next is already there. Handing files over one Piscina task each cost a
 * round trip through this thread per file, ≈ 0.4 ms in which the worker waited (bench/README.md).
 * The time limit runs from when a worker starts a file (it says so through shared memory), not from when the file was
 * handed over, so neither a worker's boot nor a queue counts against a file. A worker stopped at the limit, or lost
 * to its memory limit, takes only the file it was on: the files queued behind it go to its replacement.
 */
export class FilePool {
  private readonly pool: Piscina;
  private readonly lanes: Lane[] = [];
  private readonly pending: Job[] = [];
  private readonly watchdog: NodeJS.Timeout;
  private nextId = 0;
  private closing = false;
  private readonly onMessage = (lane: Lane, m: FromWorker) => this.answered(lane, m);

  constructor(
    setup: AuditSetup,
    private readonly limits: PoolLimits,
    /** How many files may be handed over at once; run() beyond that throws. */
    private readonly maxInFlight = limits.jobs,
    /** Files sent ahead to each worker, the one it is on included. */
    private readonly depth = 2,
  ) {
    tuneTiering();
    const { filename, execArgv } = workerFile('worker');
    const workerData: WorkerInit = { setup };
    this.pool = new Piscina({
      filename,
      execArgv,
      workerData,
      minThreads: limits.jobs,
      maxThreads: limits.jobs,
      idleTimeout: 60_000,
      // A small young generation: V8 otherwise lets it grow to 64 MB per worker under this allocation rate, which
      // showed as peak memory rising with the batch (bench/README.md) for no speed gained.
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: Math.min(16, limits.memoryMb / 4) },
    });
    for (let i = 0; i < limits.jobs; i++) this.lanes.push(this.open());
    const every = Math.max(10, Math.min(250, Math.floor(limits.timeoutMs / 4)));
    this.watchdog = setInterval(() => this.expire(), every);
    this.watchdog.unref();
  }

  private open(): Lane {
    const lane = new Lane(this.pool, this.onMessage);
    lane.serving.then(
      () => undefined,
      (err: unknown) => this.lost(lane, err),
    );
    return lane;
  }

  private expire(): void {
    const now = Date.now();
    for (const lane of this.lanes) {
      const started = Number(Atomics.load(lane.started, 0));
      if (started > 0 && now - started > this.limits.timeoutMs && !lane.timedOut) {
        lane.timedOut = true;
        lane.controller.abort();
      }
    }
  }

  /** Files handed over and not yet answered: waiting here, or sent to a worker. */
  private get inFlight(): number {
    return this.lanes.reduce((n, lane) => n + lane.sent.length, this.pending.length);
  }

  private answered(lane: Lane, m: FromWorker): void {
    const i = lane.sent.findIndex((j) => j.id === m.id);
    if (i < 0) return;
    const [job] = lane.sent.splice(i, 1);
    job!.resolve('result' in m ? { ok: true, result: m.result } : { ok: false, code: 'corrupt', detail: m.error });
    this.pump();
  }

  /** The worker of `lane` is gone (stopped at the time limit, out of memory, crashed): its file is reported, the rest go on. */
  private lost(lane: Lane, err: unknown): void {
    // At the end every file is answered: the pool's own end is no loss.
    if (this.closing) return;
    lane.drain(this.onMessage);
    lane.port.close();
    const at = this.lanes.indexOf(lane);
    if (at < 0) return;
    const [current, ...queued] = lane.sent.splice(0);
    if (current) {
      const e = err as { name?: string; code?: string; message?: string };
      if (lane.timedOut || e.name === 'AbortError') current.resolve({ ok: false, code: 'timeout', detail: seconds(this.limits.timeoutMs) });
      else if (e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap/i.test(e.message ?? ''))
        current.resolve({ ok: false, code: 'out-of-memory', detail: `${this.limits.memoryMb} MB` });
      else current.resolve({ ok: false, code: 'corrupt', detail: e.message ?? String(err) });
    }
    // Never started: first in line for the replacement, in their order.
    this.pending.unshift(...queued);
    this.lanes[at] = this.open();
    this.pump();
  }

  private pump(): void {
    while (this.pending.length) {
      let best: Lane | null = null;
      for (const lane of this.lanes) if (lane.sent.length < this.depth && (!best || lane.sent.length < best.sent.length)) best = lane;
      if (!best) return;
      const job = this.pending.shift()!;
      best.sent.push(job);
      best.post({ id: job.id, task: job.task });
    }
  }

  run(task: FileTask): Promise<Outcome> {
    if (this.inFlight >= this.maxInFlight) throw new Error('FilePool.run: more files in flight than allowed');
    return new Promise<Outcome>((resolve) => {
      this.pending.push({ id: this.nextId++, task, resolve });
      this.pump();
    });
  }

  /**
   * Ends the workers. A worker still setting up (the audit stopped before its first file: an unreadable ledger it
   * was waiting for) never reads its port again, so the threads are ended rather than waited for.
   */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.watchdog);
    for (const lane of this.lanes) lane.post({ stop: true });
    await this.pool.destroy();
    for (const lane of this.lanes) lane.port.close();
  }
}
