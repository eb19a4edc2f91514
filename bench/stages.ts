/**
 * Where the time goes, stage by stage, in one thread: read (SheetJS → grid), match, extract, normalize (zod),
 * rules, annotate (the workbooks with findings, read again). Run: node --import tsx bench/stages.ts CORPUS_DIR [--no-annotate]
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { extract, loadMappings, matchSheet } from '../src/map/index.js';
import { normalize } from '../src/model/index.js';
import { readBuffer } from '../src/read/index.js';
import { annotateWorkbook, annotatedPath } from '../src/report/index.js';
import { checkTable, ruleTitles, tableRules } from '../src/rules/index.js';
import { loadLedger } from '../src/audit/ledger.js';
import { listWorkbooks } from './lib/files.js';

const dir = path.resolve(process.argv[2] ?? '');
const annotate = !process.argv.includes('--no-annotate');
// --rounds N: the figures of the last round, when the JIT has warmed up (the first round also compiles).
const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 1;
const sub = path.join(dir, 'submissions');
const files = listWorkbooks(sub);
const mappings = loadMappings([path.resolve('mappings')]);
const ledger = await loadLedger(path.join(dir, 'ledger/预算执行台账.csv'), null);
// Under .bench, like the bench's own outputs: this machine's /tmp creates files several times slower.
const out = path.resolve('.bench/stages-out');
rmSync(out, { recursive: true, force: true });
let t: Record<string, number> = {};
let tables = 0;
let byFormat: Record<string, number> = {};
const lap = (k: string, t0: number) => {
  const now = performance.now();
  t[k]! += now - t0;
  return now;
};
let start = 0;
for (let round = 0; round < rounds; round++) {
t = { fs: 0, read: 0, match: 0, extract: 0, normalize: 0, rules: 0, annotate: 0 };
tables = 0;
byFormat = {};
start = performance.now();
for (const f of files) {
  let t0 = performance.now();
  const buf = readFileSync(f);
  t0 = lap('fs', t0);
  const ext = path.extname(f).slice(1).toLowerCase();
  let sheets: ReturnType<typeof readBuffer>['sheets'];
  try {
    sheets = readBuffer(buf, f).sheets;
  } catch {
    lap('read', t0);
    continue;
  }
  byFormat[`read.${ext}`] = (byFormat[`read.${ext}`] ?? 0) + performance.now() - t0;
  t0 = lap('read', t0);
  const findings = [];
  for (const s of sheets) {
    const m = matchSheet(s, mappings);
    t0 = lap('match', t0);
    if (!m) continue;
    const raw = extract(s, m);
    t0 = lap('extract', t0);
    const table = normalize(raw, f);
    t0 = lap('normalize', t0);
    findings.push(...checkTable(table, tableRules, undefined, ledger.index));
    t0 = lap('rules', t0);
    tables++;
  }
  // As an audit does: only a workbook with findings gets a copy, made from the file read once more.
  if (annotate && findings.length > 0) {
    annotateWorkbook(readFileSync(f), annotatedPath(out, path.relative(sub, f)), findings, ruleTitles);
    byFormat[`annotate.${ext}`] = (byFormat[`annotate.${ext}`] ?? 0) + performance.now() - t0;
    lap('annotate', t0);
  }
}
}
const total = performance.now() - start;
const row = (k: string, v: number) => `${k.padEnd(10)} ${v.toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)} %  ${(v / files.length).toFixed(3)} ms/file`;
console.log(`${files.length} files, ${tables} tables`);
for (const [k, v] of Object.entries(t)) console.log(row(k, v));
console.log(row('total', total));
for (const [k, v] of Object.entries(byFormat).sort()) console.log(`  ${k.padEnd(20)} ${v.toFixed(0).padStart(6)} ms`);
