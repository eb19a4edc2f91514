/**
 * The worker's own code (auditFile) run in this thread over a corpus: what one worker's files cost with no pool, no
 * main thread and no reports around them. Plain JS over the built tool (`npm run bench` builds it into .bench/build).
 *   node bench/worker-alone.mjs CORPUS_DIR [PASSES]        CORPUS_DIR as `npm run corpus` writes it
 * Each pass prints its time; the first is cold, as an audit's worker is. NOANN=1 skips the annotated copies.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
const D = path.resolve(process.env.DIST ?? '.bench/build/dist');
const { auditFile } = await import(D + '/audit/worker-task.js');
const { loadMappings } = await import(D + '/map/index.js');
const { defaultRulesConfig } = await import(D + '/rules/index.js');
const { defaultReadLimits } = await import(D + '/read/index.js');
const { loadLedger } = await import(D + '/audit/ledger.js');
const dir = path.resolve(process.argv[2]);
const passes = Number(process.argv[3] ?? 1);
const files = readdirSync(path.join(dir, 'submissions'), { withFileTypes: true, recursive: true }).filter(e => e.isFile()).map(e => path.join(e.parentPath, e.name)).sort();
const mappingSources = [path.resolve('mappings')];
const ledger = await loadLedger(path.join(dir, 'ledger/预算执行台账.csv'), null);
const p = { setup: { mappingSources, rulesFile: null, ledgerChannel: null, outDir: '/tmp/x', limits: defaultReadLimits }, mappings: loadMappings(mappingSources), params: defaultRulesConfig, ledger };
for (let k = 0; k < passes; k++) {
  const t0 = performance.now();
  let tables = 0;
  for (const f of files) { const r = await auditFile(p, { path: f, file: f, annotated: process.env.NOANN ? null : '/tmp/x/a.xlsx' }); tables += r.keys.length; }
  console.error(`pass ${k + 1}: ${files.length} files ${tables} tables ${(performance.now() - t0).toFixed(0)} ms`);
}
