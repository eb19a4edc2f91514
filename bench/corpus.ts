/**
 * `npm run corpus -- --departments 40 --tables 1000 --out DIR [--seed 1] [--fault-share 0.3]`
 * Writes DIR/submissions/<部门>/…, DIR/ledger/预算执行台账.csv and DIR/truth.json (what was injected, cell by cell).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCorpus } from './lib/corpus.js';

export function corpusArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      departments: { type: 'string', default: '40' },
      tables: { type: 'string', default: '1000' },
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'fault-share': { type: 'string', default: '0.3' },
    },
  });
  if (!values.out) throw new Error('corpus needs --out DIR');
  const departments = Number.parseInt(values.departments, 10);
  const tables = Number.parseInt(values.tables, 10);
  const faultShare = Number(values['fault-share']);
  if (!(departments >= 1) || !(tables >= departments + 2)) throw new Error('--departments ≥ 1 and --tables ≥ departments + 2');
  if (!(faultShare >= 0 && faultShare < 1)) throw new Error('--fault-share in [0, 1)');
  return { departments, tables, out: values.out, seed: values.seed, faultShare };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const o = corpusArgs(process.argv.slice(2));
  const t0 = performance.now();
  const truth = generateCorpus(o);
  const c = truth.counts;
  console.log(
    `corpus ${path.resolve(o.out)}: ${c.tables} tables (${c.faultyTables} with a fault, ${c.cleanTables} clean) in ${c.files} files ` +
      `(${c.badFiles} bad), ${(c.bytes / 1048576).toFixed(1)} MB, ledger ${c.ledgerRows} rows, ${truth.expected.length} expected findings ` +
      `— ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}
