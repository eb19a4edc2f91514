import { fundRules } from './fund.js';
import { scoreRules } from './score.js';
import { indicatorRules } from './indicator.js';
import { formRules } from './form.js';
import { narrativeRules } from './narrative.js';
import { valueRules } from './value.js';
import type { TableRule } from './rule.js';

export * from './types.js';
export * from './config.js';
export * from './engine.js';
export type { TableRule, RuleContext } from './rule.js';

/** Every rule that looks at one table at a time, in the order their findings are listed. */
export const tableRules: readonly TableRule[] = [...valueRules, ...formRules, ...fundRules, ...scoreRules, ...indicatorRules, ...narrativeRules];
