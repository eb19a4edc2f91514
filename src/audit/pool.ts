import v8 from 'node:v8';
import { Piscina } from 'piscina';
import type { AuditSetup, FileResult, FileTask } from './worker-task.js';

export interface PoolLimits {
  jobs: number;
  /** Per file, from the moment a worker starts on it: a parse that takes longer is stopped and the file reported. */
  timeoutMs: number;
  /** Per worker heap: a file that needs more kills only its worker, not the run. */
  memoryMb: number;
}

/** What each worker is started with: the audit's set-up, and where it notes when it starts a file. */
export interface WorkerInit {
  setup: AuditSetup;
  /** Per lane, Date.now() when the worker started the file of that lane; 0 while none runs. */
  starts: SharedArrayBuffer;
}

/** A file as handed to a worker: the lane it runs in names its slot in WorkerInit.starts. */
export interface LaneTask extends FileTask {
  lane: number;
}

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

/**
 * The worker threads of one audit. The time limit runs from when a worker starts a file (it says so through shared
 * memory), not from when the file was handed over, so neither a worker's boot nor a queue counts against a file.
 */
export class FilePool {
  private readonly pool: Piscina;
  private readonly starts: BigInt64Array;
  private readonly running = new Map<number, AbortController>();
  private readonly freeLanes: number[];
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    setup: AuditSetup,
    private readonly limits: PoolLimits,
    /** How many files may be handed over at once (each takes a lane); run() beyond that throws. */
    lanes = limits.jobs,
  ) {
    tuneTiering();
    const { filename, execArgv } = workerFile('worker');
    const shared = new SharedArrayBuffer(8 * lanes);
    this.starts = new BigInt64Array(shared);
    this.freeLanes = Array.from({ length: lanes }, (_, i) => lanes - 1 - i);
    const workerData: WorkerInit = { setup, starts: shared };
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
    const every = Math.max(10, Math.min(250, Math.floor(limits.timeoutMs / 4)));
    this.watchdog = setInterval(() => this.expire(), every);
    this.watchdog.unref();
  }

  private expire(): void {
    const now = Date.now();
    for (const [lane, controller] of this.running) {
      const started = Number(Atomics.load(this.starts, lane));
      if (started > 0 && now - started > this.limits.timeoutMs) controller.abort();
    }
  }

  async run(task: FileTask): Promise<Outcome> {
    const lane = this.freeLanes.pop();
    if (lane === undefined) throw new Error('FilePool.run: more files in flight than lanes');
    const controller = new AbortController();
    Atomics.store(this.starts, lane, 0n);
    this.running.set(lane, controller);
    try {
      const laneTask: LaneTask = { ...task, lane };
      const result = (await this.pool.run(laneTask, { signal: controller.signal })) as FileResult;
      return { ok: true, result };
    } catch (err) {
      const e = err as { name?: string; code?: string; message?: string };
      if (controller.signal.aborted || e.name === 'AbortError') return { ok: false, code: 'timeout', detail: seconds(this.limits.timeoutMs) };
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap/i.test(e.message ?? ''))
        return { ok: false, code: 'out-of-memory', detail: `${this.limits.memoryMb} MB` };
      return { ok: false, code: 'corrupt', detail: e.message ?? String(err) };
    } finally {
      this.running.delete(lane);
      Atomics.store(this.starts, lane, 0n);
      this.freeLanes.push(lane);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    await this.pool.destroy();
  }
}
