import { z } from 'zod';
import { type Decimal, isDecimal } from './decimal.js';

/**
 * The typed model of one 项目支出绩效自评表. Every value keeps the cell it came from (`cell`, an A1 address of the
 * top-left cell of its merge, or null where the layout has no such place) and the text the cell showed.
 */

const decimal = z.custom<Decimal>((v) => isDecimal(v), { message: 'expected a Decimal' });

export const NumberField = z.object({
  value: decimal.nullable(),
  state: z.enum(['ok', 'empty', 'dirty', 'unreadable', 'absent']),
  decimals: z.number().int().nonnegative(),
  text: z.string(),
  cell: z.string().nullable(),
});
export type NumberField = z.infer<typeof NumberField>;

export const TextField = z.object({
  value: z.string().nullable(),
  cell: z.string().nullable(),
});
export type TextField = z.infer<typeof TextField>;

export const ComparisonSchema = z.object({
  /** null: a bare figure, no sign written (`90%`): the rules give it a direction. */
  op: z.enum(['=', '>=', '<=', '>', '<']).nullable(),
  value: decimal,
  unit: z.string(),
});

export const IndicatorValue = TextField.extend({ comparison: ComparisonSchema.nullable() });
export type IndicatorValue = z.infer<typeof IndicatorValue>;

export const CodeName = TextField.extend({ code: z.string().nullable(), name: z.string().nullable() });
export type CodeName = z.infer<typeof CodeName>;

export const FUND_COLUMNS = ['declared', 'initial', 'budget', 'executed', 'balance', 'rate', 'weight', 'score'] as const;
export type FundColumn = (typeof FUND_COLUMNS)[number];

export const FundRow = z.object({
  kind: z.enum(['total', 'source']),
  label: TextField,
  /** One entry per column of the layout; a column the layout lacks is absent from the record. */
  values: z.partialRecord(z.enum(FUND_COLUMNS), NumberField),
});
export type FundRow = z.infer<typeof FundRow>;

export const Indicator = z.object({
  level1: TextField,
  level2: TextField,
  level3: TextField,
  /** 年初指标值 / 调整后指标值 / 年度指标值, as the layout has them; `target` is the one that counts. */
  targetInitial: IndicatorValue.nullable(),
  targetAdjusted: IndicatorValue.nullable(),
  target: IndicatorValue,
  actual: IndicatorValue,
  weight: NumberField,
  score: NumberField,
  reason: TextField,
});
export type Indicator = z.infer<typeof Indicator>;

export const AnalysisText = z.object({ key: z.string(), label: z.string(), text: TextField });
export type AnalysisText = z.infer<typeof AnalysisText>;

/** A cell whose text needed interpretation: the rules turn these into value.dirty / value.unreadable. */
export const ValueNote = z.object({
  state: z.enum(['dirty', 'unreadable']),
  /** A formula whose result the file did not keep. */
  uncached: z.boolean().optional(),
  field: z.string(),
  cell: z.string(),
  text: z.string(),
  value: decimal.nullable(),
});
export type ValueNote = z.infer<typeof ValueNote>;

export const ProjectTable = z.object({
  file: z.string(),
  sheet: z.string(),
  layout: z.string(),
  /** A project's table, or a 部门整体支出绩效自评表 (no project, the department as a whole). */
  kind: z.enum(['project', 'department']),
  /**
   * The fields the form has (its layout names them): a 部门整体 table has no 项目名称 and no 实施单位, a form with no
   * scores no 总分. Nothing is reported missing that the form never had.
   */
  has: z.object({ project: z.boolean(), unit: z.boolean(), total: z.boolean() }),
  /** Whether the indicators carry 分值 and 得分 (a 绩效目标自评表 has neither). */
  scored: z.boolean(),
  /**
   * How the execution rate is scored: a 分值/得分 of its own in the fund block (`separate`), as an indicator row
   * (预算执行率 under 项目管理), or not at all; and the 分值 the layout gives it, where it gives one.
   */
  rate: z.object({ scoring: z.enum(['separate', 'indicator', 'none']), weight: decimal.nullable() }),
  title: TextField,
  project: TextField,
  projectCode: TextField,
  department: CodeName,
  unit: CodeName,
  /** The unit the amounts are stated in, from the block's label (`（万元）`). */
  amountUnit: z.enum(['元', '万元']),
  funds: z.object({
    columns: z.array(z.enum(FUND_COLUMNS)),
    total: FundRow.nullable(),
    sources: z.array(FundRow),
  }),
  goal: z.object({ target: TextField, actual: TextField }),
  indicatorColumns: z.array(z.string()),
  /** Each indicator column's header cell (`weight` → H12). */
  indicatorHeaders: z.record(z.string(), z.string()).default({}),
  indicators: z.array(Indicator),
  total: NumberField,
  /** The sum of the 分值 as the total row states it (`总分 | 100 | 98.76`), where it states one. */
  weightTotal: NumberField.nullable(),
  grade: TextField.nullable(),
  analysis: z.array(AnalysisText),
  notes: z.array(ValueNote),
  /** Indicators whose direction the layout states by name (正向: higher is better; 反向: lower is better). */
  directions: z.record(z.string(), z.enum(['正向', '反向'])),
});
export type ProjectTable = z.infer<typeof ProjectTable>;
