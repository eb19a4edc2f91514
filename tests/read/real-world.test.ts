import * as XLSX from 'xlsx';
import { describe, expect, it } from 'vitest';
import { checkTable, tableRules } from '../../src/rules/index.js';
import { defaultReadLimits } from '../../src/read/index.js';
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

  it('matches labels carrying a zero-width space or a required-field star, before or after', () => {
    const ws = sheetOf(insurance);
    ws['A4'] = { t: 's', v: '项目\u200b名称' };
    ws['A5'] = { t: 's', v: '*主管部门及代码' };
    ws['G5'] = { t: 's', v: '预算单位 *' };
    ws['A20'] = { t: 's', v: '总分＊' };
    const res = read(ws);
    const t = res.tables[0]!;
    expect([t.project.value, t.department.code, t.unit.code, t.total.value?.toFixed()]).toEqual(['网格员意外伤害保险', '007', '007001', '98.76']);
    expect(errorsAndWarnings(res)).toEqual([]);
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

/** The sheet's merges without those starting at the given cells, plus the given ranges. */
function remerge(ws: XLSX.WorkSheet, drop: string[], add: string[] = []): void {
  ws['!merges'] = [...(ws['!merges'] ?? []).filter((m) => !drop.includes(XLSX.utils.encode_cell(m.s))), ...add.map((r) => XLSX.utils.decode_range(r))];
}
const text = (v: string): XLSX.CellObject => ({ t: 's', v });

describe('headers, totals and labels as other templates draw them (QA round 3)', () => {
  it('finds 执行率 and 得分 merged down beside a 全年执行情况 group title over the amounts, and checks the rate', () => {
    const ws = sheetOf(insurance);
    for (const c of ['E', 'F', 'G']) ws[`${c}7`] = ws[`${c}6`]!;
    ws['E6'] = text('全年执行情况');
    delete ws['F6'];
    delete ws['G6'];
    remerge(ws, ['E6', 'F6', 'G6'], ['E6:G6']);
    expect(read(ws).tables[0]!.funds.columns).toEqual(['declared', 'initial', 'budget', 'executed', 'balance', 'rate', 'score']);
    ws['H8'] = { t: 'n', v: 96.54 };
    expect(errorsAndWarnings(read(ws))).toEqual(['fund.rate H8 资金总额的执行率应为 95.64%（6.695 ÷ 7 × 100），表中为 96.54%']);
  });

  it('finds 分值, 得分 and 偏差原因 merged down beside 指标名称 / 指标值 group titles', () => {
    const ws = sheetOf(insurance);
    for (const c of ['B', 'C', 'D', 'E', 'F', 'G']) ws[`${c}13`] = ws[`${c}12`]!;
    ws['B12'] = text('指标名称');
    ws['E12'] = text('指标值');
    for (const c of ['C', 'D', 'F', 'G']) delete ws[`${c}12`];
    remerge(ws, ['B12', 'C12', 'D12', 'E12', 'F12', 'G12'], ['B12:D12', 'E12:G12']);
    const res = read(ws);
    expect(res.tables[0]!.indicators.map((i) => i.weight.value?.toFixed())).toEqual(['20', '10', '10', '10', '30', '10']);
    expect(errorsAndWarnings(res)).toEqual([]);
  });

  it('reads the grade beside 总分 when the 偏差原因 header is worded otherwise', () => {
    for (const header of ['偏差原因及改进措施', '情况说明']) {
      const ws = sheetOf(insurance);
      ws['J12'] = text(header);
      const t = read(ws).tables[0]!;
      expect([t.grade?.value, t.grade?.cell]).toEqual(['优', 'J20']);
    }
  });

  it('ends the fund rows at a goal block headed 年度绩效目标 or 绩效目标', () => {
    for (const header of ['年度绩效目标', '绩效目标']) {
      const ws = sheetOf(insurance);
      ws['A10'] = text(header);
      const res = read(ws);
      expect([!!res.tables[0]!.funds.total, res.tables[0]!.funds.sources.length]).toEqual([true, 1]);
      expect(errorsAndWarnings(res)).toEqual([]);
    }
  });

  it('reads 总分 merged over the 分值 and 得分 columns, and the grade after a total merged over the grade column', () => {
    const left = sheetOf(insurance);
    left['H20'] = left['I20']!;
    delete left['I20'];
    remerge(left, ['A20'], ['A20:G20', 'H20:I20']);
    const t = read(left).tables[0]!;
    expect([t.total.value?.toFixed(), t.total.cell, t.grade?.value]).toEqual(['98.76', 'H20', '优']);
    const right = sheetOf(insurance);
    right['K20'] = right['J20']!;
    delete right['J20'];
    remerge(right, [], ['I20:J20']);
    right['!ref'] = 'A1:K28';
    const u = read(right).tables[0]!;
    expect([u.total.cell, u.grade?.value, u.grade?.cell]).toEqual(['I20', '优', 'K20']);
  });

  it('reads 总分：98.76 written in the label cell, and the grade still from its column', () => {
    const ws = sheetOf(insurance);
    ws['A20'] = text('总分：98.76');
    delete ws['I20'];
    const t = read(ws).tables[0]!;
    expect([t.total.value?.toFixed(), t.total.cell, t.grade?.value, t.grade?.cell]).toEqual(['98.76', 'A20', '优', 'J20']);
    expect(errorsAndWarnings(read(ws))).toEqual([]);
  });

  it('takes a row of units under a one-row fund header as part of the header, and its unit', () => {
    const ws = sheetOf(insurance);
    delete ws['D7'];
    remerge(ws, ['E6', 'F6', 'G6', 'H6', 'I6'], ['I6:J6']);
    for (const [c, unit] of Object.entries({ C: '（万元）', E: '（万元）', F: '（万元）', G: '（万元）', H: '（%）', I: '（分）' })) ws[`${c}7`] = text(unit);
    ws['A6'] = text('项目资金预算安排及执行进度');
    const res = read(ws);
    expect([!!res.tables[0]!.funds.total, res.tables[0]!.funds.sources.length]).toEqual([true, 1]);
    expect(res.tables[0]!.amountUnit).toBe('万元');
    expect(errorsAndWarnings(res)).toEqual([]);
  });

  it('knows the indicator columns by other names: 自评得分, 指标分值, 实际得分', () => {
    for (const [weight, score] of [['分值', '自评得分'], ['指标分值', '实际得分']]) {
      const ws = sheetOf(insurance);
      ws['H12'] = text(weight!);
      ws['I12'] = text(score!);
      const res = read(ws);
      expect(res.tables[0]!.total.value?.toFixed()).toBe('98.76');
      expect(errorsAndWarnings(res)).toEqual([]);
    }
  });

  it('reads a 合计 row as the total when the table has no 总分, and no indicator of it', () => {
    const ws = sheetOf(insurance);
    ws['A20'] = text('合计');
    const t = read(ws).tables[0]!;
    expect([t.total.value?.toFixed(), t.total.cell, t.indicators.length]).toEqual(['98.76', 'I20', insurance.indicators.length]);
  });

  it('accepts a grade written 优秀等次 or 优秀等级, and still flags a wrong one', () => {
    for (const grade of ['优秀等次', '优秀等级', '（优）', '优（98.76分）', '☑优 □良 □中 □差', '优■ 良□ 中□ 差□', '√优']) {
      const ws = sheetOf(insurance);
      ws['J20'] = text(grade);
      expect(errorsAndWarnings(read(ws))).toEqual([]);
    }
    const ws = sheetOf(insurance);
    ws['J20'] = text('良好等次');
    expect(errorsAndWarnings(read(ws))).toEqual(['score.grade J20 总分 98.76 对应的等级应为“优”，表中为“良好等次”']);
    ws['J20'] = text('□优 ☑良 □中 □差');
    expect(errorsAndWarnings(read(ws))).toEqual(['score.grade J20 总分 98.76 对应的等级应为“优”，表中为“□优 ☑良 □中 □差”']);
  });

  it('pins a blank 主管部门 or 项目名称 to where its neighbours’ values stand when the sheet has no merges', () => {
    for (const [blank, cell] of [['C5', 'C5'], ['C4', 'C4']] as const) {
      const ws = sheetOf(insurance);
      ws['!merges'] = [];
      delete ws[blank];
      const found = errorsAndWarnings(read(ws)).filter((f) => f.startsWith('form.required'));
      expect(found).toEqual([expect.stringMatching(new RegExp(`^form\\.required ${cell} `))]);
    }
  });

  it('reads 70000元 written into a table in 万元 as 7 万元', () => {
    const ws = sheetOf(insurance);
    ws['E9'] = text('70000元');
    ws['F9'] = text('66950元');
    const res = read(ws);
    expect(res.tables[0]!.funds.sources[0]!.values.budget!.value!.toFixed()).toBe('7');
    expect(errorsAndWarnings(res)).toEqual([]);
  });

  it('reads the sheet as a person sees it: hidden rows and columns are left out, in both readers', async () => {
    const { readWithSheetJS } = await import('../../src/read/xlsx.js');
    const ws = sheetOf(insurance);
    ws['!rows'] = [];
    ws['!rows'][8] = { hidden: true }; // the source row 9
    ws['!cols'] = [];
    ws['!cols'][9] = { hidden: true }; // column J: 偏差原因 and the grade
    const wb = XLSX.utils.book_new();
    XLSX.utils.book_append_sheet(wb, ws, '表1');
    const buf = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
    const t = load(buf).tables[0]!;
    expect([t.funds.sources.length, t.indicatorColumns.includes('reason'), t.grade?.value ?? null]).toEqual([0, false, null]);
    const sheet = readWithSheetJS(buf, defaultReadLimits, 'zip')[0]!;
    expect([[...(sheet.hiddenRows ?? [])], [...(sheet.hiddenCols ?? [])]]).toEqual([[8], [9]]);
  });

  it('takes no column from a small table of its own to the right of the form', () => {
    const ws = sheetOf(insurance);
    Object.assign(ws, { M6: text('得分'), N6: text('分值'), M8: text('总分'), N8: { t: 'n', v: 100 } });
    ws['!ref'] = 'A1:N28';
    const res = read(ws);
    expect(res.tables[0]!.funds.columns.includes('weight')).toBe(false);
    expect(errorsAndWarnings(res)).toEqual([]);
  });

  it('takes a row of units under the indicator header as part of the header', () => {
    const ws = sheetOf(insurance);
    remerge(ws, ['H12', 'I12']);
    ws['H13'] = text('（分）');
    ws['I13'] = text('（分）');
    const res = read(ws);
    expect(res.tables[0]!.indicators).toHaveLength(insurance.indicators.length);
    expect(errorsAndWarnings(res)).toEqual([]);
  });
});
