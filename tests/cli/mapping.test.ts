/**
 * `--mapping` adds a bureau's own layouts to the built-in ones (a mixed batch keeps both), and `recon inspect`
 * shows a mapping author what each cell was read as.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insurance, sheetOf, wageTable, workbookBuffer } from '../helpers/workbooks.js';
import { readFindings, removeTempRoots, runAudit, runCli, SHEET, tableXlsx, tempRoot, write } from './helpers.js';

afterAll(removeTempRoots);

const centralMapping = path.join(path.dirname(new URL(import.meta.url).pathname), '../fixtures/mappings/central-2020.json');
let root: string;

beforeAll(() => {
  root = tempRoot();
  write(path.join(root, 'in', '区县格式.xlsx'), tableXlsx(insurance));
  write(path.join(root, 'in', '中央格式.xlsx'), workbookBuffer([{ name: SHEET, ws: sheetOf(insurance, 'central') }]));
  write(path.join(root, 'wage.xlsx'), tableXlsx(wageTable));
});

describe('--mapping', () => {
  it('adds a layout to the built-in ones: both layouts of a mixed batch are read', async () => {
    const r = await runAudit(['in', '--mapping', centralMapping, '--out', 'out'], root);
    expect(r.code, r.stderr).toBe(0);
    const doc = readFindings(path.join(root, 'out'));
    expect(doc.inputs.map((i) => [i.file, i.status, i.sheets.map((s) => s.layout)])).toEqual([
      ['中央格式.xlsx', 'audited', ['central-2020']],
      ['区县格式.xlsx', 'audited', ['shanxi-county-2022']],
    ]);
  });

  it('without it the other region is not guessed', async () => {
    const r = await runAudit(['in', '--out', 'out-builtin'], root);
    const doc = readFindings(path.join(root, 'out-builtin'));
    expect(r.code).toBe(1);
    expect(doc.inputs.map((i) => [i.file, i.status])).toEqual([
      ['中央格式.xlsx', 'unrecognized'],
      ['区县格式.xlsx', 'audited'],
    ]);
  });
});

describe('recon inspect', () => {
  it('prints the mapping, each field with its cell, and how a figure with stray characters was read', async () => {
    const r = await runCli(['inspect', 'wage.xlsx'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`sheet "${SHEET}": mapping shanxi-county-2022`);
    expect(r.stdout).toMatch(/project\s+C4\s+专职网格员工资/);
    expect(r.stdout).toMatch(/rate\s+H9\s+100%\.\s+→ 数值 100（含多余字符，按此数处理）/);
    expect(r.stdout).toMatch(/actual\s+G14\s+＝70人\s+→ = 70 人/);
  });

  it('says, for a sheet no mapping fits, what each mapping missed', async () => {
    write(path.join(root, '联系人.csv'), '姓名,项目名称,电话\n张三,雪亮工程,0352-1234567\n');
    const r = await runCli(['inspect', '联系人.csv'], root);
    expect(r.stdout).toContain('no mapping matched');
    expect(r.stdout).toMatch(/not shanxi-county-2022: 缺少标签“预算单位”\(match\.all\)/);
    expect(r.stdout).not.toContain('缺少标签“项目名称”');
  });
});
