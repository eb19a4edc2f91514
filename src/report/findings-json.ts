import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Finding } from '../rules/index.js';
import { type FileStatus, UNKNOWN_DEPARTMENT } from './labels.js';
import { FINDINGS_SCHEMA_VERSION } from './findings-schema.js';
import { compareText, sortFindings } from './sort.js';
import type { DepartmentProgress } from './changes.js';

export interface InputRecord {
  file: string;
  sha256: string | null;
  status: FileStatus;
  sheets: { name: string; layout: string | null; project: string | null }[];
}

export interface Summary {
  files: number;
  audited: number;
  unreadable: number;
  unrecognized: number;
  tables: number;
  findings: number;
  errors: number;
  warnings: number;
  infos: number;
  departments: number;
  byRule: Record<string, number>;
  byDepartment: Record<string, { errors: number; warnings: number; infos: number }>;
}

/** The department a finding is counted and listed under: its own, or 未知部门. */
export function departmentOrUnknown(f: Pick<Finding, 'department'>): string {
  return f.department ?? UNKNOWN_DEPARTMENT;
}

/** A copy of `rec` with its keys inserted in sorted order (JSON.stringify keeps insertion order). */
function sortedKeys<T>(rec: Record<string, T>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  for (const k of Object.keys(rec).sort(compareText)) out[k] = rec[k] as T;
  return out;
}

/**
 * Counts over all inputs and findings. `departments` is the number of distinct departments that have findings
 * (a finding without a department counts under 未知部门).
 */
export function summarize(inputs: InputRecord[], findings: Finding[], tables: number): Summary {
  // Null-prototype records: a department named `__proto__` must count like any other.
  const byRule = Object.create(null) as Record<string, number>;
  const byDepartment = Object.create(null) as Record<string, { errors: number; warnings: number; infos: number }>;
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const f of findings) {
    byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    const key = departmentOrUnknown(f);
    const d = (byDepartment[key] ??= { errors: 0, warnings: 0, infos: 0 });
    if (f.severity === 'error') {
      errors++;
      d.errors++;
    } else if (f.severity === 'warning') {
      warnings++;
      d.warnings++;
    } else {
      infos++;
      d.infos++;
    }
  }
  const depts = Object.create(null) as Summary['byDepartment'];
  for (const [k, v] of Object.entries(sortedKeys(byDepartment))) {
    depts[k] = { errors: v.errors, warnings: v.warnings, infos: v.infos };
  }
  return {
    files: inputs.length,
    audited: inputs.filter((i) => i.status === 'audited').length,
    unreadable: inputs.filter((i) => i.status === 'unreadable').length,
    unrecognized: inputs.filter((i) => i.status === 'unrecognized').length,
    tables,
    findings: findings.length,
    errors,
    warnings,
    infos,
    departments: Object.keys(depts).length,
    byRule: sortedKeys(byRule),
    byDepartment: depts,
  };
}

export function compareInputs(a: InputRecord, b: InputRecord): number {
  return compareText(a.file, b.file) || compareText(a.sha256 ?? '', b.sha256 ?? '') || compareText(a.status, b.status);
}

function inputJson(i: InputRecord): InputRecord {
  return {
    file: i.file,
    sha256: i.sha256 ?? null,
    status: i.status,
    sheets: i.sheets.map((s) => ({ name: s.name, layout: s.layout ?? null, project: s.project ?? null })),
  };
}

function findingJson(f: Finding): Finding {
  return {
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    sheet: f.sheet ?? null,
    cell: f.cell ?? null,
    department: f.department ?? null,
    unit: f.unit ?? null,
    project: f.project ?? null,
    message: f.message,
    expected: f.expected ?? null,
    actual: f.actual ?? null,
    key: f.key,
    ...(f.change ? { change: f.change } : {}),
    ...(f.resubmitted === false ? { resubmitted: false as const } : {}),
  };
}

/** What findings.json says of an earlier audit it was compared with (--previous). */
export interface Comparison {
  /** The earlier audit's summary counts. */
  previous: { files: number; findings: number; errors: number; warnings: number; infos: number };
  resolved: Finding[];
  progress: DepartmentProgress[];
}

/**
 * The text of findings.json: `{ schemaVersion, tool, inputs, findings, summary }` (findings-schema.ts), and against
 * an earlier audit `previous`, `resolved` and `progress` too; sorted, keys in a fixed order, 2-space indent, trailing
 * newline, no timestamps — byte-identical for the same inputs in any order.
 */
export function findingsDocument(
  tool: { name: string; version: string },
  inputs: InputRecord[],
  findings: Finding[],
  tables: number,
  comparison?: Comparison,
): string {
  return [...findingsDocumentChunks(tool, inputs, findings, tables, comparison)].join('');
}

/**
 * findingsDocument written piece by piece, one finding at a time: the whole text of a big audit would pass the
 * longest string V8 can make (`Invalid string length`), and nobody would get a report.
 */
export function writeFindingsDocument(
  file: string,
  tool: { name: string; version: string },
  inputs: InputRecord[],
  findings: Finding[],
  tables: number,
  comparison?: Comparison,
): void {
  const fd = fs.openSync(file, 'w');
  try {
    let buffered: string[] = [];
    let size = 0;
    const flush = () => {
      fs.writeSync(fd, buffered.join(''));
      buffered = [];
      size = 0;
    };
    for (const chunk of findingsDocumentChunks(tool, inputs, findings, tables, comparison)) {
      buffered.push(chunk);
      size += chunk.length;
      if (size > 1 << 20) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
}


/** An array as JSON.stringify(…, null, 2) writes it as the value of a top-level key, element by element. */
function* arrayChunks<T>(items: readonly T[], json: (x: T) => unknown): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  yield '[\n';
  for (let i = 0; i < items.length; i++) {
    yield `    ${JSON.stringify(json(items[i]!), null, 2).replace(/\n/g, '\n    ')}${i + 1 < items.length ? ',\n' : '\n'}`;
  }
  yield '  ]';
}

function* findingsDocumentChunks(
  tool: { name: string; version: string },
  inputs: InputRecord[],
  findings: Finding[],
  tables: number,
  comparison?: Comparison,
): Generator<string> {
  // A marker no submission can contain (its department names end up in the skeleton too)
  const ARRAY = `\u0000array-${randomUUID()}\u0000`;
  const arrays: (() => Generator<string>)[] = [];
  const later = (f: () => Generator<string>) => {
    arrays.push(f);
    return ARRAY;
  };
  const doc = {
    schemaVersion: FINDINGS_SCHEMA_VERSION,
    tool: { name: tool.name, version: tool.version },
    inputs: later(() => arrayChunks([...inputs].sort(compareInputs), inputJson)),
    findings: later(() => arrayChunks(sortFindings(findings), findingJson)),
    ...(comparison
      ? {
          previous: comparison.previous,
          resolved: later(() => arrayChunks(sortFindings(comparison.resolved), findingJson)),
          progress: comparison.progress,
        }
      : {}),
    summary: summarize(inputs, findings, tables),
  };
  // The skeleton is small; the arrays go where their markers stand, in order.
  const parts = JSON.stringify(doc, null, 2).split(JSON.stringify(ARRAY));
  for (let i = 0; i < parts.length; i++) {
    yield parts[i]!;
    if (i < arrays.length) yield* arrays[i]!();
  }
  yield '\n';
}
