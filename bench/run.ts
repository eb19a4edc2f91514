/**
 * `npm run bench [-- --sizes 1000,5000 --repeat 3 --departments 40]`
 *
 * On a generated bureau (bench/lib/corpus.ts, seeded) of each size, in one run:
 *   (a) the floor: only reading every file with SheetJS, in-process, one thread (bench/floor.mjs);
 *   (b) `recon audit` with --jobs 1 and --jobs 2, the built tool, every report written (bench/audit-child.mjs);
 * then the ratios, tables per second, peak resident memory, and detection against the corpus's ground truth.
 * Each figure is the median of --repeat runs, taken in turn (floor, jobs 1, jobs 2, floor, …) so that the machine's
 * drift falls on all three alike. Figures are printed and written to .bench/results.json.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Truth, generateCorpus, SUBMISSIONS } from './lib/corpus.js';
import { type ActualFinding, detect } from './lib/detection.js';
import { measure, measureAudit } from './lib/measure.js';
import { verifyReader } from './verify-reader.js';
import { verifyAnnotated } from './verify-annotated.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const WORK = path.join(ROOT, '.bench');
const BUILD = path.join(WORK, 'build');

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,5000' },
    repeat: { type: 'string', default: '3' },
    departments: { type: 'string', default: '40' },
    seed: { type: 'string', default: '1' },
  },
});
const sizes = values.sizes.split(',').map((s) => Number.parseInt(s, 10));
const repeat = Math.max(1, Number.parseInt(values.repeat, 10));
const departments = Number.parseInt(values.departments, 10);

interface Run {
  ms: number;
  maxRssMb: number;
  pssMb: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The tool as a user runs it (scripts/build.mjs, as `npm ci` builds it): plain JS, in reader processes of plain JS. */
async function build(): Promise<void> {
  rmSync(BUILD, { recursive: true, force: true });
  const { build: buildTool } = (await import(path.join(ROOT, 'scripts/build.mjs'))) as { build: (out: string, o: { force: boolean }) => Promise<void> };
  await buildTool(path.join(BUILD, 'dist'), { force: true });
  // dist/ finds package.json and mappings/ one level up, as in the repository
  cpSync(path.join(ROOT, 'package.json'), path.join(BUILD, 'package.json'));
  cpSync(path.join(ROOT, 'mappings'), path.join(BUILD, 'mappings'), { recursive: true });
  // …and node_modules, resolved upwards from .bench/build, is the repository's own.
}

async function floor(dir: string): Promise<Run> {
  const o = await measure(ROOT, [path.join(ROOT, 'bench/floor.mjs'), path.join(BUILD, 'dist/read/xlsx.js'), path.join(dir, SUBMISSIONS)]);
  return { ms: o.ms!, maxRssMb: o.treeRssMb!, pssMb: o.treePssMb! };
}

/**
 * The machine's own ceiling for two threads on this kind of work: two floors at once, each in its own process.
 * Returns the speed-up two workers could at best give over one (2 × one floor ÷ the wall time of both).
 */
async function parallelCeiling(dir: string, oneMs: number): Promise<number> {
  const run = promisify(execFile);
  const args = [path.join(ROOT, 'bench/floor.mjs'), path.join(BUILD, 'dist/read/xlsx.js'), path.join(dir, SUBMISSIONS)];
  const t0 = performance.now();
  await Promise.all([run(process.execPath, args, { cwd: ROOT }), run(process.execPath, args, { cwd: ROOT })]);
  return (2 * oneMs) / (performance.now() - t0);
}

async function audit(dir: string, jobs: number, out: string): Promise<Run> {
  const o = await measureAudit(ROOT, { harness: ROOT, main: path.join(BUILD, 'dist/cli/main.js'), corpus: dir, out, jobs });
  return { ms: o.ms!, maxRssMb: o.treeRssMb!, pssMb: o.treePssMb! };
}

interface SizeResult {
  tables: number;
  files: number;
  mb: number;
  floorMs: number;
  floorRssMb: number;
  jobs1Ms: number;
  jobs2Ms: number;
  jobs1RssMb: number;
  jobs1PssMb: number;
  jobs2PssMb: number;
  jobs2RssMb: number;
  ratioJobs1ToFloor: number;
  speedupJobs2: number;
  /** What two SheetJS floors in two processes gain over one on this machine: the best two threads can do here. */
  parallelCeiling: number;
  tablesPerSecondJobs1: number;
  tablesPerSecondJobs2: number;
  recall: number;
  expected: number;
  found: number;
  falseAlarms: number;
  cleanTables: number;
  unexpected: number;
  runs: { floor: number[]; jobs1: number[]; jobs2: number[] };
}

