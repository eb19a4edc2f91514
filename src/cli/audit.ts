import path from 'node:path';
import { parseArgs } from 'node:util';
import { AuditSetupError, abandonStages, runAudit } from '../audit/index.js';
import { RulesConfigError } from '../rules/index.js';
import { UsageError, wholeOption } from './errors.js';
import type { Io } from './io.js';
import { progressBar } from './progress.js';

/** `recon audit <paths…> --out DIR [--previous EARLIER_OUT] [--ledger FILE] [--mapping FILE|DIR] [--rules FILE] [--jobs N] [--timeout S] [--memory MB]` */
export async function runAuditCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      ledger: { type: 'string' },
      'ledger-mapping': { type: 'string' },
      previous: { type: 'string' },
      mapping: { type: 'string', multiple: true },
      rules: { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      timeout: { type: 'string' },
      memory: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (!positionals.length) throw new UsageError('audit 需要至少一个文件、文件夹或通配符');
  if (!values.out) throw new UsageError('audit 需要 --out 输出文件夹');
  const jobs = wholeOption('--jobs', values.jobs, 1, 256);
  const timeoutS = wholeOption('--timeout', values.timeout, 1, 86_400);
  const memoryMb = wholeOption('--memory', values.memory, 32, 65_536);
  const bar = !values.quiet && io.tty ? progressBar(io.tty) : null;
  // Ctrl+C: say what was left undone instead of dying mid-line. Reports are written aside and moved in only when
  // complete: what was written aside goes, and --out stays as it was.
  const onInterrupt = () => {
    bar?.done();
    abandonStages();
    io.err('已中断：审核没有完成，没有生成新的 findings.json、整改清单和汇总表；输出文件夹保持原样');
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const res = await runAudit({
      inputs: positionals,
      outDir: values.out,
      ledger: values.ledger,
      ledgerMappingFile: values['ledger-mapping'],
      previous: values.previous,
      mappingSources: values.mapping,
      rulesFile: values.rules,
      jobs,
      timeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
      memoryMb,
      cwd: io.cwd,
      onProgress: bar ? (d, t) => bar.update(d, t) : undefined,
    });
    bar?.done();
    process.off('SIGINT', onInterrupt);
    for (const m of res.missingInputs) io.err(`提示：${m} 下没有找到工作簿`);
    const s = res.summary;
    const relative = path.relative(io.cwd, res.outDir) || '.';
    const rel = relative.startsWith('..') ? res.outDir : relative;
    if (!values.quiet) {
      io.out(
        `共 ${s.files} 个文件（已审核 ${s.audited}，无法读取 ${s.unreadable}，无法识别 ${s.unrecognized}），${s.tables} 张表：` +
          `错误 ${s.errors}，警告 ${s.warnings}，提示 ${s.infos}，涉及 ${s.departments} 个部门`,
      );
      if (res.progress) {
        const t = res.progress.reduce((a, p) => ({ fixed: a.fixed + p.fixed, open: a.open + p.open, new: a.new + p.new }), { fixed: 0, open: 0, new: 0 });
        const idle = res.progress.filter((p) => !p.resubmitted).length;
        io.out(`与上次审核相比：已整改 ${t.fixed}，仍未整改 ${t.open}，新增 ${t.new}${idle ? `；${idle} 个部门未重新报送` : ''}（见 summary.xlsx 的“整改进度”）`);
      }
      io.out(`报告：${rel}/findings.json、${rel}/summary.xlsx、${rel}/corrections/（${Object.keys(res.corrections).length} 份整改清单）、${rel}/annotated/`);
    }
    return res.exitCode;
  } catch (err) {
    bar?.done();
    process.off('SIGINT', onInterrupt);
    if (err instanceof AuditSetupError || err instanceof RulesConfigError) {
      io.err(err instanceof RulesConfigError ? `规则文件有误：${err.message}` : err.message);
      return 2;
    }
    throw err;
  }
}
