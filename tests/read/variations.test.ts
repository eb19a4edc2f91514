import * as XLSX from 'xlsx';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { expectedFigures, figures } from '../helpers/project.js';
import { insurance, load, roundTrip, seedTables, sheetOf, spec, workbookBuffer, xueliang } from '../helpers/workbooks.js';
import { readBuffer } from '../../src/read/index.js';
import { formRequired } from '../../src/rules/form.js';
import { checkTable } from '../../src/rules/index.js';

describe('the same fields are read whatever the submission looks like', () => {
  const variants = {
    'moved down 3 rows and right 2 columns': { offsetRows: 3, offsetCols: 2 },
    'merges removed': { noMerges: true },
    'labels with stray spaces and line breaks': { messyLabels: true },
    'numbers typed as full-width text': { fullWidthNumbers: true },
    'rates as fractions in percent-formatted cells': { percentFractions: true },
    'all of it at once': { offsetRows: 1, offsetCols: 1, noMerges: true, messyLabels: true, fullWidthNumbers: true },
  };
  for (const [name, o] of Object.entries(variants))
    for (const t of seedTables)
      it(`${name}: ${t.project}`, () => {
        expect(figures(roundTrip(t, 'seed', o))).toEqual(expectedFigures(t));
      });

  it('shifts every cell address with the table', () => {
    const moved = roundTrip(insurance, 'seed', { offsetRows: 3, offsetCols: 2 });
    expect([moved.project.cell, moved.funds.total!.values.budget!.cell, moved.total.cell]).toEqual(['E7', 'G11', 'K23']);
    expect(moved.indicators[0]!.score.cell).toBe('K17');
  });

  it('fills 一级/二级指标 down when the merges are gone', () => {
    const t = roundTrip(xueliang, 'seed', { noMerges: true });
    expect(t.indicators.map((i) => i.level1.value)).toEqual([...Array(7).fill('产出指标'), '效益指标', '效益指标', '满意度指标']);
    expect(t.indicators[1]!.level1.cell).toBe('B14');
  });

  it('reads an added fund-source row', () => {
    const t = spec(insurance, (s) => {
      s.funds[1] = { ...s.funds[1]!, budget: 5, declared: 5, initial: 5, executed: 4.695, rate: 93.9, score: 9.39 };
      s.funds.push({ label: '上级补助资金', declared: 2, initial: 2, budget: 2, executed: 2, balance: 0, rate: 100, score: 10 });
    });
    const read = roundTrip(t);
    expect(read.funds.sources.map((r) => [r.label.value, r.values.budget!.value!.toFixed(), r.values.budget!.cell])).toEqual([
      ['市县区财政资金', '5', 'E9'],
      ['上级补助资金', '2', 'E10'],
    ]);
    expect(figures(read)).toEqual(expectedFigures(t));
  });

  it('reads added and removed indicator rows', () => {
    const more = spec(insurance, (s) => {
      s.indicators.splice(1, 0, { ...s.indicators[0]!, level3: '新增指标', weight: 0, score: 0 });
    });
    expect(figures(roundTrip(more))).toEqual(expectedFigures(more));
    const fewer = spec(insurance, (s) => {
      s.indicators.splice(1, 2);
    });
    const read = roundTrip(fewer);
    expect(read.indicators).toHaveLength(4);
    expect(figures(read)).toEqual(expectedFigures(fewer));
  });

  it('reads three tables on three sheets of one workbook, and skips a notes sheet', () => {
    const notes = XLSX.utils.aoa_to_sheet([['填表说明'], ['请按模板填写，金额单位为万元。']]);
    const buf = workbookBuffer([
      { name: '说明', ws: notes },
      ...seedTables.map((t, i) => ({ name: `表${i + 1}`, ws: sheetOf(t) })),
    ]);
    const res = load(buf);
    expect(res.status).toBe('audited');
    expect(res.sheets.map((s) => [s.name, s.layout])).toEqual([
      ['说明', null],
      ['表1', 'shanxi-county-2022'],
      ['表2', 'shanxi-county-2022'],
      ['表3', 'shanxi-county-2022'],
    ]);
    expect(res.tables.map(figures)).toEqual(seedTables.map(expectedFigures));
  });

  it('matches no mapping for a contact list', () => {
    const ws = XLSX.utils.aoa_to_sheet([
      ['联系人名单'],
      ['姓名', '单位', '电话', '项目名称'],
      ['张三', '政法委', '0352-1234567', '雪亮工程'],
    ]);
    const res = load(workbookBuffer([{ name: '通讯录', ws }]));
    expect(res.status).toBe('unrecognized');
    expect(res.sheets).toEqual([{ name: '通讯录', layout: null, project: null }]);
  });

  it('skips a 填表说明 sheet that names every label of the form, one under the other', () => {
    const glossary = XLSX.utils.aoa_to_sheet([
      ['字段', '说明'],
      ['项目名称', '按预算批复的项目全称填写'],
      ['预算单位', '填写单位代码及名称'],
      ['全年预算数', '单位：万元'],
      ['全年执行数', '单位：万元'],
      ['三级指标', '按申报的绩效目标填写'],
      ['分值', '各项分值合计为100'],
      ['得分', '不超过分值'],
      ['总分', '指标得分与执行率得分之和'],
    ]);
    const res = load(workbookBuffer([{ name: '填表说明', ws: glossary }, { name: '表1', ws: sheetOf(insurance) }]));
    expect(res.sheets.map((s) => [s.name, s.layout])).toEqual([
      ['填表说明', null],
      ['表1', 'shanxi-county-2022'],
    ]);
  });

  it('still reads a table whose 总分 row is gone, so that the missing 总分 can be reported', () => {
    const ws = sheetOf(insurance);
    for (const addr of Object.keys(ws)) if (!addr.startsWith('!') && /^[A-Z]+20$/.test(addr)) delete ws[addr];
    ws['!merges'] = (ws['!merges'] ?? []).filter((m) => m.s.r !== 19);
    const res = load(workbookBuffer([{ name: '表1', ws }]));
    expect(res.status).toBe('audited');
    const t = res.tables[0]!;
    expect(t.indicators).toHaveLength(insurance.indicators.length);
    expect(t.total.state).toBe('absent');
    expect(checkTable(t, [formRequired]).map((f) => f.message)).toEqual(['缺少必填项：总分']);
  });

  it('reads a label and its value written in one cell (项目名称：…), pinned to that cell', () => {
    const ws = sheetOf(insurance);
    const join = (labelAddr: string, valueAddr: string) => {
      ws[labelAddr] = { t: 's', v: `${String(ws[labelAddr]!.v)}：${String(ws[valueAddr]!.v)}` };
      delete ws[valueAddr];
      ws['!merges'] = (ws['!merges'] ?? []).filter((m) => XLSX.utils.encode_cell(m.s) !== valueAddr);
    };
    join('A4', 'C4');
    join('A5', 'C5');
    join('G5', 'H5');
    const res = load(workbookBuffer([{ name: '表1', ws }]));
    expect(res.status).toBe('audited');
    const t = res.tables[0]!;
    expect([t.project.value, t.project.cell]).toEqual(['网格员意外伤害保险', 'A4']);
    expect([t.department.code, t.department.cell]).toEqual(['007', 'A5']);
    expect([t.unit.code, t.unit.cell]).toEqual(['007001', 'G5']);
    expect(figures(t)).toEqual(expectedFigures(insurance));
  });

  it('reads BIFF8 .xls the same as .xlsx', () => {
    for (const t of seedTables) expect(figures(roundTrip(t, 'seed', {}, 'biff8'))).toEqual(expectedFigures(t));
  });
});