async function benchSize(tables: number, checks: boolean): Promise<SizeResult> {
  const dir = path.join(WORK, `corpus-${tables}`);
  const t0 = performance.now();
  const truth: Truth = generateCorpus({ departments: Math.min(departments, tables - 2), tables, out: dir, seed: values.seed, faultShare: 0.3 });
  console.error(`  corpus: ${truth.counts.tables} tables in ${truth.counts.files} files, ${(truth.counts.bytes / 1048576).toFixed(1)} MB (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const outs = { 1: path.join(WORK, `out-${tables}-j1`), 2: path.join(WORK, `out-${tables}-j2`) };
  const runs = { floor: [] as Run[], jobs1: [] as Run[], jobs2: [] as Run[] };
  // one unmeasured round warms the page cache for all three
  await floor(dir);
  for (let k = 0; k < repeat; k++) {
    runs.floor.push(await floor(dir));
    runs.jobs1.push(await audit(dir, 1, outs[1]));
    runs.jobs2.push(await audit(dir, 2, outs[2]));
    console.error(`  round ${k + 1}/${repeat}: floor ${runs.floor.at(-1)!.ms.toFixed(0)} ms, jobs 1 ${runs.jobs1.at(-1)!.ms.toFixed(0)} ms, jobs 2 ${runs.jobs2.at(-1)!.ms.toFixed(0)} ms`);
  }
  const ceilings: number[] = [];
  for (let k = 0; k < repeat; k++) ceilings.push(await parallelCeiling(dir, median(runs.floor.map((r) => r.ms))));
  const doc = JSON.parse(readFileSync(path.join(outs[1], 'findings.json'), 'utf8')) as { findings: ActualFinding[] };
  const d = detect(truth, doc.findings);
  const same = readFileSync(path.join(outs[1], 'findings.json')).equals(readFileSync(path.join(outs[2], 'findings.json')));
  if (!same) console.error('  !! findings.json differs between --jobs 1 and --jobs 2');
  for (const m of d.missed.slice(0, 10)) console.error(`  missed: ${m.rule} ${m.file}#${m.sheet}!${m.cell} (${m.fault})`);
  for (const u of d.unexpected.slice(0, 10)) console.error(`  unexpected: ${u.count}× ${u.rule} (${u.severity}), e.g. ${u.examples[0]}`);
  if (checks) {
    const rc = verifyReader([path.join(dir, SUBMISSIONS)]);
    console.error(`  fast reader vs SheetJS: ${rc.fast} of ${rc.files} .xlsx read by the fast path, ${rc.different.length} differ, ${rc.fallback} declined ${JSON.stringify(rc.fallbackReasons)}`);
    for (const x of rc.different.slice(0, 5)) console.error(`  !! ${x}`);
    const an = verifyAnnotated(path.join(dir, SUBMISSIONS), outs[1]);
    console.error(`  annotated copies: ${an.checked} of ${an.files} open with SheetJS with their values, ${an.comments} comments, ${an.problems.length} problems`);
    for (const x of an.problems.slice(0, 5)) console.error(`  !! ${x}`);
  }
  const ms = (rs: Run[]) => median(rs.map((r) => r.ms));
  const rss = (rs: Run[]) => Math.max(...rs.map((r) => r.maxRssMb));
  const floorMs = ms(runs.floor);
  const jobs1Ms = ms(runs.jobs1);
  const jobs2Ms = ms(runs.jobs2);
  return {
    tables: truth.counts.tables,
    files: truth.counts.files,
    mb: truth.counts.bytes / 1048576,
    floorMs,
    floorRssMb: rss(runs.floor),
    jobs1Ms,
    jobs2Ms,
    jobs1RssMb: rss(runs.jobs1),
    jobs1PssMb: Math.max(...runs.jobs1.map((r) => r.pssMb)),
    jobs2PssMb: Math.max(...runs.jobs2.map((r) => r.pssMb)),
    jobs2RssMb: rss(runs.jobs2),
    ratioJobs1ToFloor: jobs1Ms / floorMs,
    speedupJobs2: jobs1Ms / jobs2Ms,
    parallelCeiling: median(ceilings),
    tablesPerSecondJobs1: (truth.counts.tables * 1000) / jobs1Ms,
    tablesPerSecondJobs2: (truth.counts.tables * 1000) / jobs2Ms,
    recall: d.recall,
    expected: d.expected,
    found: d.found,
    falseAlarms: d.falseAlarms,
    cleanTables: d.cleanTables,
    unexpected: d.unexpected.reduce((a, u) => a + u.count, 0),
    runs: { floor: runs.floor.map((r) => r.ms), jobs1: runs.jobs1.map((r) => r.ms), jobs2: runs.jobs2.map((r) => r.ms) },
  };
}

mkdirSync(WORK, { recursive: true });
console.error(`perf-recon bench: node ${process.version}, ${os.availableParallelism()} cores, ${os.cpus()[0]?.model ?? '?'}; sizes ${sizes.join(', ')}; median of ${repeat}`);
console.error('building the tool into .bench/build …');
await build();
const results: SizeResult[] = [];
for (const [i, n] of sizes.entries()) {
  console.error(`${n} tables:`);
  results.push(await benchSize(n, i === 0));
}

const f0 = (x: number) => x.toFixed(0);
const f2 = (x: number) => x.toFixed(2);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const rows: [string, (r: SizeResult) => string, string][] = [
  ['files (tables)', (r) => `${r.files} (${r.tables})`, ''],
  ['corpus size', (r) => `${r.mb.toFixed(1)} MB`, ''],
  ['(a) floor: SheetJS read only, 1 thread', (r) => `${f0(r.floorMs)} ms`, ''],
  ['(b) recon audit --jobs 1', (r) => `${f0(r.jobs1Ms)} ms`, ''],
  ['(b) recon audit --jobs 2', (r) => `${f0(r.jobs2Ms)} ms`, ''],
  ['jobs 1 ÷ floor', (r) => f2(r.ratioJobs1ToFloor), '≤ 1.30'],
  ['jobs 1 ÷ jobs 2 (speed-up)', (r) => f2(r.speedupJobs2), '≥ 1.70'],
  ['machine ceiling: 2 floors at once vs 1', (r) => f2(r.parallelCeiling), ''],
  ['tables per second, jobs 1', (r) => f0(r.tablesPerSecondJobs1), ''],
  ['tables per second, jobs 2', (r) => f0(r.tablesPerSecondJobs2), ''],
  ['peak RSS (process tree): floor', (r) => `${f0(r.floorRssMb)} MB`, ''],
  ['peak RSS (process tree): audit --jobs 1', (r) => `${f0(r.jobs1RssMb)} MB`, ''],
  ['peak RSS (process tree): audit --jobs 2', (r) => `${f0(r.jobs2RssMb)} MB`, 'flat in size'],
  ['peak PSS (process tree): jobs 1 / jobs 2', (r) => `${f0(r.jobs1PssMb)} / ${f0(r.jobs2PssMb)} MB`, ''],
  ['recall (right rule, file, sheet, cell)', (r) => `${pct(r.recall)} (${r.found}/${r.expected})`, '100 %'],
  ['false alarms (errors on clean tables)', (r) => `${r.falseAlarms} of ${r.cleanTables} tables`, '0'],
  ['findings the truth does not list', (r) => String(r.unexpected), '0'],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
const cols = results.map((r) => rows.map(([, f]) => f(r)));
const wc = cols.map((c) => Math.max(...c.map((s) => s.length), 12));
console.log('');
console.log(`${''.padEnd(w0)}  ${results.map((r, i) => `${r.tables} tables`.padStart(wc[i]!)).join('  ')}  target`);
rows.forEach(([label, , target], k) => {
  console.log(`${label.padEnd(w0)}  ${cols.map((c, i) => c[k]!.padStart(wc[i]!)).join('  ')}  ${target}`);
});
if (results.length > 1) {
  const a = results[0]!;
  const b = results.at(-1)!;
  console.log(
    `growth ${a.tables} → ${b.tables} tables (×${(b.tables / a.tables).toFixed(0)}): time ×${(b.jobs1Ms / a.jobs1Ms).toFixed(2)} (jobs 1), ×${(b.jobs2Ms / a.jobs2Ms).toFixed(2)} (jobs 2); ` +
      `peak RSS ×${(b.jobs1RssMb / a.jobs1RssMb).toFixed(2)} (jobs 1), ×${(b.jobs2RssMb / a.jobs2RssMb).toFixed(2)} (jobs 2)`,
  );
}
writeFileSync(path.join(WORK, 'results.json'), `${JSON.stringify({ node: process.version, cores: os.availableParallelism(), repeat, results }, null, 1)}\n`);
