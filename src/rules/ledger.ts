import { Decimal } from '../model/index.js';
import { type LedgerRow, type NumberField, normCode } from '../model/index.js';
import { asShown, plain, usable } from './figures.js';
import { defineRule } from './rule.js';
import { mainRow } from './table-access.js';
import { type AmountKey, blamedCell } from './fund-blame.js';
import type { Finding, RuleMeta } from './types.js';

const WAN = new Decimal(10000);

/** A ledger amount (held in 万元) in a unit: as the ledger wrote it, or as the table states its amounts. */
function inUnit(wan: Decimal, unit: '元' | '万元'): Decimal {
  return unit === '元' ? wan.times(WAN) : wan;
}

export const ledgerMismatch = defineRule({
  meta: {
    id: 'ledger.mismatch',
    severity: 'error',
    title: '与预算系统台账不符',
    description: '全年预算数或全年执行数与预算系统台账不符（换算单位后）',
    docs: '全年预算数 or 全年执行数 differs from the ledger (after unit conversion).',
    messages: { mismatch: '{column}与预算系统台账不符：台账为 {ledger}，表中为 {table}' },
  },
  check(t, ctx) {
    const hit = t.kind === 'project' ? ctx.ledger?.match(t) : null;
    const row = mainRow(t);
    if (!hit || !row) return;
    const pairs: [string, AmountKey, NumberField | undefined, NumberField, '元' | '万元'][] = [
      ['全年预算数', 'budget', row.values.budget, hit.budget, hit.sourceUnit.budget],
      ['全年执行数', 'executed', row.values.executed, hit.executed, hit.sourceUnit.executed],
    ];
    // Compared in the table's own unit (a table in 元 against a ledger in 万元, or the other way round).
    const tableUnit = t.amountUnit;
    for (const [column, key, field, ledger, unit] of pairs) {
      const mine = usable(field);
      const wan = usable(ledger);
      if (!field || !mine || !wan) continue;
      // A total that is not its sources' sum, which the ledger confirms: fund.sum names this cell with the ledger's
      // figure already. One wrong figure, one finding.
      if (blamedCell(t, key, ctx)?.ledger) continue;
      const theirs = inUnit(wan, tableUnit);
      // Two reported figures: they agree only as they stand (plus the tolerance), not under the rounding rule for
      // computed ones, which would let a table's `7` stand for anything from 65,000 to 74,999 元.
      if (theirs.minus(mine).abs().lte(ctx.params.tolerance)) continue;
      const asWritten = `${plain(inUnit(wan, unit))} ${unit}`;
      ctx.report({
        messageId: 'mismatch',
        cell: field.cell,
        data: { column, ledger: unit === tableUnit ? asWritten : `${asWritten}（折合 ${plain(theirs)} ${tableUnit}）`, table: `${asShown(field)} ${tableUnit}` },
        expected: `${plain(theirs)} ${tableUnit}`,
        actual: `${asShown(field)} ${tableUnit}`,
      });
    }
  },
});

export const ledgerUnknownProject = defineRule({
  meta: {
    id: 'ledger.unknown-project',
    severity: 'warning',
    title: '台账中无此项目',
    description: '报送的表在预算系统台账中找不到对应项目',
    docs: 'A submitted table matches no ledger row.',
    messages: { unknown: '项目“{project}”（单位 {unit}）在预算系统台账中找不到对应项目' },
  },
  check(t, ctx) {
    // The ledger lists projects: a 部门整体 table is none of them.
    if (!ctx.ledger || t.kind !== 'project' || ctx.ledger.match(t)) return;
    ctx.report({
      messageId: 'unknown',
      cell: t.project.cell,
      data: { project: t.project.value ?? '', unit: t.unit.value ?? '' },
      expected: null,
      actual: null,
    });
  },
});

export const ledgerMissingSubmissionMeta: RuleMeta = {
  id: 'ledger.missing-submission',
  severity: 'warning',
  title: '台账项目未报送自评表',
  description: '预算系统台账中的项目没有报送绩效自评表',
  docs: 'A ledger project has no submitted table.',
  messages: {
    missing: '预算系统台账中的项目“{project}”（{code}单位 {unit}，台账全年预算数 {budget}，全年执行数 {executed}）未报送绩效自评表，请补报',
  },
};

/**
 * The department a ledger row belongs to: the department of the submitted tables under its department code (so a
 * ledger that names it 区委政法委 files its findings in the same correction list as the tables), else its own
 * columns, else the department of a submitted table of its unit, else of the department whose code its unit code
 * begins with. The submitted tables are indexed once: a ledger of 20,000 rows asked each row of every table's key
 * (10 s at 20,000 tables, bench/README.md).
 */
export function ledgerDepartments(known: readonly { unitCode: string | null; department: string | null }[]): (row: LedgerRow) => string | null {
  // The first table in the given order answers, as a search through them would.
  const byDepartmentCode = new Map<string, string>();
  const byUnitCode = new Map<string, string>();
  const prefixes = new Map<string, string>();
  for (const k of known) {
    if (!k.department) continue;
    const head = k.department.split('-')[0]!;
    const code = normCode(head);
    if (/^\S+?-/.test(k.department) && !byDepartmentCode.has(code)) byDepartmentCode.set(code, k.department);
    if (k.unitCode && !byUnitCode.has(normCode(k.unitCode))) byUnitCode.set(normCode(k.unitCode), k.department);
    if (/^\d+/.test(k.department) && !prefixes.has(head)) prefixes.set(head, k.department);
  }
  return (row) => {
    if (row.departmentCode) {
      const same = byDepartmentCode.get(normCode(row.departmentCode));
      if (same) return same;
    }
    if (row.departmentCode && row.departmentName) return `${row.departmentCode}-${row.departmentName}`;
    if (row.departmentName) return row.departmentName;
    const code = row.unitCode ?? row.departmentCode;
    if (!code) return null;
    const same = byUnitCode.get(normCode(code));
    if (same) return same;
    for (const [head, department] of prefixes) if (code.startsWith(head)) return department;
    return null;
  };
}

export type MissingReport = Pick<Finding, 'department' | 'unit' | 'project' | 'file' | 'sheet' | 'cell'> & {
  data: Record<string, string>;
};

/**
 * A ledger project nobody submitted: a row of the department's list saying so, with the ledger's code and amounts as
 * the ledger states them — not a file or a cell of the bureau's own ledger, which the department never sees.
 */
export function missingSubmission(row: LedgerRow, department: string | null): MissingReport {
  const unit = row.unitCode && row.unitName ? `${row.unitCode}-${row.unitName}` : (row.unitName ?? row.unitCode);
  const amount = (f: LedgerRow['budget'], u: '元' | '万元') => (f.value ? `${plain(u === '元' ? f.value.times(WAN) : f.value)} ${u}` : '—');
  return {
    file: '',
    sheet: null,
    cell: null,
    department,
    unit,
    project: row.projectName.value,
    data: {
      project: row.projectName.value ?? '',
      code: row.projectCode ? `项目编码 ${row.projectCode}，` : '',
      unit: unit ?? '—',
      budget: amount(row.budget, row.sourceUnit.budget),
      executed: amount(row.executed, row.sourceUnit.executed),
    },
  };
}

export const ledgerRules = [ledgerMismatch, ledgerUnknownProject];
