import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Decimal } from '../model/decimal.js';
import { allRuleMetas } from './registry.js';

const decimalText = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)])
  .transform((v) => new Decimal(String(v)));

/**
 * Rule parameters. Every field has a default, so an empty file `{}` is valid; a rules file overrides
 * only what it names. Amounts in JSON are read as exact decimals (`"0.01"` or `0.01`).
 */
export const RulesConfig = z.object({
  /** Grade bands, highest first: a total at or above `min` earns `grade`. */
  grades: z
    .array(z.object({ grade: z.string().min(1), min: decimalText }))
    .min(1)
    .prefault([
      { grade: '优', min: 90 },
      { grade: '良', min: 80 },
      { grade: '中', min: 60 },
      { grade: '差', min: 0 },
    ]),
  /** Expected weight of each 一级指标 (by its label without the stated weight) and of the execution rate. */
  levelWeights: z.record(z.string(), decimalText).prefault({ 产出指标: 50, 效益指标: 30, 满意度指标: 10, 执行率: 10 }),
  /** 分值 of the execution rate when the table does not state it. */
  rateWeight: decimalText.prefault(10),
  /** The sum of all 分值. */
  weightsTotal: decimalText.prefault(100),
  /** Absolute slack added to every comparison after rounding (0: exact under the rounding rule). */
  tolerance: decimalText.prefault(0),
  /** Severity overrides per rule id. */
  severity: z.record(z.string(), z.enum(['error', 'warning', 'info'])).default({}),
  /** Rule ids switched off. */
  disabled: z.array(z.string()).default([]),
});
export type RulesConfig = z.infer<typeof RulesConfig>;

export const defaultRulesConfig: RulesConfig = RulesConfig.parse({});

export class RulesConfigError extends Error {}

export function parseRulesConfig(json: unknown, source = 'rules'): RulesConfig {
  const r = RulesConfig.safeParse(json);
  if (!r.success)
    throw new RulesConfigError(`${source}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  // A mistyped id would leave the rule on (or its severity unchanged) without a word: refuse it.
  const known = new Set(allRuleMetas.map((m) => m.id));
  const unknown = [...r.data.disabled, ...Object.keys(r.data.severity)].filter((id) => !known.has(id));
  if (unknown.length)
    throw new RulesConfigError(`${source}: 没有这些规则 (unknown rule ids)：${[...new Set(unknown)].join('、')}；规则 id 见 README 的规则表`);
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
