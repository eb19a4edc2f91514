import { type ProjectTable, isDecimal } from '../model/index.js';
import { type RulesConfig, defaultRulesConfig } from './config.js';
import { fill } from './message.js';
import { clip } from '../text/index.js';
import { type TableRule, ruleFailedMeta } from './rule.js';
import type { LedgerIndex } from './ledger-index.js';
import type { Finding, Report, RuleMeta, Severity } from './types.js';
import { cellSubjects, findingKey, placeKey, tableIdentity } from './identity.js';

/** The department a table's findings are filed under: its 主管部门 as code-name, or the text as written. */
export function tableDepartment(t: ProjectTable): string | null {
  const d = t.department;
  if (d.code && d.name) return `${d.code}-${d.name}`;
  return d.value;
}

/** The unit a table's findings name: its 预算单位 as code-name, or the text as written. */
export function tableUnit(t: ProjectTable): string | null {
  const u = t.unit;
  if (u.code && u.name) return `${u.code}-${u.name}`;
  return u.value;
}

export function severityOf(meta: RuleMeta, params: RulesConfig): Severity {
  return params.severity[meta.id] ?? meta.severity;
}

const figure = (v: Report['expected']): string | null => (v === undefined || v === null ? null : isDecimal(v) ? v.toFixed() : clip(v));
const clipped = (v: string | null) => (v === null ? null : clip(v));

/**
 * Builds a finding from a rule's report; the message template must exist, or the rule is broken. `key` is its
 * identity across audits (identity.ts); by default, its place and what it is about (`subject`).
 */
export function toFinding(
  meta: RuleMeta,
  params: RulesConfig,
  r: Report,
  where: Pick<Finding, 'file' | 'sheet' | 'department' | 'unit' | 'project'>,
  key?: string,
  subject = 'table',
): Finding {
  const template = meta.messages[r.messageId];
  if (template === undefined) throw new Error(`${meta.id}: no message "${r.messageId}"`);
  const at = { ...where, ...r.where };
  // what a finding names of its place is copied from cells too: clipped like the rest
  const place = { ...at, sheet: clipped(at.sheet), department: clipped(at.department), unit: clipped(at.unit), project: clipped(at.project) };
  const about = r.about ? `${subject}|${r.about}` : subject;
  return {
    rule: meta.id,
    severity: severityOf(meta, params),
    ...place,
    cell: r.cell,
    message: fill(template, r.data),
    expected: figure(r.expected),
    actual: figure(r.actual),
    key: key ?? placeKey({ ...at, rule: meta.id }, about),
  };
}

export function tablePlace(t: ProjectTable): Pick<Finding, 'file' | 'sheet' | 'department' | 'unit' | 'project'> {
  return { file: t.file, sheet: t.sheet, department: tableDepartment(t), unit: tableUnit(t), project: t.project.value };
}

/**
 * Runs every enabled rule on one table and never stops at the first finding. A rule that throws is a bug in the
 * rule, not in the submission: the table is reported as not fully checked (rule.failed, an error whatever the rules
 * file says, so the run cannot end in 0), the rule's own findings on it are kept, and the other rules still run.
 */
export function checkTable(
  table: ProjectTable,
  rules: readonly TableRule[],
  params: RulesConfig = defaultRulesConfig,
  ledger: LedgerIndex | null = null,
): Finding[] {
  const out: Finding[] = [];
  const place = tablePlace(table);
  // Worked out for the first finding: most tables have none.
  let known: string | null = null;
  const identity = () => (known ??= tableIdentity(place.department, place.unit, place.project, table.projectCode.value));
  let subjects: Map<string, string> | null = null;
  const subjectOf = (cell: string | null) => (cell ? ((subjects ??= cellSubjects(table)).get(cell) ?? `单元格|${cell}`) : 'table');
  for (const rule of rules) {
    if (params.disabled.includes(rule.meta.id)) continue;
    try {
      rule.check(table, {
        params,
        ledger,
        report: (r) => {
          const subject = subjectOf(r.cell);
          const about = r.about ? `${subject}|${r.about}` : subject;
          // A batch rule's finding about another table is that table's.
          const where = r.table ? tablePlace(r.table) : place;
          const key = r.table ? undefined : findingKey(identity(), rule.meta.id, about);
          out.push(toFinding(rule.meta, params, r, where, key, subject));
        },
      });
    } catch (err) {
      out.push(ruleFailed(rule.meta, place, findingKey(identity(), ruleFailedMeta.id, rule.meta.id)));
      // For whoever fixes the rule: the log of the reader process (RECON_DEBUG=1 shows it).
      console.error(`rule ${rule.meta.id} failed on ${table.file}#${table.sheet}: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
  return out;
}

/** The finding of a rule that threw on a table; not subject to the rules file, so that it can never pass unseen. */
export function ruleFailed(rule: RuleMeta, where: Pick<Finding, 'file' | 'sheet' | 'department' | 'unit' | 'project'>, key: string): Finding {
  return {
    rule: ruleFailedMeta.id,
    severity: ruleFailedMeta.severity,
    ...where,
    cell: null,
    message: fill(ruleFailedMeta.messages.failed!, { rule: rule.title }),
    expected: '完成审核',
    actual: '未完成审核',
    key,
  };
}
