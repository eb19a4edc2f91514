import { Piscina } from 'piscina';
import type { AuditSetup, FileResult, FileTask } from './worker-task.js';

export interface PoolLimits {
  jobs: number;
  /** Per file, wall clock: a parse that takes longer is stopped and the file reported. */
  timeoutMs: number;
  /** Per worker heap: a file that needs more kills only its worker, not the run. */
  memoryMb: number;
}

/** Under tsx (development, tests) the worker is TypeScript and needs the loader; the built tool runs plain JS. */
function workerFile(): { filename: string; execArgv: string[] } {
  const self = new URL(import.meta.url);
  const ts = self.pathname.endsWith('.ts');
  const filename = new URL(ts ? './worker.ts' : './worker.js', self).href;
  const inherited = process.execArgv.filter((a) => !a.startsWith('--max-old-space-size'));
  const hasTsx = inherited.some((a) => a.includes('tsx'));
  return { filename, execArgv: ts && !hasTsx ? [...inherited, '--import', 'tsx'] : inherited };
}

export type Outcome = { ok: true; result: FileResult } | { ok: false; code: 'timeout' | 'out-of-memory' | 'corrupt'; detail: string };

export class FilePool {
  private readonly pool: Piscina;

  constructor(
    setup: AuditSetup,
    private readonly limits: PoolLimits,
  ) {
    const { filename, execArgv } = workerFile();
    this.pool = new Piscina({
      filename,
      execArgv,
      workerData: setup,
      minThreads: limits.jobs,
      maxThreads: limits.jobs,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: Math.min(64, limits.memoryMb / 4) },
    });
  }

  async run(task: FileTask): Promise<Outcome> {
    try {
      const result = (await this.pool.run(task, { signal: AbortSignal.timeout(this.limits.timeoutMs) })) as FileResult;
      return { ok: true, result };
    } catch (err) {
      const e = err as { name?: string; code?: string; message?: string };
      if (e.name === 'AbortError' || e.name === 'TimeoutError' || /abort/i.test(e.message ?? ''))
        return { ok: false, code: 'timeout', detail: `${Math.round(this.limits.timeoutMs / 1000)} 秒` };
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY' || /out of memory|heap/i.test(e.message ?? ''))
        return { ok: false, code: 'out-of-memory', detail: `${this.limits.memoryMb} MB` };
      return { ok: false, code: 'corrupt', detail: e.message ?? String(err) };
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
