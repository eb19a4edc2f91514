/**
 * A rule that throws is never silent: the table it was checking gets a rule.failed finding (error, 本表未完成审核),
 * in findings.json, the correction list, summary.xlsx and the annotated copy, and the run does not end in 0.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TableRule, allRuleMetas, checkTable, parseRulesConfig, ruleFailedMeta, tableRules } from '../../src/rules/index.js';
import { type CliResult, type FindingsDoc, csvRows, readFindings, removeTempRoots, runAudit, sheetRows, tableXlsx, tempRoot, write } from '../cli/helpers.js';
import { insurance, roundTrip } from '../helpers/workbooks.js';

afterAll(removeTempRoots);

const MESSAGE = '规则“执行率计算错误”在本表运行出错，本表未完成审核，请联系信息科';

describe('rule.failed in the engine', () => {
  const table = roundTrip(insurance, 'seed', {});
  const broken: TableRule = {
    meta: { ...tableRules.find((r) => r.meta.id === 'fund.rate')!.meta },
    check() {
      throw new TypeError("Cannot read properties of undefined (reading 'value')");
    },
  };

  it('is in the registry with its meta', () => {
    expect(allRuleMetas).toContainEqual(ruleFailedMeta);
    expect(ruleFailedMeta).toMatchObject({ id: 'rule.failed', severity: 'error', title: expect.stringMatching(/[\u4e00-\u9fff]/) });
  });

  it('a rule that throws becomes an error finding naming the rule and the table; the other rules still run', () => {
    const rules = tableRules.map((r) => (r.meta.id === 'fund.rate' ? broken : r));
    const clean = checkTable(table, tableRules);
    const out = checkTable(table, rules);
    const failed = out.filter((f) => f.rule === 'rule.failed');
    expect(failed).toEqual([
      {
        rule: 'rule.failed',
        severity: 'error',
        file: table.file,
        sheet: table.sheet,
        cell: null,
        department: expect.stringMatching(/政法委/),
        unit: expect.any(String),
        project: '网格员意外伤害保险',
        message: MESSAGE,
        expected: '完成审核',
        actual: '未完成审核',
        // its identity: the table's, and the rule that failed on it
        key: expect.stringMatching(/\|rule\.failed\|fund\.rate$/),
      },
    ]);
    expect(out.filter((f) => f.rule !== 'rule.failed')).toEqual(clean.filter((f) => f.rule !== 'fund.rate'));
  });

  it('a rules file can neither switch it off nor lower it', () => {
    expect(() => parseRulesConfig({ disabled: ['rule.failed'] })).toThrow('不能关闭“rule.failed”或改变它的严重程度');
    expect(() => parseRulesConfig({ severity: { 'rule.failed': 'info' } })).toThrow('不能关闭“rule.failed”或改变它的严重程度');
    // and the engine holds to it whatever configuration it is handed
    const params = { ...parseRulesConfig({}), disabled: ['rule.failed'], severity: { 'rule.failed': 'info' as const } };
    const out = checkTable(table, [broken], params);
    expect(out.map((f) => [f.rule, f.severity])).toEqual([['rule.failed', 'error']]);
  });
});

describe('rule.failed end to end: a rule that throws inside the reader processes', () => {
  let root: string;
  let run: CliResult;
  let doc: FindingsDoc;
  const out = () => path.join(root, 'out');

  beforeAll(async () => {
    root = tempRoot();
    write(path.join(root, 'b', '政法委', '保险.xlsx'), tableXlsx(insurance));
    // Readers from the sources, where a preloaded module can reach the rule (the built reader is one bundle).
    const saved = { script: process.env.RECON_READER_SCRIPT, flags: process.env.RECON_READER_FLAGS };
    delete process.env.RECON_READER_SCRIPT;
    process.env.RECON_READER_FLAGS = `--import ${pathToFileURL(path.join(import.meta.dirname, 'throwing-rule.mjs')).href}`;
    try {
      run = await runAudit(['b', '--out', 'out', '--jobs', '1'], root);
    } finally {
      if (saved.script !== undefined) process.env.RECON_READER_SCRIPT = saved.script;
      if (saved.flags === undefined) delete process.env.RECON_READER_FLAGS;
      else process.env.RECON_READER_FLAGS = saved.flags;
    }
    doc = readFindings(out());
  });

  it('the run ends with exit code 1, and findings.json says the table was not fully checked', () => {
    expect(run.code, run.stderr).toBe(1);
    const failed = doc.findings.filter((f) => f.rule === 'rule.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ severity: 'error', file: '政法委/保险.xlsx', sheet: '项目支出绩效自评表', project: '网格员意外伤害保险', message: MESSAGE });
    expect(doc.summary.errors).toBeGreaterThan(0);
    expect(doc.summary.byRule['rule.failed']).toBe(1);
  });

  it('the correction list has it, in words', () => {
    const [file] = fs.readdirSync(path.join(out(), 'corrections')).filter((f) => f.endsWith('.csv'));
    const rows = csvRows(path.join(out(), 'corrections', file!));
    expect(rows.some((r) => r.includes(MESSAGE))).toBe(true);
    const xlsx = sheetRows(path.join(out(), 'corrections', file!.replace(/\.csv$/, '.xlsx')));
    expect(xlsx.some((r) => r.includes(MESSAGE))).toBe(true);
  });

  it('summary.xlsx counts it among the kinds of problem', () => {
    const rows = sheetRows(path.join(out(), 'summary.xlsx'), '按问题类型');
    expect(rows.find((r) => r[0] === ruleFailedMeta.title)?.slice(1)).toEqual(['错误（须整改）', 1]);
  });

  it('the annotated copy lists it in its 审核意见 sheet (it names no cell)', () => {
    const wb = XLSX.read(fs.readFileSync(path.join(out(), 'annotated', '政法委', '保险.xlsx')));
    const opinions = XLSX.utils.sheet_to_json<string[]>(wb.Sheets['审核意见']!, { header: 1 });
    expect(opinions.some((r) => String(r[1]).includes(MESSAGE))).toBe(true);
  });
});
