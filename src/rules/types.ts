import type { Decimal, ProjectTable } from '../model/index.js';

export type Severity = 'error' | 'warning' | 'info';

/** One problem, pinned to a cell. This is the contract of findings.json (SPEC.md). */
export interface Finding {
  rule: string;
  severity: Severity;
  /** Relative to the directory argument the file was found under. */
  file: string;
  sheet: string | null;
  /** A1 address (top-left of a merge), or null where no cell fits. */
  cell: string | null;
  department: string | null;
  unit: string | null;
  project: string | null;
  message: string;
  expected: string | null;
  actual: string | null;
  /**
   * The problem's identity across resubmissions (identity.ts): department and unit codes, project, rule and what
   * it is about — not the file's name or the cell's address.
   */
  key: string;
  /** Against an earlier audit (--previous): a problem found for the first time, or still there. */
  change?: 'new' | 'open';
  /** false: an earlier finding of a table that was not resubmitted, still open (its file, sheet and cell are the earlier ones). */
  resubmitted?: false;
}

export interface RuleMeta {
  id: string;
  severity: Severity;
  /** A short Chinese name for the kind of problem (问题类型 in the correction list). */
  title: string;
  /** What it checks, in a line of Chinese (the rule reference of summary.xlsx and README). */
  description: string;
  /** One line of documentation (English, for developers and the rules file). */
  docs: string;
  /** Chinese message templates; `{name}` placeholders are filled from the report's data. */
  messages: Record<string, string>;
}

/** What a rule reports; the engine adds the rule id, severity and where the table came from. */
export interface Report {
  messageId: string;
  data?: Record<string, string | number | Decimal | null | undefined>;
  cell: string | null;
  expected?: string | Decimal | null;
  actual?: string | Decimal | null;
  /** For batch rules: the table the finding belongs to, when it is not the one being checked. */
  table?: ProjectTable;
  /** For batch rules about no table at all (a ledger row without a submission). */
  where?: Partial<Pick<Finding, 'file' | 'sheet' | 'department' | 'unit' | 'project'>>;
  /** What the finding is about beyond its cell, where one cell can hold several problems (a text's several figures). */
  about?: string;
}
