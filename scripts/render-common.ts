/**
 * Shared helpers for the sample-table renderers: options, cell construction
 * (full-width numbers, percent fractions, messy labels) and a small sheet builder
 * that applies row/column offsets and collects merges.
 */
import * as XLSX from 'xlsx';
import type { CellSpec, TableSpec } from './table-spec.js';

/** Variations a submitter's workbook shows; every renderer honours them where meaningful. */
export interface RenderOptions {
  /** Empty rows above the table (the top-left cell then holds unrelated text such as '附件3'). */
  offsetRows?: number;
  /** Empty columns left of the table. */
  offsetCols?: number;
  /** Write no `!merges`: values stay only in the top-left cells, covered cells absent. */
  noMerges?: boolean;
  /** Put stray spaces and line breaks into labels ('项目 名称', '全年\n预算数', ' 资金总额： '). */
  messyLabels?: boolean;
  /** Write every number cell as full-width text ('８６．８', '１００．００', '１００％'). */
  fullWidthNumbers?: boolean;
  /** Write every execution-rate cell as a fraction with a percent format (95.64 → 0.9564, '0.00%'). */
  percentFractions?: boolean;
}

/** Text placed in the top-left cell when rows are added above the table. */
export const OFFSET_FILLER = '附件3';

/** ASCII → full-width (FF01–FF5E) for every printable ASCII character; other characters unchanged. */
export function toFullWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    out += c >= 0x21 && c <= 0x7e ? String.fromCodePoint(c + 0xfee0) : ch;
  }
  return out;
}

/** Labels with stray spaces and line breaks, as submitters type them. Unlisted labels stay unchanged. */
export const MESSY_LABELS: Readonly<Record<string, string>> = {
  // header block
  项目名称: '项目 名称',
  主管部门及代码: '主管部门\n及代码',
  预算单位: '预算 单位',
  主管部门: '主管 部门',
  实施单位: '实施\n单位',
  // fund block
  '项目资金预算安排及执行进度（万元）': '项目资金预算安排\n及执行进度（万元）',
  '项目资金（万元）': '项目资金\n（万元）',
  年初预算数: '年初 预算数',
  目标申报数: '目标\n申报数',
  预算编制数: ' 预算编制数',
  全年预算数: '全年\n预算数',
  全年执行数: '全年\n执行数',
  '资金结(转)余': '资金结(转)余 ',
  执行率: '执 行 率',
  得分: '得  分',
  分值: '分 值',
  '资金总额：': ' 资金总额： ',
  年度资金总额: ' 年度资金总额',
  市县区财政资金: '市县区 财政资金',
  '其中：当年财政拨款': '其中： 当年财政拨款',
  // goals
  项目年度绩效目标: '项目年度\n绩效目标',
  年度总体目标: '年度总体\n目标',
  年度目标: '年度 目标',
  预期目标: '预期 目标',
  实际完成情况: '实际完成\n情况',
  // indicators
  绩效指标: '绩\n效\n指\n标',
  一级指标: '一级\n指标',
  二级指标: '二级\n指标',
  三级指标: '三级\n指标',
  年初指标值: '年初\n指标值',
  调整后指标值: '调整后\n指标值',
  年度指标值: '年度\n指标值',
  实际完成值: '实际\n完成值',
  偏差原因分析及改进措施: '偏差原因分析\n及改进措施',
  产出指标: '产出指标 ',
  效益指标: ' 效益指标',
  满意度指标: '满意度\n指标',
  数量指标: '数量 指标',
  质量指标: '质量\n指标',
  时效指标: ' 时效指标',
  成本指标: '成本指标 ',
  社会效益指标: '社会效益\n指标',
  可持续影响指标: '可持续影响 指标',
  服务对象满意度指标: '服务对象\n满意度指标',
  // total
  '总     分': '总     分',
  总分: '总  分',
  // analysis
  '项目实施和预算执行\n情况及分析': '项目实施和预算执行 \n 情况及分析',
  产出情况及分析: '产出情况\n及分析',
  效益情况及分析: '效益情况 及分析',
  满意度情况及分析: '满意度情况\n及分析',
  主要经验做法: ' 主要经验做法',
  '项目管理中存在的\n主要问题及原因分析': '项目管理中存在的\n\n主要问题及原因分析',
  '下一步改进措施及\n管理建议': '下一步改进措施及 \n管理建议',
};

/** Number of decimals an Excel number format shows ('0.00' → 2, '0%' → 0, 'General' → null). */
export function formatDecimals(z: string): number | null {
  const m = /0\.(0+)/.exec(z);
  if (m?.[1]) return m[1].length;
  if (/0/.test(z)) return 0;
  return null;
}

/** The text Excel shows for a number with an optional format. */
export function displayText(v: number, z?: string): string {
  return XLSX.SSF.format(z ?? 'General', v);
}

