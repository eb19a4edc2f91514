/**
 * `--rules FILE` switches rules off and changes severities, and the exit code follows.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insurance, wageTable, xueliang } from '../helpers/workbooks.js';
import { type CliResult, type Finding, type FindingsDoc, readFindings, runAudit, tableXlsx, tempRoot, write, removeTempRoots } from './helpers.js';

afterAll(removeTempRoots);

let root: string;
const res: Record<'base' | 'disabled' | 'severity' | 'error', { run: CliResult; doc: FindingsDoc }> = {} as never;

const strip = (f: Finding) => ({ ...f, severity: undefined });

beforeAll(async () => {
  root = tempRoot();
  write(path.join(root, '政法委', '雪亮工程建设项目.xlsx'), tableXlsx(xueliang));
  write(path.join(root, '政法委', '专职网格员工资.xlsx'), tableXlsx(wageTable));
  write(path.join(root, '政法委', '网格员意外伤害保险.xlsx'), tableXlsx(insurance));
  write(path.join(root, 'disabled.json'), JSON.stringify({ disabled: ['narrative.mismatch'] }));
  write(path.join(root, 'severity.json'), JSON.stringify({ severity: { 'indicator.met-but-deducted': 'warning' } }));
  write(path.join(root, 'error.json'), JSON.stringify({ severity: { 'narrative.mismatch': 'error' } }));
  const go = async (name: keyof typeof res, extra: string[]) => {
    const run = await runAudit(['政法委', '--out', `out-${name}`, ...extra], root);
    res[name] = { run, doc: readFindings(path.join(root, `out-${name}`)) };
  };
  await Promise.all([go('base', []), go('disabled', ['--rules', 'disabled.json'])]);
  await Promise.all([go('severity', ['--rules', 'severity.json']), go('error', ['--rules', 'error.json'])]);
});

describe('--rules', () => {
  it('by default the seed tables raise narrative.mismatch warnings and met-but-deducted infos, and exit 0', () => {
    const { run, doc } = res.base;
    expect(run.code, run.stderr).toBe(0);
    expect(doc.findings.filter((f) => f.rule === 'narrative.mismatch')).toHaveLength(2);
    const met = doc.findings.filter((f) => f.rule === 'indicator.met-but-deducted');
    expect(met.length).toBeGreaterThan(0);
    expect(met.every((f) => f.severity === 'info')).toBe(true);
  });

  it('{ disabled: [narrative.mismatch] } removes those findings and nothing else', () => {
    const { run, doc } = res.disabled;
    expect(run.code, run.stderr).toBe(0);
    expect(doc.findings.filter((f) => f.rule === 'narrative.mismatch')).toEqual([]);
    expect(doc.findings).toEqual(res.base.doc.findings.filter((f) => f.rule !== 'narrative.mismatch'));
    expect(doc.summary.byRule['narrative.mismatch']).toBeUndefined();
    expect(doc.summary.warnings).toBe(res.base.doc.summary.warnings - 2);
  });

  it('{ severity: { indicator.met-but-deducted: warning } } changes the severity of those findings only', () => {
    const { run, doc } = res.severity;
    expect(run.code, run.stderr).toBe(0);
    expect(doc.findings.map(strip)).toEqual(res.base.doc.findings.map(strip));
    doc.findings.forEach((f, i) => {
      const base = res.base.doc.findings[i]!;
      expect(f.severity).toBe(f.rule === 'indicator.met-but-deducted' ? 'warning' : base.severity);
    });
    const met = res.base.doc.findings.filter((f) => f.rule === 'indicator.met-but-deducted').length;
    expect(doc.summary.warnings).toBe(res.base.doc.summary.warnings + met);
    expect(doc.summary.infos).toBe(res.base.doc.summary.infos - met);
  });

  it('raising a rule to error makes the exit code 1', () => {
    const { run, doc } = res.error;
    expect(run.code, run.stderr).toBe(1);
    expect(doc.findings.filter((f) => f.severity === 'error').map((f) => f.rule)).toEqual(['narrative.mismatch', 'narrative.mismatch']);
  });
});

describe('--rules with a rule id that does not exist', () => {
  it('is refused (exit 2, naming the id), so that a typo never leaves a rule on', async () => {
    write(path.join(root, 'typo.json'), JSON.stringify({ disabled: ['narative.mismatch'], severity: { 'no.such': 'error' } }));
    const run = await runAudit(['政法委', '--out', 'out-typo', '--rules', 'typo.json'], root);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('narative.mismatch');
    expect(run.stderr).toContain('no.such');
  });
});

describe('--rules that cannot be meant', () => {
  it('a misspelt setting is refused (exit 2, naming it), so that the default never stays in force unnoticed', async () => {
    write(path.join(root, 'misspelt.json'), JSON.stringify({ disable: ['narrative.mismatch'] }));
    const run = await runAudit(['政法委', '--out', 'out-misspelt', '--rules', 'misspelt.json'], root);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('规则文件有误');
    expect(run.stderr).toContain('disable');
  });

  it('a negative tolerance or weight is refused; notes for the reader ($schema, _说明) are not settings', async () => {
    write(path.join(root, 'negative.json'), JSON.stringify({ tolerance: '-1' }));
    const bad = await runAudit(['政法委', '--out', 'out-negative', '--rules', 'negative.json'], root);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('tolerance')]);
    write(path.join(root, 'noted.json'), JSON.stringify({ _说明: '本局口径', $schema: 'x', tolerance: '0' }));
    const ok = await runAudit(['政法委', '--out', 'out-noted', '--rules', 'noted.json'], root);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
