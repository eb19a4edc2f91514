import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedFigures, figures } from '../helpers/project.js';
import { here, load, seedTables, xueliang, wageTable, insurance } from '../helpers/workbooks.js';

const samples = path.join(here, '../../samples/政法委');
const files = ['雪亮工程建设项目.xlsx', '专职网格员工资.xlsx', '网格员意外伤害保险.xlsx'];

describe('the seed tables in samples/', () => {
  files.forEach((file, i) => {
    it(`${file} reads to exactly the seed's figures and texts`, () => {
      const res = load(readFileSync(path.join(samples, file)), file);
      expect(res.status).toBe('audited');
      expect(res.tables).toHaveLength(1);
      expect(figures(res.tables[0]!)).toEqual(expectedFigures(seedTables[i]!));
    });
  });

  it('pins every value of 网格员意外伤害保险 to its cell', () => {
    const t = load(readFileSync(path.join(samples, files[2]!)), files[2]).tables[0]!;
    expect([t.project.cell, t.department.cell, t.unit.cell]).toEqual(['C4', 'C5', 'H5']);
    expect(t.department).toMatchObject({ code: '007', name: '中国共产党大同市云州区委员会政法委员会' });
    expect(t.unit.code).toBe('007001');
    const total = t.funds.total!;
    expect(total.label).toEqual({ value: '资金总额：', cell: 'B8' });
    const cells = Object.fromEntries(Object.entries(total.values).map(([k, f]) => [k, `${f.cell}=${f.value?.toFixed()}`]));
    expect(cells).toEqual({
      declared: 'C8=7',
      initial: 'D8=7',
      budget: 'E8=7',
      executed: 'F8=6.695',
      balance: 'G8=0.305',
      rate: 'H8=95.64',
      score: 'I8=9.56',
    });
    expect(t.funds.sources.map((r) => r.values.executed?.cell)).toEqual(['F9']);
    expect(t.indicators.map((i) => `${i.level3.cell} ${i.weight.cell}=${i.weight.value} ${i.score.cell}=${i.score.value}`)).toEqual([
      'D14 H14=20 I14=20',
      'D15 H15=10 I15=10',
      'D16 H16=10 I16=10',
      'D17 H17=10 I17=10',
      'D18 H18=30 I18=29.4',
      'D19 H19=10 I19=9.8',
    ]);
    // 一级指标 merged over four rows: every row points at the merge's top-left cell
    expect(t.indicators.slice(0, 4).map((i) => i.level1.cell)).toEqual(['B14', 'B14', 'B14', 'B14']);
    expect(t.indicators[3]!.target.comparison).toMatchObject({ op: '<=', unit: '元' });
    expect(t.indicators[3]!.target.comparison!.value.toFixed()).toBe('340');
    expect([t.total.cell, t.total.value?.toFixed(), t.grade?.cell, t.grade?.value]).toEqual(['I20', '98.76', 'J20', '优']);
    expect(t.analysis[0]).toMatchObject({ key: 'implementation', text: { cell: 'E21' } });
    expect(t.goal.target.cell).toBe('B11');
  });

  it('keeps the seed quirks: 100.00 shows two decimals, 100%. is dirty, 100% in a percent cell is 100', () => {
    const x = load(readFileSync(path.join(samples, files[0]!)), files[0]).tables[0]!;
    expect(x.funds.sources[0]!.values.rate).toMatchObject({ text: '100.00', decimals: 2, state: 'ok' });
    const w = load(readFileSync(path.join(samples, files[1]!)), files[1]).tables[0]!;
    expect(w.funds.total!.values.rate!.value!.toFixed()).toBe('100');
    expect(w.funds.sources[0]!.values.rate).toMatchObject({ text: '100%.', state: 'dirty' });
    expect(w.notes).toEqual([expect.objectContaining({ state: 'dirty', cell: 'H9', text: '100%.' })]);
    expect(w.indicators[0]!.target.comparison).toMatchObject({ op: '=', unit: '人' });
    expect(w.indicators[3]!.target.comparison).toMatchObject({ op: '=', unit: '万元/人' });
    expect(x.indicators[5]!.target.comparison).toBeNull(); // 及时: qualitative
  });

  it('reads the same seed data for all three (sanity of the fixtures)', () => {
    expect([xueliang, wageTable, insurance].map((t) => t.project)).toEqual(['“雪亮工程”建设项目', '专职网格员工资', '网格员意外伤害保险']);
  });
});