/** Divide a percent figure by 100 exactly on its decimal text (95.64 → 0.9564, not 0.9564000000000001). */
export function percentToFraction(p: number): number {
  return Number(`${p.toPrecision(15)}e-2`);
}

function decimalsOf(v: number): number {
  const s = String(v);
  if (/e/i.test(s)) return Number(v.toPrecision(15)).toString().split('.')[1]?.length ?? 0;
  return s.split('.')[1]?.length ?? 0;
}

/** How a CellSpec is meant: a plain label, data text/number, or an execution rate. */
export type CellRole = 'label' | 'data' | 'rate';

/** Build the SheetJS cell for a CellSpec under the given options; null/'' give no cell. */
export function makeCell(spec: CellSpec | undefined, role: CellRole, o: RenderOptions): XLSX.CellObject | undefined {
  if (spec === null || spec === undefined || spec === '') return undefined;
  if (typeof spec === 'string') {
    const text = role === 'label' && o.messyLabels ? (MESSY_LABELS[spec] ?? spec) : spec;
    return { t: 's', v: text };
  }
  let v: number;
  let z: string | undefined;
  if (typeof spec === 'number') {
    v = spec;
  } else {
    v = spec.v;
    z = spec.z;
  }
  if (role === 'rate' && o.percentFractions && !(z ?? '').includes('%')) {
    const dec = Math.max(2, z !== undefined ? (formatDecimals(z) ?? decimalsOf(v)) : decimalsOf(v));
    v = percentToFraction(v);
    z = `0.${'0'.repeat(dec)}%`;
  }
  const w = displayText(v, z);
  if (o.fullWidthNumbers) return { t: 's', v: toFullWidth(w) };
  const cell: XLSX.CellObject = { t: 'n', v, w };
  if (z !== undefined) cell.z = z;
  return cell;
}

/**
 * Collects cells and merges in table coordinates (row/column 0 = the table's top-left)
 * and writes them shifted by the offsets.
 */
export class SheetBuilder {
  private readonly ws: XLSX.WorkSheet = {};
  private readonly merges: XLSX.Range[] = [];
  private readonly dr: number;
  private readonly dc: number;
  private maxR = 0;
  private maxC = 0;

  constructor(
    private readonly o: RenderOptions,
    private readonly widths: number[],
  ) {
    this.dr = Math.max(0, Math.trunc(o.offsetRows ?? 0));
    this.dc = Math.max(0, Math.trunc(o.offsetCols ?? 0));
  }

  /** Cover r..r2 × c..c2 (table coordinates) with a merge, unless noMerges or a single cell. */
  region(r: number, c: number, r2 = r, c2 = c): void {
    this.extend(r2 + this.dr, c2 + this.dc);
    if (this.o.noMerges || (r === r2 && c === c2)) return;
    this.merges.push({ s: { r: r + this.dr, c: c + this.dc }, e: { r: r2 + this.dr, c: c2 + this.dc } });
  }

  /** Put a value into the top-left cell of r..r2 × c..c2 and merge the region. */
  put(spec: CellSpec | undefined, role: CellRole, r: number, c: number, r2 = r, c2 = c): void {
    this.region(r, c, r2, c2);
    const cell = makeCell(spec, role, this.o);
    if (cell) this.ws[XLSX.utils.encode_cell({ r: r + this.dr, c: c + this.dc })] = cell;
  }

  /** The A1 address of table cell (r, c) once the offsets are applied. */
  addr(r: number, c: number): string {
    return XLSX.utils.encode_cell({ r: r + this.dr, c: c + this.dc });
  }

  label(text: string, r: number, c: number, r2 = r, c2 = c): void {
    this.put(text, 'label', r, c, r2, c2);
  }

  data(spec: CellSpec | undefined, r: number, c: number, r2 = r, c2 = c): void {
    this.put(spec, 'data', r, c, r2, c2);
  }

  rate(spec: CellSpec | undefined, r: number, c: number, r2 = r, c2 = c): void {
    this.put(spec, 'rate', r, c, r2, c2);
  }

  private extend(r: number, c: number): void {
    if (r > this.maxR) this.maxR = r;
    if (c > this.maxC) this.maxC = c;
  }

  finish(): XLSX.WorkSheet {
    const ws = this.ws;
    if (this.dr > 0) ws['A1'] = { t: 's', v: OFFSET_FILLER };
    ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: this.maxR, c: this.maxC } });
    if (!this.o.noMerges) ws['!merges'] = this.merges;
    ws['!cols'] = [...Array.from({ length: this.dc }, () => ({ wch: 4 })), ...this.widths.map((wch) => ({ wch }))];
    return ws;
  }
}

/** Runs of consecutive items sharing a key: [start, end] inclusive indexes. */
export function runs<T>(items: readonly T[], key: (x: T) => string): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= items.length; i++) {
    const a = items[i];
    const b = items[start];
    if (i === items.length || a === undefined || b === undefined || key(a) !== key(b)) {
      if (items.length > 0) out.push([start, i - 1]);
      start = i;
    }
  }
  return out;
}

