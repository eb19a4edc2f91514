import '../text/index.js';
import { z } from 'zod';

/**
 * A mapping file describes one layout of the form by its labels, never by addresses.
 * Labels are compared with white space, line breaks and a trailing colon removed, full-width folded;
 * a label also matches a cell that adds trailing notes in brackets (`全年预算数（万元）`, `全年执行数(B)`,
 * `执行率(B/A)`) or a trailing `%`.
 */

const Labels = z.array(z.string().min(1)).min(1);

export const LabelField = z.object({
  labels: Labels,
  /** exact (default), prefix or contains. */
  match: z.enum(['exact', 'prefix', 'contains']).default('exact'),
  /** Where the value sits relative to its label: the cell to the right, the cell below, or the label cell itself. */
  take: z.enum(['right', 'below', 'self']).default('right'),
  /** Take the nth non-empty cell in that direction (the grade is the 2nd cell right of 总分). */
  nth: z.number().int().min(1).default(1),
  /**
   * Instead: the cell in the label's row under a column of a block, e.g. `indicators.score` (总分 sits under 得分).
   * Robust when the value is blank, where "the nth non-empty cell" would take its neighbour.
   */
  column: z.string().regex(/^(funds|indicators)\.\w+$/).optional(),
  /**
   * Only a label above that block's header counts: a total stated at the top of the sheet (`自评得分 98` beside the
   * unit) is not the 自评得分 header of the indicator block.
   */
  above: z.enum(['funds', 'indicators']).optional(),
});
export type LabelField = z.infer<typeof LabelField>;

/** One way to find a field, or several tried in order (the 总分 row under 得分, else a total stated at the top). */
const Field = z.union([LabelField, z.array(LabelField).min(1)]).transform((f) => (Array.isArray(f) ? f : [f]));
export type Field = z.output<typeof Field>;

const Columns = <K extends string>(keys: readonly [K, ...K[]]) => z.partialRecord(z.enum(keys), Labels);

export const FUND_KEYS = ['declared', 'initial', 'budget', 'executed', 'balance', 'rate', 'weight', 'score'] as const;
export const INDICATOR_KEYS = [
  'level1',
  'level2',
  'level3',
  'targetInitial',
  'targetAdjusted',
  'target',
  /** A target split over three columns under 年度指标值: 指标性质 (≧, ＝, 正向…), 指标值 (735), 度量单位 (人次). */
  'targetOp',
  'targetValue',
  'targetUnit',
  'actual',
  'weight',
  'score',
  'reason',
] as const;

/** What a sheet must hold to be a layout: every label of `all`, one of `any`, none of `none`. */
const Match = z.object({
  all: z.array(z.string().min(1)).default([]),
  any: z.array(z.string().min(1)).default([]),
  none: z.array(z.string().min(1)).default([]),
});

export const Mapping = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'id 只能用小写字母、数字和 . _ -，并以字母或数字开头'),
    name: z.string(),
    description: z.string().optional(),
    /**
     * `project`: a 项目支出绩效自评表, one project. `department`: a 部门整体支出绩效自评表, the whole department (部门名称,
     * no 项目名称 and no 实施单位).
     */
    kind: z.enum(['project', 'department']).default('project'),
    /**
     * The generic reader: tried only when it reads a sheet better than every other layout (fitness), so a layout
     * written for a region always wins on its own tables.
     */
    fallback: z.boolean().default(false),
    match: Match.prefault({}),
    fields: z.object({
      title: Field.optional(),
      project: Field.optional(),
      projectCode: Field.optional(),
      department: Field,
      unit: Field.optional(),
      total: Field.optional(),
      grade: Field.optional(),
    }),
    funds: z.object({
      /** The block's own label; a unit in it (`（万元）`, `(元)`) sets the unit of the amounts. */
      anchor: LabelField.optional(),
      defaultUnit: z.enum(['元', '万元']).default('万元'),
      /** Header synonyms per column, tried in order; the first found wins (so a leaf beats its parent header). */
      columns: Columns(FUND_KEYS),
      /**
       * Instead of columns: the amounts written as labelled values, not as a table (`年度金额: | 208万元` beside
       * `资金使用情况 合计: | 109.8万元`). They make the block's one total row.
       */
      values: z.partialRecord(z.enum(['budget', 'executed', 'initial']), LabelField).optional(),
      totalRow: Labels.default(['合计']),
      /** Row labels that end the block. */
      end: z.array(z.string()).default([]),
    }),
    goal: z
      .object({
        header: Labels,
        columns: z.object({ target: Labels, actual: Labels }),
      })
      .optional(),
    indicators: z.object({
      columns: Columns(INDICATOR_KEYS),
      /** A row holding one of these labels (alone, or with its value after a colon) ends the block (总分). */
      end: Labels,
      /** Rows that are no indicator: a 小计 under a group. */
      skipRows: z.array(z.string().min(1)).default(['小计', '合计', '总计']),
    }),
    /**
     * How the execution rate is scored. `rateWeight`: its 分值 where the table does not state it (a number), `null`
     * when this layout scores no separate rate, or `auto` (default): a rate 分值/得分 column in the fund block means a
     * separate score (the rules file's `rateWeight` when the table states none); an indicator row named in
     * `rateIndicator` (预算执行率 under 项目管理) means the rate is scored as that indicator; neither, no rate score.
     */
    scoring: z
      .object({
        rateWeight: z.union([z.number().nonnegative(), z.null(), z.literal('auto')]).default('auto'),
        rateIndicator: Labels.default(['预算执行率', '资金执行率', '项目预算执行率', '预算资金执行率', '资金预算执行率', '执行率']),
        /**
         * The direction of indicators whose target is a bare figure, by name, where this layout knows better than the
         * words of the name (`{ "病虫害控制率": "正向" }`): 正向, higher is better; 反向, lower is better.
         */
        directions: z.record(z.string(), z.enum(['正向', '反向'])).default({}),
      })
      .prefault({}),
    analysis: z.record(z.string(), LabelField).default({}),
  })
  .superRefine((m, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    for (const k of ['budget', 'executed'] as const)
      if (!m.funds.columns[k] && !m.funds.values?.[k]) issue(['funds', 'columns', k], `须有 funds.columns.${k}（或 funds.values.${k}）`);
    if (!m.indicators.columns.level3) issue(['indicators', 'columns', 'level3'], '须有 indicators.columns.level3（三级指标）');
    const t = m.indicators.columns;
    if (!t.target && !t.targetAdjusted && !t.targetInitial && !t.targetValue)
      issue(['indicators', 'columns'], '指标值列须有其一：target、targetAdjusted、targetInitial 或 targetValue');
    if (m.kind === 'project' && !m.fields.project) issue(['fields', 'project'], '项目支出绩效自评表须有 fields.project（项目名称）');
    if (!m.fallback && !m.match.all.length && !m.match.any.length) issue(['match'], '须有 match.all 或 match.any：格式要有自己特有的标签');
  });
export type Mapping = z.infer<typeof Mapping>;
export type FundKey = (typeof FUND_KEYS)[number];
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];
export type FieldKey = keyof Mapping['fields'];
