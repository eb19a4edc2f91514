import { createHash } from 'node:crypto';
import { FUND_COLUMN_NAMES, type FundColumn, type ProjectTable, normCode, normName } from '../model/index.js';
import type { Finding } from './types.js';

/**
 * What makes two findings the same problem across resubmissions (issue 18): the department's code, the unit's code,
 * the project (its code, else its name as normalised), the rule, and what the finding is about — the fund row and
 * column, the indicator, the field — never the file's name or the cell's address. A department that renames its file
 * or moves a row keeps the same problems; one that corrects a figure loses one.
 */

/** A department or unit: its code where it gives one (`007-…`), else its name without spaces, quotes or width. */
function party(text: string | null): string {
  if (!text) return '';
  const code = /^\s*(\d{2,})-/.exec(text)?.[1];
  return code ? normCode(code) : normName(text);
}

/** The project of a table or a finding: its code where the table states one, else its normalised name. */
export function projectIdentity(project: string | null, projectCode?: string | null): string {
  return projectCode?.trim() ? `#${normCode(projectCode)}` : project ? normName(project) : '';
}

/** The table a finding belongs to, across audits: department, unit, project. */
export function tableIdentity(department: string | null, unit: string | null, project: string | null, projectCode?: string | null): string {
  return `${party(department)}|${party(unit)}|${projectIdentity(project, projectCode)}`;
}

/** A finding's identity: its table's, the rule, and what it is about. */
export function findingKey(table: string, rule: string, subject: string): string {
  const key = `${table}|${rule}|${subject}`;
  // Names in a key are as long as the cells they came from: a long key keeps its start and a digest of the rest.
  return key.length <= MAX_KEY ? key : `${key.slice(0, MAX_KEY - 65)}#${createHash('sha256').update(key).digest('hex')}`;
}

const MAX_KEY = 400;

/** The identity of a finding whose place is all there is to know of its table (file and batch findings). */
export function placeKey(f: Pick<Finding, 'department' | 'unit' | 'project' | 'rule'>, subject: string): string {
  return findingKey(tableIdentity(f.department, f.unit, f.project), f.rule, subject);
}

/**
 * What each cell of a table is, in words that survive a shifted table: `资金|上级补助资金|全年预算数`,
 * `指标|网格员人数|得分`, `字段|总分`, `分析|implementation`, `列|weight`. Built once per table.
 */
export function cellSubjects(t: ProjectTable): Map<string, string> {
  const out = new Map<string, string>();
  const set = (cell: string | null | undefined, subject: string) => {
    if (cell && !out.has(cell)) out.set(cell, subject);
  };
  for (const row of [...(t.funds.total ? [t.funds.total] : []), ...t.funds.sources]) {
    const label = row.kind === 'total' ? '资金总额' : normName(row.label.value ?? '资金来源');
    for (const [k, f] of Object.entries(row.values)) set(f?.cell, `资金|${label}|${FUND_COLUMN_NAMES[k as FundColumn]}`);
  }
  for (const ind of t.indicators) {
    const name = normName(ind.level3.value ?? '');
    const cols = { weight: ind.weight, score: ind.score, target: ind.target, actual: ind.actual, reason: ind.reason } as const;
    for (const [k, f] of Object.entries(cols)) set(f?.cell, `指标|${name}|${k}`);
    for (const [k, f] of Object.entries({ targetInitial: ind.targetInitial, targetAdjusted: ind.targetAdjusted })) set(f?.cell, `指标|${name}|${k}`);
    set(ind.level1.cell, `层级|${normName(ind.level1.value ?? '')}`);
    set(ind.level2.cell, `层级|${normName(ind.level1.value ?? '')}|${normName(ind.level2.value ?? '')}`);
  }
  const fields = { project: t.project, department: t.department, unit: t.unit, total: t.total, grade: t.grade, title: t.title } as const;
  for (const [k, f] of Object.entries(fields)) set(f?.cell, `字段|${k}`);
  set(t.weightTotal?.cell, '字段|分值合计');
  for (const a of t.analysis) set(a.text.cell, `分析|${a.key}`);
  for (const [k, cell] of Object.entries(t.indicatorHeaders)) set(cell, `列|${k}`);
  return out;
}
