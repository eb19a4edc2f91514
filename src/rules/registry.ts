/** Every rule of SPEC.md, in one list: the engine runs them, the rules file names them, reports title them. */
import { fundRules } from './fund.js';
import { scoreRules } from './score.js';
import { indicatorRules } from './indicator.js';
import { formRules } from './form.js';
import { narrativeRules } from './narrative.js';
import { valueRules } from './value.js';
import { type TableRule, ruleFailedMeta } from './rule.js';
import { ledgerRules, ledgerMissingSubmissionMeta } from './ledger.js';
import { batchDuplicateMeta } from './batch.js';
import { fileTooManyFindingsMeta, fileUnreadableMeta, fileUnrecognizedMeta } from './file.js';

export { fileUnreadableMeta };
import type { RuleMeta } from './types.js';

/** Every rule that looks at one table at a time, in the order their findings are listed. */
export const tableRules: readonly TableRule[] = [
  ...valueRules,
  ...formRules,
  ...fundRules,
  ...scoreRules,
  ...indicatorRules,
  ...narrativeRules,
  ...ledgerRules,
];

/** Every rule id with its meta, including those raised over the whole batch or whole files. */
export const allRuleMetas: readonly RuleMeta[] = [
  ...tableRules.map((r) => r.meta),
  ledgerMissingSubmissionMeta,
  batchDuplicateMeta,
  fileUnreadableMeta,
  fileUnrecognizedMeta,
  fileTooManyFindingsMeta,
  ruleFailedMeta,
];

export const ruleTitles: Record<string, string> = Object.fromEntries(allRuleMetas.map((m) => [m.id, m.title]));