/** The 一级 and 二级 indicator labels, each merged down over the rows it heads (both layouts draw them so). */
export function indicatorGroupLabels(s: SheetBuilder, t: TableSpec, firstRow: number, level1Col: number, level2Col: number): void {
  for (const [a, b] of runs(t.indicators, (x) => x.level1)) s.label(t.indicators[a]?.level1 ?? '', firstRow + a, level1Col, firstRow + b, level1Col);
  for (const [a, b] of runs(t.indicators, (x) => `${x.level1}\u0000${x.level2}`))
    s.label(t.indicators[a]?.level2 ?? '', firstRow + a, level2Col, firstRow + b, level2Col);
}

/**
 * Where a rendered table put each field (A1 addresses, offsets applied; the top-left cell of a merge).
 * Used by the benchmark's ground truth. A layout without a column gives null for it.
 */
export interface TableCells {
  title: string;
  project: string;
  department: string;
  unit: string;
  funds: {
    label: string;
    declared: string | null;
    initial: string | null;
    budget: string;
    executed: string;
    balance: string | null;
    rate: string;
    score: string;
    weight: string | null;
  }[];
  indicators: {
    /** The 一级指标 label cell of this indicator's group (the first row of its run). */
    level1: string;
    level2: string;
    level3: string;
    targetInitial: string | null;
    target: string;
    actual: string;
    weight: string;
    score: string;
    reason: string;
  }[];
  total: string;
  grade: string | null;
  /** The indicator block's 分值 header: where a wrong sum of all 分值 is pinned. */
  weightHeader: string;
  /** The text cell of each analysis row, in order. */
  analysis: string[];
}

type FundCells = TableCells['funds'][number];
type IndicatorCells = TableCells['indicators'][number];
/** A column for every cell a layout writes, null for one it has not. */
type Columns<T> = { [K in keyof T]: null extends T[K] ? number | null : number };

/** Where a layout puts each field: the rows come from its geometry, the columns are its own. */
export interface CellPlan {
  /** Columns of 项目名称 (row 4), 主管部门 and 实施单位 (row 5). */
  project: number;
  department: number;
  unit: number;
  firstFundRow: number;
  fund: Columns<Omit<FundCells, 'label'>> & { label: number };
  firstIndicatorRow: number;
  /** The row of the indicator block's header (分值, 得分…), its first when it has two. */
  indicatorHeaderRow: number;
  indicator: Columns<Omit<IndicatorCells, 'level1' | 'level2'>> & { level1: number; level2: number };
  totalRow: number;
  total: number;
  grade: number | null;
  firstAnalysisRow: number;
  /** The column of the analysis texts, null for a layout without them. */
  analysis: number | null;
}

function cellsOf<T>(s: SheetBuilder, row: number, cols: Record<string, number | null>): T {
  return Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, c === null ? null : s.addr(row, c)])) as T;
}

/** The A1 address of every field a layout writes, from its plan: the one place the two layouts' cells are worked out. */
export function layoutCells(t: TableSpec, o: RenderOptions, widths: number[], p: CellPlan): TableCells {
  const s = new SheetBuilder(o, widths);
  // A merged 一级 / 二级 label sits in the first row of its run of equal labels.
  const anchors = (key: (x: TableSpec['indicators'][number]) => string) => {
    const at: number[] = [];
    for (const [a, b] of runs(t.indicators, key)) for (let i = a; i <= b; i++) at[i] = a;
    return at;
  };
  const level1 = anchors((x) => x.level1);
  const level2 = anchors((x) => `${x.level1}\u0000${x.level2}`);
  const { level1: c1, level2: c2, ...indicatorCols } = p.indicator;
  return {
    title: s.addr(0, 0),
    project: s.addr(3, p.project),
    department: s.addr(4, p.department),
    unit: s.addr(4, p.unit),
    funds: t.funds.map((_, i) => cellsOf<FundCells>(s, p.firstFundRow + i, p.fund)),
    indicators: t.indicators.map((_, i) => ({
      level1: s.addr(p.firstIndicatorRow + (level1[i] ?? i), c1),
      level2: s.addr(p.firstIndicatorRow + (level2[i] ?? i), c2),
      ...cellsOf<Omit<IndicatorCells, 'level1' | 'level2'>>(s, p.firstIndicatorRow + i, indicatorCols),
    })),
    total: s.addr(p.totalRow, p.total),
    weightHeader: s.addr(p.indicatorHeaderRow, p.indicator.weight),
    grade: t.grade !== null && p.grade !== null ? s.addr(p.totalRow, p.grade) : null,
    analysis: p.analysis === null ? [] : t.analysis.map((_, i) => s.addr(p.firstAnalysisRow + i, p.analysis!)),
  };
}
