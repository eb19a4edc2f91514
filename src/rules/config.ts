import '../text/index.js';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Decimal } from '../model/index.js';
import { allRuleMetas } from './registry.js';
import { ruleFailedMeta } from './rule.js';

const decimalText = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)])
  .transform((v) => new Decimal(String(v)));
/** Weights, bands and the tolerance: a negative one would make every figure wrong. */
const nonNegative = decimalText.refine((d) => !d.isNegative(), { message: '不能为负数' });

/**
 * Rule parameters. Every field has a default, so an empty file `{}` is valid; a rules file overrides
 * only what it names. Amounts in JSON are read as exact decimals (`"0.01"` or `0.01`).
 */
export const RulesConfig = z.strictObject({
  /** Grade bands, highest first: a total at or above `min` earns `grade`. */
  grades: z
    .array(z.strictObject({ grade: z.string().min(1), min: nonNegative }))
    .min(1)
    .prefault([
      { grade: '优', min: 90 },
      { grade: '良', min: 80 },
      { grade: '中', min: 60 },
      { grade: '差', min: 0 },
    ]),
  /** Expected weight of each 一级指标 (by its label without the stated weight) and of the execution rate. */
  levelWeights: z.record(z.string(), nonNegative).prefault({ 产出指标: 50, 效益指标: 30, 满意度指标: 10, 执行率: 10 }),
  /** 分值 of the execution rate when the table does not state it. */
  rateWeight: nonNegative.prefault(10),
  /** The sum of all 分值. */
  weightsTotal: nonNegative.prefault(100),
  /** Absolute slack added to every comparison after rounding (0: exact under the rounding rule). */
  tolerance: nonNegative.prefault(0),
  /** Severity overrides per rule id. */
  severity: z.record(z.string(), z.enum(['error', 'warning', 'info'])).default({}),
  /** Rule ids switched off. */
  disabled: z.array(z.string()).default([]),
  /**
   * The direction of indicators whose target is a bare figure, by indicator name (正向: higher is better, read as ≥;
   * 反向: lower is better, ≤), where the bureau knows better than the words of the name.
   */
  directions: z.record(z.string(), z.enum(['正向', '反向'])).default({}),
});
export type RulesConfig = z.infer<typeof RulesConfig>;

export const defaultRulesConfig: RulesConfig = RulesConfig.parse({});

export class RulesConfigError extends Error {}

/** Keys a rules file may carry for its readers (`$schema`, `_说明`, `//`): not settings, and no typo either. */
const NOTE_KEY = /^(\$|_|\/\/)/;

/** `source` names the file in messages (the CLI's path); the web page, where the user chose the file, passes ''. */
export function parseRulesConfig(json: unknown, source = 'rules'): RulesConfig {
  const where = source ? `${source}: ` : '';
  const settings = json && typeof json === 'object' && !Array.isArray(json) ? Object.fromEntries(Object.entries(json).filter(([k]) => !NOTE_KEY.test(k))) : json;
  // A misspelt key (`disable` for `disabled`) would leave the default in force without a word: strict objects refuse it.
  const r = RulesConfig.safeParse(settings);
  if (!r.success)
    throw new RulesConfigError(
      `${where}${r.error.issues
        .map((i) =>
          i.code === 'unrecognized_keys'
            ? `没有这些设置：${i.keys.join('、')}${i.path.length ? `（在 ${i.path.join('.')} 中）` : `（可用的设置：${Object.keys(RulesConfig.shape).join('、')}）`}`
            : `${i.path.join('.') || '(root)'}：${i.message}`,
        )
        .join('；')}`,
    );
  // A mistyped id would leave the rule on (or its severity unchanged) without a word: refuse it.
  const known = new Set(allRuleMetas.map((m) => m.id));
  const unknown = [...r.data.disabled, ...Object.keys(r.data.severity)].filter((id) => !known.has(id));
  if (unknown.length)
    throw new RulesConfigError(`${where}没有这些规则：${[...new Set(unknown)].join('、')}（规则编号见说明文档的规则表）`);
  // A table a rule could not finish is never a lesser matter: said at once, not silently ignored.
  if (r.data.disabled.includes(ruleFailedMeta.id) || Object.hasOwn(r.data.severity, ruleFailedMeta.id))
    throw new RulesConfigError(`${where}不能关闭“${ruleFailedMeta.id}”或改变它的严重程度：规则运行出错的表没有审核完，始终是错误`);
  return r.data;
}

export function loadRulesConfig(file: string): RulesConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new RulesConfigError(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseRulesConfig(json, file);
}
