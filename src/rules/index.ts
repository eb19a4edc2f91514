export * from './types.js';
export * from './config.js';
export * from './engine.js';
export type { TableRule, RuleContext } from './rule.js';

export { tableRules, allRuleMetas, ruleTitles } from './registry.js';
export { LedgerIndex, type LedgerRows, ledgerRowId } from './ledger-index.js';
export { ledgerMissingSubmissionMeta, ledgerDepartments, missingSubmission } from './ledger.js';
export { batchDuplicateMeta, findDuplicates, type TableKey } from './batch.js';
export { fileUnreadableMeta, fileUnrecognizedMeta } from './file.js';
