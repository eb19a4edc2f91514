import { describe, expect, it } from 'vitest';
import { type Finding, checkTable, defaultRulesConfig, tableRules } from '../../src/rules/index.js';
import { type Layout, type RenderOptions, type TableSpec, insurance, roundTrip, wageTable, xueliang } from '../helpers/workbooks.js';

/*
 * SPEC.md's worked example: the three seed tables pass every arithmetic rule; the 雪亮工程 text says
 * 年初预算749.41万元 against 500 and the 专职网格员工资 text 全年预算资金258.03万元 against 86.8 — both
 * narrative.mismatch, exactly once each; the insurance table has none.
 */

const TABLES: { name: string; table: TableSpec }[] = [
  { name: '雪亮工程', table: xueliang },
  { name: '专职网格员工资', table: wageTable },
  { name: '网格员意外伤害保险', table: insurance },
];

const VARIATIONS: { name: string; render: RenderOptions }[] = [
  { name: 'offset 3 rows, 2 columns', render: { offsetRows: 3, offsetCols: 2 } },
  { name: 'no merges', render: { noMerges: true } },
  { name: 'messy labels', render: { messyLabels: true } },
  { name: 'full-width numbers', render: { fullWidthNumbers: true } },
  { name: 'percent fractions', render: { percentFractions: true } },
];

function findings(t: TableSpec, layout: Layout = 'seed', render: RenderOptions = {}): Finding[] {
  return checkTable(roundTrip(t, layout, render), tableRules, defaultRulesConfig);
}

const ids = (fs: Finding[]) => fs.map((f) => f.rule);
const notInfo = (fs: Finding[]) => fs.filter((f) => f.severity !== 'info').map((f) => `${f.rule} ${f.cell} ${f.message}`);

/** Every finding of the three tables in the seed layout, computed once. */
const seedFindings = new Map(TABLES.map(({ name, table }) => [name, findings(table)]));
const of = (name: string): Finding[] => seedFindings.get(name)!;

describe('the seed tables in the seed layout (SPEC.md worked example)', () => {
  it.each(TABLES.map((t) => t.name))('%s: no error-level finding', (name) => {
    expect(of(name).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('雪亮工程: narrative.mismatch once, 年初预算749.41万元 against 500, at the implementation text', () => {
    expect(notInfo(of('雪亮工程'))).toEqual(['narrative.mismatch E25 分析说明称“年初预算749.41万元”，与表中年初预算数 500 万元 不符']);
    const f = of('雪亮工程').find((x) => x.rule === 'narrative.mismatch')!;
    expect(f.severity).toBe('warning');
    expect(f.expected).toBe('500 万元');
    expect(f.actual).toBe('749.41 万元');
    expect(f.project).toBe('“雪亮工程”建设项目');
  });

  it('专职网格员工资: narrative.mismatch once, 全年预算资金258.03万元 against 86.8', () => {
    expect(notInfo(of('专职网格员工资'))).toEqual(['narrative.mismatch E21 分析说明称“全年预算资金258.03万元”，与表中全年预算数 86.8 万元 不符']);
    const f = of('专职网格员工资').find((x) => x.rule === 'narrative.mismatch')!;
    expect(f.expected).toBe('86.8 万元');
    expect(f.actual).toBe('258.03 万元');
  });

  it('网格员意外伤害保险: no narrative.mismatch, no warning at all', () => {
    expect(notInfo(of('网格员意外伤害保险'))).toEqual([]);
  });

  it('the info-level findings are the expected ones', () => {
    expect(of('雪亮工程').filter((f) => f.severity === 'info').map((f) => `${f.rule} ${f.cell}`)).toEqual([
      'indicator.met-but-deducted I20',
      'indicator.met-but-deducted I23',
    ]);
    expect(of('专职网格员工资').filter((f) => f.severity === 'info').map((f) => `${f.rule} ${f.cell}`)).toEqual([
      'value.dirty H9',
      'indicator.met-but-deducted I19',
    ]);
    expect(of('网格员意外伤害保险').filter((f) => f.severity === 'info').map((f) => `${f.rule} ${f.cell}`)).toEqual([
      'indicator.met-but-deducted I18',
      'indicator.met-but-deducted I19',
    ]);
  });

  it('every finding names the file, sheet, department and unit of the table', () => {
    for (const f of [...seedFindings.values()].flat()) {
      expect(f.file).toBe('test.xlsx');
      expect(f.sheet).toBe('自评表');
      expect(f.department).toBe('007-中国共产党大同市云州区委员会政法委员会');
      expect(f.unit).toBe('007001-中国共产党大同市云州区委员会政法委员会');
    }
  });
});

describe('the seed tables in the central layout (no analysis text, so no narrative)', () => {
  it.each(TABLES)('$name: no error and no warning', ({ table }) => {
    expect(notInfo(findings(table, 'central'))).toEqual([]);
  });
});

describe('every render variation gives the same rule ids per table', () => {
  for (const { name, table } of TABLES)
    describe(name, () => {
      it.each(VARIATIONS)('seed layout, $name', ({ render }) => {
        const got = findings(table, 'seed', render);
        expect(ids(got)).toEqual(ids(of(name)));
        // the messages name figures and rows, not cells: they do not change either
        expect(got.map((f) => f.message)).toEqual(of(name).map((f) => f.message));
      });
      const central = ids(findings(table, 'central'));
      it.each(VARIATIONS)('central layout, $name', ({ render }) => {
        expect(ids(findings(table, 'central', render))).toEqual(central);
      });
    });
});
