export * from './types.js';
export * from './config.js';
export * from './engine.js';
export { type TableRule, type RuleContext, ruleFailedMeta } from './rule.js';

export { tableRules, allRuleMetas, ruleTitles, fileUnreadableMeta } from './registry.js';
export { LedgerIndex, type LedgerRows, ledgerRowId } from './ledger-index.js';
export { ledgerMissingSubmissionMeta, ledgerDepartments, missingSubmission } from './ledger.js';
export { batchDuplicateMeta, findDuplicates, type TableKey } from './batch.js';
export { fileUnrecognizedMeta, fileTooManyFindingsMeta } from './file.js';
export { MAX_FINDINGS_PER_FILE, MAX_REPORT_FINDINGS, capFindings, fairCap, keepMostSevere } from './finding-cap.js';
export { tableIdentity, findingKey, placeKey, projectIdentity } from './identity.js';