describe('CSV submissions', () => {
  const csv = XLSX.utils.sheet_to_csv(sheetOf(insurance));
  const utf8 = Buffer.from(csv, 'utf8');
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
  const gb = iconv.encode(csv, 'gb18030');
  // Excel's 「Unicode 文本」: UTF-16LE with its byte-order mark, tab-separated.
  const tsv = XLSX.utils.sheet_to_csv(sheetOf(insurance), { FS: '\t' });
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]);
  const semicolons = Buffer.from(XLSX.utils.sheet_to_csv(sheetOf(insurance), { FS: ';' }), 'utf8');
  const variants = { 'UTF-8': utf8, 'UTF-8 with BOM': bom, GB18030: gb, 'UTF-16 tab-separated': utf16, 'semicolon-separated': semicolons };
  for (const [name, buf] of Object.entries(variants))
    it(`reads a ${name} CSV to the same figures`, () => {
      const res = load(buf, 'table.csv');
      expect(res.status).toBe('audited');
      expect(figures(res.tables[0]!)).toEqual(expectedFigures(insurance));
    });

  it('reads a CSV or tab-separated export saved under an .xls name as the text it is', () => {
    for (const buf of [gb, utf8, utf16]) {
      const res = load(buf, 'table.xls');
      expect(res.status).toBe('audited');
      expect(figures(res.tables[0]!)).toEqual(expectedFigures(insurance));
    }
  });

  it('is not fooled by GB18030 bytes that happen to be valid text', () => {
    expect(gb.equals(utf8)).toBe(false);
    const sheet = readBuffer(gb, 'table.csv').sheets[0]!;
    expect(sheet.own(3, 0)?.text).toBe('项目名称');
  });
});

describe('a layout of another region needs only a mapping file', () => {
  for (const t of seedTables)
    it(`reads ${t.project} in the central (财预〔2020〕10号) layout`, () => {
      const read = roundTrip(t, 'central');
      expect(read.layout).toBe('central-2020');
      const f = figures(read);
      const e = expectedFigures(t);
      expect(f.project).toBe(e.project);
      expect(f.unit).toBe(e.unit);
      expect(read.funds.columns).toEqual(['initial', 'budget', 'executed', 'weight', 'rate', 'score']);
      expect(f.funds.map((r) => [r.kind, r.values.budget, r.values.executed, r.values.rate])).toEqual(
        e.funds.map((r) => [r.kind, r.values.budget, r.values.executed, r.values.rate]),
      );
      expect(read.funds.total!.values.weight!.value!.toFixed()).toBe('10');
      expect(f.indicators).toEqual(e.indicators);
      expect(f.total).toBe(e.total);
      expect(read.grade).toBeNull();
      expect(read.funds.total!.values.balance).toBeUndefined();
    });

  it('still reads the central layout with its merges removed and moved', () => {
    const read = roundTrip(insurance, 'central', { noMerges: true, offsetRows: 2, offsetCols: 1 });
    expect(figures(read).indicators).toEqual(expectedFigures(insurance).indicators);
  });
});
