import type { ProjectTable } from '../model/index.js';
import type { RulesConfig } from './config.js';
import type { Report, RuleMeta } from './types.js';
import type { LedgerIndex } from './ledger-index.js';

export interface RuleContext {
  params: RulesConfig;
  /** The bureau's ledger, when the run has one. */
  ledger: LedgerIndex | null;
  report(r: Report): void;
}

/** A rule over one table: ESLint-shaped, a `meta` beside a pure `check`. */
export interface TableRule {
  meta: RuleMeta;
  check(table: ProjectTable, ctx: RuleContext): void;
}

export function defineRule(rule: TableRule): TableRule {
  return rule;
}

/** What a rule that throws on a table becomes (engine.ts): the table reported as not fully checked. */
export const ruleFailedMeta: RuleMeta = {
  id: 'rule.failed',
  severity: 'error',
  title: '审核规则运行出错',
  description: '某条核对规则在这张表上运行出错：本表未完成审核，须由信息科处理后重新审核',
  docs: 'A rule threw on this table: the table was not fully checked. Never disabled or lowered by a rules file.',
  messages: { failed: '规则“{rule}”在本表运行出错，本表未完成审核，请联系信息科' },
};
