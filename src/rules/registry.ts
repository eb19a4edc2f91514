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
import { fileUnreadableMeta as fileUnreadableBase, fileUnrecognizedMeta } from './file.js';
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

/**
 * file.unreadable with one reason more: a reader process that died on the file (a native abort, a segfault, a kill),
 * which only the pool of reader processes can tell. Kept here until rules/file.ts, another branch's to edit, takes
 * the message in.
 */
export const fileUnreadableMeta: RuleMeta = {
  ...fileUnreadableBase,
  messages: { ...fileUnreadableBase.messages, crashed: '读取时进程异常退出（{detail}），文件可能异常' },
};

/** Every rule id with its meta, including those raised over the whole batch or whole files. */
export const allRuleMetas: readonly RuleMeta[] = [
  ...tableRules.map((r) => r.meta),
  ledgerMissingSubmissionMeta,
  batchDuplicateMeta,
  fileUnreadableMeta,
  fileUnrecognizedMeta,
  ruleFailedMeta,
];

export const ruleTitles: Record<string, string> = Object.fromEntries(allRuleMetas.map((m) => [m.id, m.title]));

