import fs from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { writeSummaryWorkbook, type InputRecord } from '../../src/report/index.js';
import { allRuleMetas } from '../../src/rules/index.js';
import { finding, tmpDir, TITLES } from './helpers.js';

describe('writeSummaryWorkbook', () => {
  it('writes 按部门, 按问题类型, 文件 and 规则说明: rule ids only in the rule reference, layouts by name', () => {
    const inputs: InputRecord[] = [
      { file: 'z/ok.xlsx', sha256: 'a', status: 'audited', sheets: [{ name: '表1', layout: 'county', project: '雪亮工程' }, { name: '备注', layout: null, project: null }] },
      { file: 'b/bad.xlsx', sha256: 'b', status: 'unreadable', sheets: [] },
      { file: '=evil.csv', sha256: 'c', status: 'unrecognized', sheets: [{ name: 'x', layout: null, project: null }] },
      { file: 'z/clean.xlsx', sha256: 'd', status: 'audited', sheets: [{ name: '表1', layout: 'county', project: '保险' }] },
    ];
    const findings = [
      finding({ file: 'z/ok.xlsx', department: '公安局', severity: 'warning', rule: 'narrative.mismatch' }),
      finding({ file: 'z/ok.xlsx', department: '政法委', rule: 'fund.rate' }),
      finding({ file: 'z/ok.xlsx', department: '政法委', rule: 'fund.rate' }),
      finding({ file: 'b/bad.xlsx', department: null, rule: 'file.unreadable', sheet: null, cell: null, message: '加密' }),
      finding({ file: '=evil.csv', department: null, rule: 'file.unrecognized', sheet: null, cell: null, message: '没有工作表匹配任何映射' }),
    ];
    const file = path.join(tmpDir(), 'sub', 'summary.xlsx');
    writeSummaryWorkbook(file, inputs, findings, TITLES, { 'z/ok.xlsx': '政法委', 'b/bad.xlsx': '财政局', 'z/clean.xlsx': '政法委' }, {
      'z/ok.xlsx': 'annotated/z/ok.xlsx',
      'z/clean.xlsx': '无问题，未生成批注副本',
    }, { county: '项目支出绩效自评表（区县格式）' });
    const wb = XLSX.read(fs.readFileSync(file));
    expect(wb.SheetNames).toEqual(['按部门', '按问题类型', '文件', '规则说明']);
    const rows = (name: string) => XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[name] as XLSX.WorkSheet, { header: 1, defval: '' });
    expect(rows('按部门')).toEqual([
      ['部门', '错误', '警告', '提示', '合计'],
      ['政法委', 2, 0, 0, 2],
      ['未知部门', 2, 0, 0, 2],
      ['公安局', 0, 1, 0, 1],
      ['财政局', 0, 0, 0, 0],
    ]);
    expect(rows('按问题类型')).toEqual([
      ['问题类型', '严重程度', '数量'],
      ['文件无法读取', '错误（须整改）', 1],
      ['文件无法识别', '错误（须整改）', 1],
      ['执行率计算', '错误（须整改）', 2],
      ['其他问题', '警告（须说明）', 1],
    ]);
    expect(rows('文件')).toEqual([
      ['文件', '部门', '状态', '工作表', '说明', '批注副本'],
      [`'=evil.csv`, '', '无法识别', 'x', '没有工作表匹配任何映射', '未审核，无批注副本'],
      ['b/bad.xlsx', '财政局', '无法读取', '', '加密', '未审核，无批注副本'],
      ['z/clean.xlsx', '政法委', '已审核', '表1', '表格：表1（项目支出绩效自评表（区县格式），保险）', '无问题，未生成批注副本'],
      ['z/ok.xlsx', '政法委', '已审核', '表1、备注', '表格：表1（项目支出绩效自评表（区县格式），雪亮工程）；跳过：备注', 'annotated/z/ok.xlsx'],
    ]);
    // Every rule of the registry, its id beside its name, and nowhere else an id.
    const reference = rows('规则说明');
    expect(reference[0]).toEqual(['规则编号', '问题类型', '严重程度', '检查内容']);
    expect(reference.slice(1).map((r) => r[0])).toEqual(allRuleMetas.map((m) => m.id));
    expect(reference.find((r) => r[0] === 'fund.sum')?.slice(1, 3)).toEqual(['资金合计不符', '错误（须整改）']);
    for (const name of ['按部门', '按问题类型', '文件']) for (const m of allRuleMetas) expect(JSON.stringify(rows(name))).not.toContain(m.id);
  });
});
