/** Running a measuring script and its peak memory, process tree included. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { LEDGER_FILE, SUBMISSIONS } from './corpus.js';

/** A process and all its descendants now (the audit's reader processes are its children). */
function tree(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      for (const t of readdirSync(`/proc/${p}/task`))
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'latin1').split(' ').filter(Boolean)) stack.push(Number(c));
      out.push(p);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Memory of a process tree now, in bytes: resident (RSS, which counts the pages the processes share — Node's own
 * code, mapped once — in each of them) and proportional (PSS, each shared page split between its sharers: what the
 * tree takes from the machine).
 */
export function treeMemory(pid: number): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const p of tree(pid)) {
    try {
      const roll = readFileSync(`/proc/${p}/smaps_rollup`, 'latin1');
      rss += Number(/^Rss:\s+(\d+)/m.exec(roll)?.[1] ?? 0) * 1024;
      pss += Number(/^Pss:\s+(\d+)/m.exec(roll)?.[1] ?? 0) * 1024;
    } catch {
      // gone meanwhile
    }
  }
  return { rss, pss };
}

/**
 * Runs a measuring script (floor.mjs, audit-child.mjs) and takes its last line of JSON, with the CPU time of the
 * script and its children (cpuMs, user + system, from GNU time). Its peak memory is the
 * largest sum over it and its child processes, sampled every 20 ms (the reader processes of an audit are processes
 * of their own: getrusage of the script alone would leave them out, and RUSAGE_CHILDREN gives only the largest one).
 */
export async function measure(cwd: string, args: string[]): Promise<Record<string, number>> {
  // GNU time reports the CPU of the script and of every process it waited for (the readers): the work done, which
  // a shared machine's drift touches far less than the wall time.
  const proc = spawn('/usr/bin/time', ['-f', 'cpu-seconds %U %S', process.execPath, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  let rss = 0;
  let pss = 0;
  const sampler = setInterval(() => {
    const m = treeMemory(proc.pid!);
    rss = Math.max(rss, m.rss);
    pss = Math.max(pss, m.pss);
  }, 20);
  const status = await new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  clearInterval(sampler);
  if (status !== 0) throw new Error(`${args.join(' ')} failed (${status}): ${err}`);
  const o = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
  const cpu = /cpu-seconds ([\d.]+) ([\d.]+)/.exec(err);
  const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : Number.NaN;
  return { ...o, cpuMs, treeRssMb: Math.max(rss / 1048576, o.maxRssMb ?? 0), treePssMb: pss / 1048576 };
}

/**
 * One `recon audit` of a corpus as the bench runs it (bench/audit-child.mjs of `harness`, the built tool at `main`),
 * with the ledger, every report written to `out`; the corpus has errors, so the audit must end with 1. The corpus's
 * second layout (财政部 2020) is built in since issue 14; a build from before it gets the test mapping it had.
 */
const OLD_MAPPING = (harness: string) => path.join(harness, 'tests/fixtures/mappings/central-2020.json');

export async function measureAudit(root: string, o: { harness: string; main: string; corpus: string; out: string; jobs: number }): Promise<Record<string, number>> {
  rmSync(o.out, { recursive: true, force: true });
  const r = await measure(root, [
    path.join(o.harness, 'bench/audit-child.mjs'),
    o.main,
    path.join(o.corpus, SUBMISSIONS),
    '--ledger',
    path.join(o.corpus, LEDGER_FILE),
    ...(existsSync(OLD_MAPPING(o.harness)) ? ['--mapping', OLD_MAPPING(o.harness)] : []),
    '--out',
    o.out,
    '--jobs',
    String(o.jobs),
  ]);
  if (r.exitCode !== 1) throw new Error(`${o.main} --jobs ${o.jobs} exited ${r.exitCode}, expected 1 (the corpus has errors)`);
  return r;
}
