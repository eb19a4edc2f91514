export * from './types.js';
export * from './config.js';
export * from './engine.js';
export { type TableRule, type RuleContext, ruleFailedMeta } from './rule.js';

export { tableRules, allRuleMetas, ruleTitles, fileUnreadableMeta } from './registry.js';
export { LedgerIndex, type LedgerRows, ledgerRowId } from './ledger-index.js';
export { ledgerMissingSubmissionMeta, ledgerDepartments, missingSubmission } from './ledger.js';
export { batchDuplicateMeta, findDuplicates, type TableKey } from './batch.js';
export { fileUnrecognizedMeta } from './file.js';
export { tableIdentity, findingKey, placeKey, projectIdentity } from './identity.js';
