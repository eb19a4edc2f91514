/**
 * Issue 14 through `recon audit` itself, with no --mapping: a batch mixing every variant and published layout, and
 * sheets that are not a 自评表 (a 填表说明 page naming every label, a contact list, the bureau's ledger), which must
 * stay unrecognized — and say which layout they came nearest to.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/run.js';
import { realWorkbook } from '../helpers/real-table.js';
import { variants } from '../fixtures/variants.js';

let dir: string;
let doc: {
  inputs: { file: string; status: string; sheets: { layout: string | null }[] }[];
  findings: { rule: string; file: string; cell: string | null; severity: string; message: string }[];
};

function sheetBook(rows: (string | number)[][], name = 'Sheet1'): Buffer {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), name);
  return XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

beforeAll(async () => {
  dir = path.join(os.tmpdir(), `recon-layouts-${process.pid}-${Date.now()}`);
  const input = path.join(dir, 'in');
  mkdirSync(input, { recursive: true });
  for (const [i, v] of variants.entries()) writeFileSync(path.join(input, `v${i}.xlsx`), realWorkbook(v.table));
  // A 填表说明 page: every label of the form, one under another, with what to write.
  writeFileSync(
    path.join(input, '填表说明.xlsx'),
    sheetBook(
      ['项目名称', '主管部门', '实施单位', '全年预算数', '全年执行数', '执行率', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '总分'].map((l) => [l, `填写${l}`]),
      '填表说明',
    ),
  );
  writeFileSync(path.join(input, '联系人.csv'), '\uFEFF姓名,科室,电话\n张三,办公室,0352-1234567\n');
  writeFileSync(
    path.join(input, '台账.xlsx'),
    sheetBook([
      ['单位代码', '单位名称', '项目编码', '项目名称', '全年预算数（元）', '全年执行数（元）'],
      ['007001', '某单位', '1401', '某项目', 70000, 66950],
    ]),
  );
  await runAudit({ inputs: ['in'], outDir: 'out', cwd: dir, jobs: 1 });
  doc = JSON.parse(readFileSync(path.join(dir, 'out', 'findings.json'), 'utf8'));
});

afterAll(() => {
  // left for a look when RECON_E2E_KEEP is set
  if (!process.env.RECON_E2E_KEEP) void import('node:fs').then((fs) => fs.rmSync(dir, { recursive: true, force: true }));
});

describe('recon audit with no --mapping', () => {
  it('reads every variant with the layout that fits it', () => {
    const layouts = variants.map((_, i) => doc.inputs.find((x) => x.file === `v${i}.xlsx`)?.sheets.map((s) => s.layout));
    expect(layouts).toEqual(variants.map((v) => [v.layout]));
  });

  it('raises exactly the errors and warnings each variant carries, at their cells', () => {
    // A variant's clean and faulty versions are one project submitted twice: batch.duplicate says so, and is not
    // what this test is about.
    const got = variants.map((_, i) =>
      doc.findings
        .filter((f) => f.file === `v${i}.xlsx` && f.severity !== 'info' && f.rule !== 'batch.duplicate')
        .map((f) => `${f.rule} ${f.cell}`)
        .sort(),
    );
    expect(got).toEqual(variants.map((v) => [...v.expected].sort()));
  });

  it('leaves a 填表说明 page, a contact list and a ledger unrecognized, never read as a table', () => {
    const status = (file: string) => doc.inputs.find((x) => x.file === file)?.status;
    expect([status('填表说明.xlsx'), status('联系人.csv'), status('台账.xlsx')]).toEqual(['unrecognized', 'unrecognized', 'unrecognized']);
  });

  it('names, for a file it does not recognise, the nearest layout and the labels the sheet lacked', () => {
    const f = doc.findings.find((x) => x.file === '联系人.csv')!;
    expect(f.rule).toBe('file.unrecognized');
    expect(f.message).toMatch(/最接近的格式是“[^”]+”，工作表“联系人”缺少：.*全年预算数/);
    const notes = doc.findings.find((x) => x.file === '填表说明.xlsx')!;
    expect(notes.message).toContain('不在同一表头');
  });
});
