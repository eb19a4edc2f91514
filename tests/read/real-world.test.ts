import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { checkTable, tableRules } from '../../src/rules/index.js';
import { insurance, load, sheetOf, xueliang } from '../helpers/workbooks.js';

/**
 * What real submissions do that the templates do not (found by a QA pass on hand-made workbooks): each case is the
 * insurance seed table (fund rows 8–9, indicators 14–19, 总分 row 20) with one such change.
 */
function read(ws: XLSX.WorkSheet, more: { name: string; ws: XLSX.WorkSheet; hidden?: boolean }[] = []) {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, '表1');
  for (const m of more) XLSX.utils.book_append_sheet(wb, m.ws, m.name);
  wb.Workbook = { Sheets: [{ Hidden: 0 }, ...more.map((m) => ({ Hidden: m.hidden ? 1 : 0 }))] } as XLSX.WBProps;
  return load(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
}

const errorsAndWarnings = (res: ReturnType<typeof read>) =>
  res.tables.flatMap((t) => checkTable(t, tableRules)).filter((f) => f.severity !== 'info').map((f) => `${f.rule} ${f.cell} ${f.message}`);

describe('reading what real submissions do', () => {
  it('takes the unit of the amounts from a 单位：元 cell above the table', () => {
    const ws = sheetOf(insurance);
    // the block's title without its （万元）, the unit in a cell of its own
    for (const [a, c] of Object.entries(ws)) if (!a.startsWith('!') && typeof c.v === 'string' && c.v.startsWith('项目资金预算安排')) ws[a] = { t: 's', v: '项目资金预算安排及执行进度' };
    ws['J3'] = { t: 's', v: '单位：元' };
    for (const a of ['C8', 'D8', 'E8', 'C9', 'D9', 'E9']) ws[a] = { t: 'n', v: 70000 };
    const res = read(ws);
    expect(res.tables[0]!.amountUnit).toBe('元');
  });

  it('leaves a 小计 row inside the indicators out of the indicators', () => {
    const ws = sheetOf(xueliang, 'seed', {});
    const clean = read(sheetOf(xueliang)).tables[0]!.indicators.length;
    // the first 效益 row becomes a 小计 of the 产出 group
    const row = 14 + 7;
    ws[`C${row}`] = { t: 's', v: '小计' };
    ws[`D${row}`] = { t: 's', v: '' };
    expect(read(ws).tables[0]!.indicators.length).toBe(clean - 1);
  });

  it('reads a cached #N/A or #REF! as unreadable where a number is required, and as no project name', () => {
    const ws = sheetOf(insurance);
    ws['E9'] = { t: 'e', v: 0x2a, w: '#N/A' };
    ws['C4'] = { t: 'e', v: 0x17, w: '#REF!' };
    const found = errorsAndWarnings(read(ws));
    expect(found).toContain('value.unreadable E9 市县区财政资金·全年预算数须为数字，表中“#N/A”无法识别为数值，相关校验已跳过');
    expect(found).toContain('form.required C4 缺少必填项：项目名称');
  });

  it('does not scale a rate whose format prints a literal percent sign (0.00\\%)', () => {
    const ws = sheetOf(insurance);
    ws['H8'] = { t: 'n', v: 95.64, z: '0.00\\%' };
    expect(read(ws).tables[0]!.funds.total!.values.rate!.value!.toFixed()).toBe('95.64');
  });

  it('matches labels carrying a zero-width space or a required-field star', () => {
    const ws = sheetOf(insurance);
    ws['A4'] = { t: 's', v: '项目\u200b名称' };
    ws['A5'] = { t: 's', v: '*主管部门及代码' };
    const t = read(ws).tables[0]!;
    expect([t.project.value, t.department.code]).toEqual(['网格员意外伤害保险', '007']);
  });

  it('reads a department code written after the name or in a cell of its own', () => {
    const after = sheetOf(insurance);
    after['C5'] = { t: 's', v: '中国共产党大同市云州区委员会政法委员会（007）' };
    expect(read(after).tables[0]!.department.code).toBe('007');
    const own = sheetOf(insurance);
    own['C5'] = { t: 's', v: '007' };
    own['D5'] = { t: 's', v: '中国共产党大同市云州区委员会政法委员会' };
    own['!merges'] = (own['!merges'] ?? []).filter((m) => XLSX.utils.encode_cell(m.s) !== 'C5');
    const t = read(own).tables[0]!;
    expect([t.department.code, t.department.name, t.department.cell]).toEqual(['007', '中国共产党大同市云州区委员会政法委员会', 'C5']);
  });

  it('ends the indicators at signatures when the 总分 row is gone', () => {
    const ws = sheetOf(insurance);
    for (const a of Object.keys(ws)) if (/^[A-Z]+20$/.test(a)) delete ws[a];
    ws['!merges'] = (ws['!merges'] ?? []).filter((m) => m.s.r !== 19);
    ws['D20'] = { t: 's', v: '审核人：李四' };
    ws['H20'] = { t: 's', v: '填报日期' };
    const res = read(ws);
    expect(res.tables[0]!.indicators).toHaveLength(insurance.indicators.length);
    expect(errorsAndWarnings(res).filter((f) => f.startsWith('value.'))).toEqual([]);
  });

  it('leaves a hidden draft sheet out when a visible sheet holds the table', () => {
    const res = read(sheetOf(insurance), [{ name: '草稿', ws: sheetOf(xueliang), hidden: true }]);
    expect(res.sheets.map((s) => [s.name, s.layout])).toEqual([
      ['表1', 'shanxi-county-2022'],
      ['草稿', null],
    ]);
    // …and audits it when it is the only table, rather than losing it
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, sheetOf(insurance), '隐藏的表');
    wb.Workbook = { Sheets: [{ Hidden: 1 }] } as XLSX.WBProps;
    expect(load(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer).status).toBe('audited');
  });

  it('reads every table of a sheet that holds several, one under another, each with its own cells', () => {
    const stacked: XLSX.WorkSheet = {};
    const merges: XLSX.Range[] = [];
    let offset = 0;
    let lastRow = 0;
    for (const t of [xueliang, insurance]) {
      const ws = sheetOf(t);
      for (const [a, cell] of Object.entries(ws)) {
        if (a.startsWith('!')) continue;
        const p = XLSX.utils.decode_cell(a);
        stacked[XLSX.utils.encode_cell({ r: p.r + offset, c: p.c })] = cell;
        lastRow = Math.max(lastRow, p.r + offset);
      }
      for (const m of ws['!merges'] ?? []) merges.push({ s: { r: m.s.r + offset, c: m.s.c }, e: { r: m.e.r + offset, c: m.e.c } });
      offset = lastRow + 3;
    }
    stacked['!merges'] = merges;
    stacked['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: lastRow, c: 12 } });
    const res = read(stacked);
    expect(res.tables.map((t) => [t.project.value, t.total.value?.toFixed(), t.sheet])).toEqual([
      ['“雪亮工程”建设项目', '94.85', '表1'],
      ['网格员意外伤害保险', '98.76', '表1'],
    ]);
    const second = res.tables[1]!;
    expect(Number(second.project.cell!.slice(1))).toBeGreaterThan(30);
    expect(second.indicators).toHaveLength(insurance.indicators.length);
    expect(errorsAndWarnings(res).filter((f) => !f.startsWith('narrative.'))).toEqual([]);
  });
});
