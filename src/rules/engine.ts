import type { ProjectTable } from '../model/index.js';
import { type RulesConfig, defaultRulesConfig } from './config.js';
import { fill } from './message.js';
import type { TableRule } from './rule.js';
import type { LedgerIndex } from './ledger-index.js';
import type { Finding, Report, RuleMeta, Severity } from './types.js';
import { isDecimal } from '../model/decimal.js';

/** The department a table's findings are filed under: its 主管部门 as code-name, or the text as written. */
export function departmentOf(t: ProjectTable): string | null {
  const d = t.department;
  if (d.code && d.name) return `${d.code}-${d.name}`;
  return d.value;
}

export function unitOf(t: ProjectTable): string | null {
  const u = t.unit;
  if (u.code && u.name) return `${u.code}-${u.name}`;
  return u.value;
}

export function severityOf(meta: RuleMeta, params: RulesConfig): Severity {
  return params.severity[meta.id] ?? meta.severity;
}

const figure = (v: Report['expected']): string | null => (v === undefined || v === null ? null : isDecimal(v) ? v.toFixed() : v);

/** Builds a finding from a rule's report; the message template must exist, or the rule is broken. */
export function toFinding(
  meta: RuleMeta,
  params: RulesConfig,
  r: Report,
  where: Pick<Finding, 'file' | 'sheet' | 'department' | 'unit' | 'project'>,
): Finding {
  const template = meta.messages[r.messageId];
  if (template === undefined) throw new Error(`${meta.id}: no message "${r.messageId}"`);
  return {
    rule: meta.id,
    severity: severityOf(meta, params),
    ...where,
    ...r.where,
    cell: r.cell,
    message: fill(template, r.data),
    expected: figure(r.expected),
    actual: figure(r.actual),
  };
}

export function tablePlace(t: ProjectTable): Pick<Finding, 'file' | 'sheet' | 'department' | 'unit' | 'project'> {
  return { file: t.file, sheet: t.sheet, department: departmentOf(t), unit: unitOf(t), project: t.project.value };
}

/**
 * Runs every enabled rule on one table and never stops at the first finding. A rule that throws is a bug in
 * the rule, not in the submission: it is logged and the other rules still run.
 */
export function checkTable(
  table: ProjectTable,
  rules: readonly TableRule[],
  params: RulesConfig = defaultRulesConfig,
  ledger: LedgerIndex | null = null,
): Finding[] {
  const out: Finding[] = [];
  const place = tablePlace(table);
  for (const rule of rules) {
    if (params.disabled.includes(rule.meta.id)) continue;
    try {
      rule.check(table, {
        params,
        ledger,
        report: (r) => out.push(toFinding(rule.meta, params, r, r.table ? tablePlace(r.table) : place)),
      });
    } catch (err) {
      console.error(`rule ${rule.meta.id} failed on ${table.file}#${table.sheet}: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
  return out;
}
