/**
 * `--mapping` adds a bureau's own layouts to the built-in ones (a mixed batch keeps both), and `recon inspect`
 * shows a mapping author what each cell was read as.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insurance, sheetOf, wageTable, workbookBuffer } from '../helpers/workbooks.js';
import { realWorkbook } from '../helpers/real-table.js';
import { bureauFunds } from '../fixtures/bureau-funds.js';
import { readFindings, removeTempRoots, runAudit, runCli, SHEET, tableXlsx, tempRoot, write } from './helpers.js';

afterAll(removeTempRoots);

const bureauMapping = path.join(path.dirname(new URL(import.meta.url).pathname), '../fixtures/mappings/bureau-funds.json');
let root: string;

beforeAll(() => {
  root = tempRoot();
  write(path.join(root, 'in', '区县格式.xlsx'), tableXlsx(insurance));
  write(path.join(root, 'in', '中央格式.xlsx'), workbookBuffer([{ name: SHEET, ws: sheetOf(insurance, 'central') }]));
  write(path.join(root, 'in', '本局格式.xlsx'), realWorkbook(bureauFunds));
  write(path.join(root, 'wage.xlsx'), tableXlsx(wageTable));
});

describe('--mapping', () => {
  it('adds a layout to the built-in ones: every layout of a mixed batch is read', async () => {
    const r = await runAudit(['in', '--mapping', bureauMapping, '--out', 'out'], root);
    expect(r.code, r.stderr).toBe(0);
    const doc = readFindings(path.join(root, 'out'));
    expect(doc.inputs.map((i) => [i.file, i.status, i.sheets.map((s) => s.layout)])).toEqual([
      ['中央格式.xlsx', 'audited', ['central-2020']],
      ['区县格式.xlsx', 'audited', ['shanxi-county-2022']],
      ['本局格式.xlsx', 'audited', ['bureau-funds']],
    ]);
  });

  it('without it a layout of words no built-in one knows is not guessed', async () => {
    const r = await runAudit(['in', '--out', 'out-builtin'], root);
    const doc = readFindings(path.join(root, 'out-builtin'));
    expect(r.code).toBe(1);
    expect(doc.inputs.map((i) => [i.file, i.status])).toEqual([
      ['中央格式.xlsx', 'audited'],
      ['区县格式.xlsx', 'audited'],
      ['本局格式.xlsx', 'unrecognized'],
    ]);
  });
});

describe('recon inspect', () => {
  it('prints the mapping, each field with its cell, and how a figure with stray characters was read', async () => {
    const r = await runCli(['inspect', 'wage.xlsx'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`工作表“${SHEET}”：格式 shanxi-county-2022`);
    expect(r.stdout).toMatch(/项目名称（project）\s+C4\s+专职网格员工资/);
    expect(r.stdout).toMatch(/执行率（rate）\s+H9\s+100%\.\s+→ 数值 100（含多余字符，按此数处理）/);
    expect(r.stdout).toMatch(/实际完成值（actual）\s+G14\s+＝70人\s+→ = 70 人/);
  });

  it('says, for a sheet no layout fits, what each layout missed, the nearest one, and drafts a mapping that reads it once filled in', async () => {
    write(path.join(root, '联系人.csv'), '姓名,项目名称,电话\n张三,雪亮工程,0352-1234567\n');
    const r = await runCli(['inspect', '联系人.csv'], root);
    expect(r.stdout).toContain('没有符合的格式');
    expect(r.stdout).toMatch(/不是 shanxi-county-2022：缺少标签“预算单位”/);
    expect(r.stdout).not.toContain('缺少标签“项目名称”');
    expect(r.stdout).toMatch(/最接近的格式：generic（.+），缺少：全年预算数、全年执行数、三级指标/);
    // The draft is a mapping as it stands: the project's label is this sheet's, what was not found is marked.
    const json = r.stdout.slice(r.stdout.indexOf('{'), r.stdout.lastIndexOf('}') + 1);
    const draft = JSON.parse(json) as { match: { all: string[] }; funds: { columns: { budget: string[] } } };
    expect(draft.match.all).toEqual(['项目名称']);
    expect(draft.funds.columns.budget[0]).toMatch(/^待填写：/);
  });

  it('drafts from a bureau’s own form a mapping naming the labels that form writes', async () => {
    const r = await runCli(['inspect', 'in/本局格式.xlsx'], root);
    const json = r.stdout.slice(r.stdout.indexOf('{'), r.stdout.lastIndexOf('}') + 1);
    const draft = JSON.parse(json) as { funds: { columns: Record<string, string[]> }; indicators: { columns: Record<string, string[]> } };
    expect([draft.funds.columns.budget, draft.funds.columns.executed, draft.indicators.columns.level3]).toEqual([['核定经费'], ['已用经费'], ['指标内容']]);
  });
});
