/**
 * Renders a TableSpec in a second region's layout, modelled on the central template of
 * 财预〔2020〕10号 (项目支出绩效自评表): 主管部门/实施单位 on one row, one fund header row with
 * 分值 before 执行率 and no 资金结(转)余, 年度指标值, 总分 without a grade, no analysis, no 备注.
 */
import type * as XLSX from 'xlsx';
import { SheetBuilder, indicatorGroupLabels, layoutCells, type RenderOptions, type TableCells } from './render-common.js';
import type { TableSpec } from './table-spec.js';

export type { RenderOptions, TableCells } from './render-common.js';

/** Column widths (characters) of A..I. */
const WIDTHS = [8, 18, 14, 30, 16, 16, 10, 10, 26];

const A = 0;
const B = 1;
const C = 2;
const D = 3;
const E = 4;
const F = 5;
const G = 6;
const H = 7;
const I = 8;

/** Fund-source labels of the seed mapped to the central template's wording. */
const SOURCE_LABELS: Readonly<Record<string, string>> = {
  市县区财政资金: '其中：当年财政拨款',
};

/** Rows (table coordinates) of the blocks of the central layout; shared by the renderer and centralLayoutCells. */
function centralGeometry(t: TableSpec) {
  const fh = 5;
  const lastFund = fh + t.funds.length;
  const g = lastFund + 1;
  const h = g + 2;
  const firstInd = h + 1;
  const lastInd = Math.max(h, firstInd + t.indicators.length - 1);
  const tr = lastInd + 1;
  return { fh, lastFund, g, h, firstInd, lastInd, tr };
}

export function renderCentralLayout(t: TableSpec, o: RenderOptions = {}): XLSX.WorkSheet {
  const s = new SheetBuilder(o, WIDTHS);

  s.data(t.title, 0, A, 0, I);
  s.data(t.year, 1, A, 1, I);

  s.label('项目名称', 3, A);
  s.data(t.project, 3, B, 3, I);
  s.label('主管部门', 4, A);
  s.data(t.department, 4, B, 4, D);
  s.label('实施单位', 4, E);
  s.data(t.unit, 4, F, 4, I);

  // funds: one header row, then total row and sources
  const { fh, lastFund, g, h, firstInd, lastInd, tr } = centralGeometry(t);
  s.label('项目资金（万元）', fh, A, lastFund, A);
  s.label('年初预算数', fh, C);
  s.label('全年预算数', fh, D);
  s.label('全年执行数', fh, E);
  s.label('分值', fh, F);
  s.label('执行率', fh, G);
  s.label('得分', fh, H);
  t.funds.forEach((f, i) => {
    const r = fh + 1 + i;
    const label = i === 0 ? '年度资金总额' : (SOURCE_LABELS[f.label] ?? f.label);
    s.label(label, r, B);
    s.data(f.initial, r, C);
    s.data(f.budget, r, D);
    s.data(f.executed, r, E);
    s.data(i === 0 ? (f.weight ?? 10) : f.weight, r, F);
    s.rate(f.rate, r, G);
    s.data(f.score, r, H);
  });

  // goals
  s.label('年度总体目标', g, A, g + 1, A);
  s.label('预期目标', g, B, g, E);
  s.label('实际完成情况', g, F, g, I);
  s.data(t.goal.target, g + 1, B, g + 1, E);
  s.data(t.goal.actual, g + 1, F, g + 1, I);

  // indicators: one header row
  s.label('绩效指标', h, A, lastInd, A);
  const heads = ['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施'];
  heads.forEach((label, k) => {
    s.label(label, h, B + k);
  });
  indicatorGroupLabels(s, t, firstInd, B, C);
  t.indicators.forEach((x, i) => {
    const r = firstInd + i;
    s.data(x.level3, r, D);
    s.data(x.targetAdjusted, r, E);
    s.data(x.actual, r, F);
    s.data(x.weight, r, G);
    s.data(x.score, r, H);
    s.data(x.reason, r, I);
  });

  // total as in 财预〔2020〕10号: 100 under 分值, the score under 得分, no grade cell
  s.label('总分', tr, A, tr, F);
  s.data(100, tr, G);
  s.data(t.total, tr, H);

  return s.finish();
}

/** The A1 address of every field renderCentralLayout(t, o) writes (see TableCells); no balance, grade or analysis. */
export function centralLayoutCells(t: TableSpec, o: RenderOptions = {}): TableCells {
  const { fh, h, firstInd, tr } = centralGeometry(t);
  return layoutCells(t, o, WIDTHS, {
    project: B,
    department: B,
    unit: F,
    firstFundRow: fh + 1,
    fund: { label: B, declared: null, initial: C, budget: D, executed: E, balance: null, rate: G, score: H, weight: F },
    firstIndicatorRow: firstInd,
    indicatorHeaderRow: h,
    indicator: { level1: B, level2: C, level3: D, targetInitial: null, target: E, actual: F, weight: G, score: H, reason: I },
    totalRow: tr,
    total: H,
    grade: null,
    firstAnalysisRow: tr + 1,
    analysis: null,
  });
}
