import path from 'node:path';
import { parseArgs } from 'node:util';
import { AuditSetupError, runAudit } from '../audit/run.js';
import { RulesConfigError } from '../rules/index.js';
import { UsageError } from './errors.js';
import { progressBar } from './progress.js';

/** `recon audit <paths…> --out DIR [--ledger FILE] [--mapping FILE|DIR] [--rules FILE] [--jobs N] [--timeout S] [--memory MB]` */
export async function runAuditCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      ledger: { type: 'string' },
      'ledger-mapping': { type: 'string' },
      mapping: { type: 'string', multiple: true },
      rules: { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      timeout: { type: 'string' },
      memory: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (!positionals.length) throw new UsageError('audit needs at least one file, folder or glob');
  if (!values.out) throw new UsageError('audit needs --out DIR');
  const jobs = values.jobs === undefined ? undefined : Number.parseInt(values.jobs, 10);
  if (jobs !== undefined && !(jobs >= 1)) throw new UsageError('--jobs takes a whole number ≥ 1');
  const timeoutS = values.timeout === undefined ? undefined : Number.parseInt(values.timeout, 10);
  if (timeoutS !== undefined && !(timeoutS >= 1)) throw new UsageError('--timeout takes seconds ≥ 1');
  const memoryMb = values.memory === undefined ? undefined : Number.parseInt(values.memory, 10);
  if (memoryMb !== undefined && !(memoryMb >= 32)) throw new UsageError('--memory takes megabytes ≥ 32');
  const bar = !values.quiet && process.stderr.isTTY ? progressBar(process.stderr) : null;
  try {
    const res = await runAudit({
      inputs: positionals,
      outDir: values.out,
      ledger: values.ledger,
      ledgerMappingFile: values['ledger-mapping'],
      mappingSources: values.mapping,
      rulesFile: values.rules,
      jobs,
      timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
      memoryMb,
      onProgress: bar ? (d, t) => bar.update(d, t) : undefined,
    });
    bar?.done();
    for (const m of res.missingInputs) console.error(`warning: nothing found for ${m}`);
    const s = res.summary;
    const relative = path.relative(process.cwd(), res.outDir) || '.';
    const rel = relative.startsWith('..') ? res.outDir : relative;
    if (!values.quiet) {
      console.log(
        `${s.files} files (${s.audited} audited, ${s.unreadable} unreadable, ${s.unrecognized} unrecognized), ${s.tables} tables: ` +
          `${s.errors} errors, ${s.warnings} warnings, ${s.infos} info, ${s.departments} departments`,
      );
      console.log(`reports: ${rel}/findings.json, ${rel}/summary.xlsx, ${rel}/corrections/ (${Object.keys(res.corrections).length} 整改清单), ${rel}/annotated/`);
    }
    return res.exitCode;
  } catch (err) {
    bar?.done();
    if (err instanceof AuditSetupError || err instanceof RulesConfigError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
}
