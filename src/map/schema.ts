import { z } from 'zod';

/**
 * A mapping file describes one layout of the form by its labels, never by addresses.
 * Labels are compared with white space, line breaks and a trailing colon removed, full-width folded;
 * a label also matches a cell that adds a trailing parenthesis (`全年预算数（万元）`).
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
});
export type LabelField = z.infer<typeof LabelField>;

const Columns = <K extends string>(keys: readonly [K, ...K[]]) => z.partialRecord(z.enum(keys), Labels);

export const FUND_KEYS = ['declared', 'initial', 'budget', 'executed', 'balance', 'rate', 'weight', 'score'] as const;
export const INDICATOR_KEYS = [
  'level1',
  'level2',
  'level3',
  'targetInitial',
  'targetAdjusted',
  'target',
  'actual',
  'weight',
  'score',
  'reason',
] as const;

export const Mapping = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'id: lower-case letters, digits, . _ -'),
    name: z.string(),
    description: z.string().optional(),
    /** A sheet is this layout only when every one of these labels is on it. */
    match: z.object({ all: Labels, none: z.array(z.string()).default([]) }),
    fields: z.object({
      title: LabelField.optional(),
      project: LabelField,
      projectCode: LabelField.optional(),
      department: LabelField,
      unit: LabelField,
      total: LabelField,
      grade: LabelField.optional(),
    }),
    funds: z.object({
      /** The block's own label; a unit in it (`（万元）`, `（元）`) sets the unit of the amounts. */
      anchor: LabelField.optional(),
      defaultUnit: z.enum(['元', '万元']).default('万元'),
      /** Header synonyms per column, tried in order; the first found wins (so a leaf beats its parent header). */
      columns: Columns(FUND_KEYS),
      totalRow: Labels,
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
    analysis: z.record(z.string(), LabelField).default({}),
  })
  .superRefine((m, ctx) => {
    for (const k of ['budget', 'executed'] as const)
      if (!m.funds.columns[k]) ctx.addIssue({ code: 'custom', path: ['funds', 'columns', k], message: `funds.columns.${k} is required` });
    for (const k of ['level3', 'weight', 'score'] as const)
      if (!m.indicators.columns[k])
        ctx.addIssue({ code: 'custom', path: ['indicators', 'columns', k], message: `indicators.columns.${k} is required` });
    const t = m.indicators.columns;
    if (!t.target && !t.targetAdjusted && !t.targetInitial)
      ctx.addIssue({ code: 'custom', path: ['indicators', 'columns'], message: 'one of target, targetAdjusted, targetInitial is required' });
  });
export type Mapping = z.infer<typeof Mapping>;
export type FundKey = (typeof FUND_KEYS)[number];
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];
