/**
 * Plain-data description of one 项目支出绩效自评表, as a submitter filled it in.
 * Used by the sample generators and test fixtures; it is not the product's model
 * (see src/model), only what gets written into a workbook.
 */

/** A cell value as the submitter typed it: text, a number, a number with an Excel number format, or nothing. */
export type CellSpec = string | number | { v: number; z: string } | null;

/** One row of the fund block (资金总额 or a fund source such as 市县区财政资金). */
export interface FundRowSpec {
  label: string;
  /** 年初预算数 / 目标申报数 */
  declared: CellSpec;
  /** 年初预算数 / 预算编制数 */
  initial: CellSpec;
  /** 全年预算数 */
  budget: CellSpec;
  /** 全年执行数 */
  executed: CellSpec;
  /** 资金结(转)余 */
  balance: CellSpec;
  /** 执行率 (in percent, e.g. 95.64, or as typed) */
  rate: CellSpec;
  /** 得分 */
  score: CellSpec;
  /** 分值 (only layouts that have the column; the seed layout has none) */
  weight?: CellSpec;
}

/** One row of the 绩效指标 block. */
export interface IndicatorSpec {
  level1: string;
  level2: string;
  level3: string;
  /** 年初指标值 */
  targetInitial: string;
  /** 调整后指标值 */
  targetAdjusted: string;
  /** 实际完成值 */
  actual: string;
  /** 分值 */
  weight: CellSpec;
  /** 得分 */
  score: CellSpec;
  /** 偏差原因分析及改进措施 ('' when empty) */
  reason: string;
}

/** One row of the 项目绩效分析 block. 'self' = under 自评结果分析. */
export interface AnalysisSpec {
  label: string;
  text: string;
  group: 'self' | 'other';
}

export interface TableSpec {
  title: string;
  year: string;
  project: string;
  department: string;
  unit: string;
  fundBlockLabel: string;
  /** The first row is the total row (资金总额). */
  funds: FundRowSpec[];
  goal: { target: string; actual: string };
  indicators: IndicatorSpec[];
  /** 总分 */
  total: CellSpec;
  /** 等级 (优/良/中/差), null when the table has no grade cell */
  grade: string | null;
  analysis: AnalysisSpec[];
  /** 备注 */
  note: string;
}
