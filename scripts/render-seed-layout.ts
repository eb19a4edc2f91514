/**
 * Renders a TableSpec in the seed's layout (山西/大同 项目支出绩效自评表, columns A..J),
 * optionally shifted, unmerged, with messy labels, full-width numbers or percent fractions.
 */
import type * as XLSX from 'xlsx';
import { SheetBuilder, indicatorGroupLabels, layoutCells, runs, type RenderOptions, type TableCells } from './render-common.js';
import type { TableSpec } from './table-spec.js';

export type { RenderOptions, TableCells } from './render-common.js';

/** Printed label of the total row, exactly as the seed (five spaces). */
export const SEED_TOTAL_LABEL = '总     分';
export const SEED_ANALYSIS_LABEL = '项\n目\n绩\n效\n分\n析';
export const SEED_SELF_LABEL = '自\n评\n结\n果\n分\n析';

/** Column widths (characters) of A..J. */
const WIDTHS = [8, 14, 14, 30, 16, 16, 16, 10, 8, 26];

const A = 0;
const B = 1;
const C = 2;
const D = 3;
const E = 4;
const F = 5;
const G = 6;
const H = 7;
const I = 8;
const J = 9;

/** Rows (table coordinates) of the blocks of the seed layout; shared by the renderer and seedLayoutCells. */
function seedGeometry(t: TableSpec) {
  const fh = 5;
  const lastFund = fh + 1 + t.funds.length;
  const g = lastFund + 1;
  const h = g + 2;
  const firstInd = h + 2;
  const lastInd = firstInd + t.indicators.length - 1;
  const tr = Math.max(lastInd, h + 1) + 1;
  const a0 = tr + 1;
  return { fh, lastFund, g, h, firstInd, lastInd, tr, a0 };
}

export function renderSeedLayout(t: TableSpec, o: RenderOptions = {}): XLSX.WorkSheet {
  const s = new SheetBuilder(o, WIDTHS);

  // r1–r3: title, year, blank
  s.data(t.title, 0, A, 0, J);
  s.data(t.year, 1, A, 1, J);

  // r4–r5: project, department, unit
  s.label('项目名称', 3, A, 3, B);
  s.data(t.project, 3, C, 3, J);
  s.label('主管部门及代码', 4, A, 4, B);
  s.data(t.department, 4, C, 4, F);
  s.label('预算单位', 4, G);
  s.data(t.unit, 4, H, 4, J);

  // r6–r7: fund header; fund rows from r8
  const { fh, lastFund, g, h, firstInd, lastInd, tr, a0 } = seedGeometry(t);
  s.label(t.fundBlockLabel, fh, A, lastFund, A);
  s.region(fh, B, fh + 1, B);
  s.label('年初预算数', fh, C, fh, D);
  s.label('目标申报数', fh + 1, C);
  s.label('预算编制数', fh + 1, D);
  s.label('全年预算数', fh, E, fh + 1, E);
  s.label('全年执行数', fh, F, fh + 1, F);
  s.label('资金结(转)余', fh, G, fh + 1, G);
  s.label('执行率', fh, H, fh + 1, H);
  s.label('得分', fh, I, fh + 1, J);
  t.funds.forEach((f, i) => {
    const r = fh + 2 + i;
    s.label(f.label, r, B);
    s.data(f.declared, r, C);
    s.data(f.initial, r, D);
    s.data(f.budget, r, E);
    s.data(f.executed, r, F);
    s.data(f.balance, r, G);
    s.rate(f.rate, r, H);
    s.data(f.score, r, I, r, J);
  });

  // goals
  s.label('项目年度绩效目标', g, A, g + 1, A);
  s.label('年度目标', g, B, g, F);
  s.label('实际完成情况', g, G, g, J);
  s.data(t.goal.target, g + 1, B, g + 1, F);
  s.data(t.goal.actual, g + 1, G, g + 1, J);

  // indicators: two header rows (the second blank, as the seed), then one row per indicator
  s.label('绩效指标', h, A, Math.max(lastInd, h + 1), A);
  const heads = ['一级指标', '二级指标', '三级指标', '年初指标值', '调整后指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施'];
  heads.forEach((label, k) => {
    s.label(label, h, B + k, h + 1, B + k);
  });
  indicatorGroupLabels(s, t, firstInd, B, C);
  t.indicators.forEach((x, i) => {
    const r = firstInd + i;
    s.data(x.level3, r, D);
    s.data(x.targetInitial, r, E);
    s.data(x.targetAdjusted, r, F);
    s.data(x.actual, r, G);
    s.data(x.weight, r, H);
    s.data(x.score, r, I);
    s.data(x.reason, r, J);
  });

  // total row
  s.label(SEED_TOTAL_LABEL, tr, A, tr, H);
  s.data(t.total, tr, I);
  if (t.grade !== null) s.data(t.grade, tr, J);

  // analysis
  let next = a0;
  if (t.analysis.length > 0) {
    const aLast = a0 + t.analysis.length - 1;
    s.label(SEED_ANALYSIS_LABEL, a0, A, aLast, A);
    for (const [a, b] of runs(t.analysis, (x) => x.group)) {
      if (t.analysis[a]?.group === 'self') s.label(SEED_SELF_LABEL, a0 + a, B, a0 + b, B);
    }
    t.analysis.forEach((x, i) => {
      const r = a0 + i;
      if (x.group === 'self') s.label(x.label, r, C, r, D);
      else s.label(x.label, r, B, r, D);
      s.data(x.text, r, E, r, J);
    });
    next = aLast + 1;
  }

  // note
  if (t.note !== '') s.data(t.note, next, A, next, J);

  return s.finish();
}

/** The A1 address of every field renderSeedLayout(t, o) writes (see TableCells). */
export function seedLayoutCells(t: TableSpec, o: RenderOptions = {}): TableCells {
  const { fh, h, firstInd, tr, a0 } = seedGeometry(t);
  return layoutCells(t, o, WIDTHS, {
    project: C,
    department: C,
    unit: H,
    firstFundRow: fh + 2,
    fund: { label: B, declared: C, initial: D, budget: E, executed: F, balance: G, rate: H, score: I, weight: null },
    firstIndicatorRow: firstInd,
    indicatorHeaderRow: h,
    indicator: { level1: B, level2: C, level3: D, targetInitial: E, target: F, actual: G, weight: H, score: I, reason: J },
    totalRow: tr,
    total: I,
    grade: J,
    firstAnalysisRow: a0,
    analysis: E,
  });
}
