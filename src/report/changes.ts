/**
 * The 整改 loop (issue 18): an audit of resubmitted workbooks against an earlier audit of the same bureau. Findings
 * are the same problem when their identity (`key`, rules/identity.ts) is the same: each current finding is new or
 * still open, each earlier one no longer found is resolved — unless its table was not resubmitted (a file dropped
 * from the resubmission): then it stays open, said so, and is never silently lost.
 */
import { type Finding, type Severity, tableIdentity } from '../rules/index.js';
import { departmentOrUnknown } from './findings-json.js';
import { compareFindings, compareText } from './sort.js';

/** What this audit knows of the earlier one: its findings and its inputs, as its findings.json holds them. */
export interface Earlier {
  findings: Finding[];
  inputs: { file: string; sha256: string | null }[];
}

/** An earlier finding this audit no longer finds: fixed. Its file, sheet and cell are the earlier audit's. */
export type Resolved = Finding;

export interface DepartmentProgress {
  department: string;
  /** The earlier audit's findings by severity. */
  earlier: { errors: number; warnings: number; infos: number };
  fixed: number;
  open: number;
  new: number;
  /** Fixed errors of the earlier errors, in percent (null when there were none). */
  fixedErrorShare: number | null;
  /** false when the department sent nothing new: no file, or only files the earlier audit had (same hash). */
  resubmitted: boolean;
}

export interface Changes {
  /** Every current finding with `change`, and the earlier findings of tables not resubmitted, still open. */
  findings: Finding[];
  resolved: Resolved[];
  progress: DepartmentProgress[];
}

const FILE_RULES = new Set(['file.unreadable', 'file.unrecognized']);

/** The tables this audit read, by identity, so that an earlier finding can tell whether its table came back. */
export interface CurrentTables {
  identities: ReadonlySet<string>;
  /** Files and their hashes in this audit. */
  inputs: readonly { file: string; sha256: string | null }[];
  /** Each current file's department (as the lists name it). */
  fileDepartments: Record<string, string>;
}

/** Whether the earlier finding's table (or, for a file finding, its file) is in this audit. */
function cameBack(f: Finding, current: CurrentTables, earlierHash: Map<string, string | null>): boolean {
  if (FILE_RULES.has(f.rule) || !f.project) {
    if (f.rule === 'ledger.missing-submission') return true;
    const hash = earlierHash.get(f.file);
    return current.inputs.some((i) => i.file === f.file || (hash !== undefined && hash !== null && i.sha256 === hash));
  }
  if (f.rule === 'ledger.missing-submission') return true;
  // A table comes back under its department, unit and project (as the key begins), whatever its file is called.
  return current.identities.has(f.key.split('|').slice(0, 3).join('|'));
}

function count(list: readonly Finding[], sev: Severity): number {
  return list.filter((f) => f.severity === sev).length;
}

export function compareAudits(current: readonly Finding[], earlier: Earlier, tables: CurrentTables): Changes {
  // Same problems, counted: a table with the same problem twice has it twice.
  const waiting = new Map<string, Finding[]>();
  for (const f of [...earlier.findings].sort(compareFindings)) (waiting.get(f.key) ?? waiting.set(f.key, []).get(f.key)!).push(f);
  const findings: Finding[] = [];
  for (const f of [...current].sort(compareFindings)) {
    const same = waiting.get(f.key);
    const match = same?.shift();
    findings.push({ ...f, change: match ? 'open' : 'new' });
  }
  const earlierHash = new Map(earlier.inputs.map((i) => [i.file, i.sha256]));
  const resolved: Resolved[] = [];
  for (const left of waiting.values())
    for (const f of left) {
      if (cameBack(f, tables, earlierHash)) resolved.push(f);
      else findings.push({ ...f, change: 'open', resubmitted: false });
    }
  return { findings, resolved: resolved.sort(compareFindings), progress: progress(findings, resolved, earlier, tables) };
}

/** Per department: where it stood, what it fixed, what is still open, what is new, and whether it resubmitted. */
function progress(findings: readonly Finding[], resolved: readonly Finding[], earlier: Earlier, tables: CurrentTables): DepartmentProgress[] {
  const departments = new Set<string>();
  for (const f of [...findings, ...earlier.findings]) departments.add(departmentOrUnknown(f));
  for (const d of Object.values(tables.fileDepartments)) departments.add(d);
  const earlierHashes = new Set(earlier.inputs.map((i) => i.sha256).filter((h): h is string => !!h));
  return [...departments].sort(compareText).map((department) => {
    const mine = (list: readonly Finding[]) => list.filter((f) => departmentOrUnknown(f) === department);
    const before = mine(earlier.findings);
    const fixed = mine(resolved);
    const now = mine(findings);
    const files = tables.inputs.filter((i) => tables.fileDepartments[i.file] === department);
    const errorsBefore = count(before, 'error');
    return {
      department,
      earlier: { errors: errorsBefore, warnings: count(before, 'warning'), infos: count(before, 'info') },
      fixed: fixed.length,
      open: now.filter((f) => f.change === 'open').length,
      new: now.filter((f) => f.change === 'new').length,
      fixedErrorShare: errorsBefore ? Math.round((count(fixed, 'error') / errorsBefore) * 1000) / 10 : null,
      resubmitted: files.some((i) => !i.sha256 || !earlierHashes.has(i.sha256)),
    };
  });
}

/** The identities of the tables of an audit, from what the batch rules know of them (TableKey). */
export function tableIdentities(keys: readonly { department: string | null; unit: string | null; project: string | null; projectCode?: string | null }[]): Set<string> {
  return new Set(keys.map((k) => tableIdentity(k.department, k.unit, k.project, k.projectCode)));
}
