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
