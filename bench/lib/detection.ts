/** Detection against the ground truth: recall at the right cell, false alarms on clean tables, and every surprise. */
import type { Truth } from './corpus.js';

export interface ActualFinding {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  file: string;
  sheet: string | null;
  cell: string | null;
  project: string | null;
  message: string;
}

export interface Detection {
  expected: number;
  found: number;
  /** Found at the right rule, file, sheet and cell ÷ expected. */
  recall: number;
  faults: number;
  faultsFound: number;
  missed: { rule: string; file: string; sheet: string | null; cell: string | null; fault: string }[];
  cleanTables: number;
  /** Error-level findings on tables with no injected fault. */
  falseAlarms: number;
  /** Warning-level findings on clean tables. */
  cleanWarnings: number;
  cleanInfos: number;
  /** Findings the truth does not list, by rule and severity, with a few examples. */
  unexpected: { rule: string; severity: string; count: number; examples: string[] }[];
}

/** Where a finding is: its file, sheet and cell, or, for one with no file (a ledger project never submitted), its project. */
const key = (f: { rule: string; file: string; sheet: string | null; cell: string | null; project?: string | null }) =>
  `${f.rule}|${f.file}|${f.sheet ?? ''}|${f.cell ?? ''}|${f.file === '' ? (f.project ?? '') : ''}`;

export function detect(truth: Truth, findings: ActualFinding[]): Detection {
  const actual = new Set(findings.map(key));
  const expectedKeys = new Set(truth.expected.map(key));
  const missed = truth.expected.filter((e) => !actual.has(key(e)));
  const missedFaults = new Set(missed.map((m) => m.fault));
  const clean = new Set(truth.tables.filter((t) => !t.fault).map((t) => `${t.file}|${t.sheet}`));
  let falseAlarms = 0;
  let cleanWarnings = 0;
  let cleanInfos = 0;
  const unexpected = new Map<string, { rule: string; severity: string; count: number; examples: string[] }>();
  for (const f of findings) {
    if (f.sheet !== null && clean.has(`${f.file}|${f.sheet}`)) {
      if (f.severity === 'error') falseAlarms++;
      else if (f.severity === 'warning') cleanWarnings++;
      else cleanInfos++;
    }
    if (expectedKeys.has(key(f))) continue;
    const k = `${f.rule}|${f.severity}`;
    let u = unexpected.get(k);
    if (!u) unexpected.set(k, (u = { rule: f.rule, severity: f.severity, count: 0, examples: [] }));
    u.count++;
    if (u.examples.length < 3) u.examples.push(`${f.file}#${f.sheet ?? ''}!${f.cell ?? ''}: ${f.message}`);
  }
  return {
    expected: truth.expected.length,
    found: truth.expected.length - missed.length,
    recall: truth.expected.length ? (truth.expected.length - missed.length) / truth.expected.length : 1,
    faults: truth.faults.length,
    faultsFound: truth.faults.length - missedFaults.size,
    missed: missed.map((m) => ({ rule: m.rule, file: m.file, sheet: m.sheet, cell: m.cell, fault: truth.faults[m.fault]?.kind ?? '?' })),
    cleanTables: clean.size,
    falseAlarms,
    cleanWarnings,
    cleanInfos,
    unexpected: [...unexpected.values()].sort((a, b) => b.count - a.count),
  };
}
