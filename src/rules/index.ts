import { fundRules } from './fund.js';
import { scoreRules } from './score.js';
import { indicatorRules } from './indicator.js';
import { formRules } from './form.js';
import { narrativeRules } from './narrative.js';
import { valueRules } from './value.js';
import type { TableRule } from './rule.js';
import { ledgerRules, ledgerMissingSubmissionMeta } from './ledger.js';
import { batchDuplicateMeta } from './batch.js';
import { fileUnreadableMeta, fileUnrecognizedMeta } from './file.js';
import type { RuleMeta } from './types.js';

export * from './types.js';
export * from './config.js';
export * from './engine.js';
export type { TableRule, RuleContext } from './rule.js';

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
];

export const ruleTitles: Record<string, string> = Object.fromEntries(allRuleMetas.map((m) => [m.id, m.title]));

export { LedgerIndex, ledgerRowId } from './ledger-index.js';
export { ledgerMissingSubmissionMeta, ledgerDepartment, missingSubmission } from './ledger.js';
export { batchDuplicateMeta, findDuplicates, type TableKey } from './batch.js';
export { fileUnreadableMeta, fileUnrecognizedMeta } from './file.js';
