/**
 * Two builds of the tool, back to back on one corpus, in alternating runs: for a change whose effect is smaller
 * than this machine's drift (the machine is shared; a run alone can be 40 % off the next).
 *
 *   node --import tsx bench/ab.ts --a DIR_A --b DIR_B --corpus .bench/corpus-1000 [--rounds 5] [--jobs 1,2]
 *
 * DIR_A and DIR_B each hold a built tool (dist/cli/main.js) and its bench/audit-child.mjs, with node_modules
 * resolvable from there (the old build: a checkout of the base commit after `npm ci` and `tsc`). Each round runs the
 * SheetJS floor, then for every --jobs value A and B in turn (B first in odd rounds). Prints medians, the ratio to
 * the floor of the same rounds, and the peak memory of the process tree.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SUBMISSIONS } from './lib/corpus.js';
import { measure, measureAudit } from './lib/measure.js';

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    corpus: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    jobs: { type: 'string', default: '1,2' },
  },
});
if (!values.a || !values.b || !values.corpus) throw new Error('usage: ab.ts --a DIR --b DIR --corpus DIR [--rounds N] [--jobs 1,2]');
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dirs = { a: path.resolve(values.a), b: path.resolve(values.b) };
const corpus = path.resolve(values.corpus);
const rounds = Number(values.rounds);
const jobsList = values.jobs.split(',').map(Number);

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function audit(dir: string, jobs: number, out: string): Promise<{ ms: number; cpu: number; rss: number; pss: number }> {
  const o = await measureAudit(ROOT, { harness: dir, main: path.join(dir, 'dist/cli/main.js'), corpus, out, jobs });
  return { ms: o.ms!, cpu: o.cpuMs!, rss: o.treeRssMb!, pss: o.treePssMb! };
}

const floorMs: number[] = [];
const floorCpu: number[] = [];
const runs = new Map<string, { ms: number[]; cpu: number[]; rss: number[]; pss: number[] }>();
const key = (which: 'a' | 'b', jobs: number) => `${which} --jobs ${jobs}`;
for (let r = 0; r < rounds; r++) {
  const f = await measure(ROOT, [path.join(ROOT, 'bench/floor.mjs'), path.join(dirs.b, 'dist/read/xlsx.js'), path.join(corpus, SUBMISSIONS)]);
  floorMs.push(f.ms!);
  floorCpu.push(f.cpuMs!);
  const line = [`floor ${f.ms!.toFixed(0)}`];
  for (const jobs of jobsList)
    for (const which of (r % 2 ? ['b', 'a'] : ['a', 'b']) as ('a' | 'b')[]) {
      const x = await audit(dirs[which], jobs, path.join(ROOT, '.bench', `ab-out-${which}`));
      const k = key(which, jobs);
      if (!runs.has(k)) runs.set(k, { ms: [], cpu: [], rss: [], pss: [] });
      runs.get(k)!.ms.push(x.ms);
      runs.get(k)!.cpu.push(x.cpu);
      runs.get(k)!.rss.push(x.rss);
      runs.get(k)!.pss.push(x.pss);
      line.push(`${k} ${x.ms.toFixed(0)} (cpu ${x.cpu.toFixed(0)})`);
    }
  console.error(`round ${r + 1}/${rounds}: ${line.join(', ')}`);
}
const floor = median(floorMs);
console.log(`floor (SheetJS read only): median ${floor.toFixed(0)} ms of ${floorMs.map((x) => x.toFixed(0)).join(' / ')}; CPU ${median(floorCpu).toFixed(0)} ms`);
for (const [k, v] of runs)
  console.log(
    `${k.padEnd(12)} median ${median(v.ms).toFixed(0).padStart(6)} ms  ÷ floor ${(median(v.ms) / floor).toFixed(2)}  CPU ${median(v.cpu).toFixed(0)} ms (÷ floor's ${(median(v.cpu) / median(floorCpu)).toFixed(2)})  peak RSS / PSS (tree) ${Math.max(...v.rss).toFixed(0)} / ${Math.max(...v.pss).toFixed(0)} MB   runs ${v.ms.map((x) => x.toFixed(0)).join(' / ')}`,
  );
