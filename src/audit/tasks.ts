/**
 * What a reader process does (child.ts runs these): a submission through read → map → model → rules, its annotated
 * copy once the batch is known, and the bureau's ledger read and packed. Plain functions of plain data, so that
 * tests and bench/stages.ts call them in their own process too.
 */
import { readFileSync, statSync } from 'node:fs';
import { type Mapping, loadMappings } from '../map/index.js';
import { type ReadFailure, type ReadLimits, ReadError, fileTooLarge } from '../read/index.js';
import {
  type Finding,
  type RulesConfig,
  type TableKey,
  MAX_FINDINGS_PER_FILE,
  checkTable,
  keepMostSevere,
  defaultRulesConfig,
  ledgerRowId,
  loadRulesConfig,
  ruleTitles,
  tableDepartment,
  tableIdentity,
  tableRules,
  tableUnit,
} from '../rules/index.js';
import { type InputRecord, SubmissionChanged, annotateSubmission } from '../report/index.js';
import { type Ledger, type LedgerWire, readLedgerWire } from './ledger.js';
import { type FileTables, tablesFromBuffer } from './tables.js';

/** Everything a reader process needs to set itself up; plain data, so it crosses process boundaries. */
export interface ChildSetup {
  mappingSources: string[];
  rulesFile: string | null;
  limits: ReadLimits;
}

/** Why a file could not be audited: the reader's reasons, and a reader process that died on it. */
export type FileFailure = ReadFailure | 'crashed';

/** One file's audit, as the main process gathers it. */
export interface FileResult {
  input: InputRecord;
  findings: Finding[];
  keys: TableKey[];
  failure?: { code: FileFailure; detail: string };
  sheetNames: string[];
  /** Findings left out under MAX_FINDINGS_PER_FILE (the most severe are sent). */
  omitted?: number;
  ledgerLike?: boolean;
  /** No table: the layout the file came nearest to, and the labels it lacked (file.unrecognized says them). */
  nearest?: FileTables['nearest'];
}

/** The tasks of a reader process, and what each answers. */
export type Task =
  | { kind: 'audit'; path: string; file: string }
  | { kind: 'annotate'; path: string; sha256: string | null; findings: Finding[] }
  | { kind: 'ledger'; file: string; mappingFile: string | null };

/** An annotated copy's bytes, or why there are none: the file changed since its audit, or cannot be read again. */
export type AnnotateResult = { bytes: Uint8Array } | { bytes: null; why: 'changed' | 'unreadable'; detail: string };
/** The ledger packed for the main process, or why it cannot be read (the audit then stops: exit 2). */
export type LedgerResult = { ok: true; ledger: LedgerWire } | { ok: false; code: ReadFailure; detail: string };

export interface TaskResults {
  audit: FileResult;
  annotate: AnnotateResult;
  ledger: LedgerResult;
}

export interface Prepared {
  setup: ChildSetup;
  mappings: Mapping[];
  params: RulesConfig;
  ledger: Ledger | null;
}

export function prepare(setup: ChildSetup): Prepared {
  return {
    setup,
    mappings: loadMappings(setup.mappingSources),
    params: setup.rulesFile ? loadRulesConfig(setup.rulesFile) : defaultRulesConfig,
    ledger: null,
  };
}

/** The submitted file's bytes, or why they cannot be had. */
function readSubmission(p: Prepared, path: string): Buffer | ReadError {
  // Synchronous on purpose: a reader process does one file at a time.
  try {
    const info = statSync(path);
    if (info.size > p.setup.limits.maxBytes) throw fileTooLarge(info.size, p.setup.limits.maxBytes);
    return readFileSync(path);
  } catch (err) {
    return err instanceof ReadError ? err : new ReadError('corrupt', String(err));
  }
}

/** A file that could not be audited: its record and why. */
export function unreadable(file: string, failure: { code: FileFailure; detail: string }): FileResult {
  return { input: { file, sha256: null, status: 'unreadable', sheets: [] }, findings: [], keys: [], failure, sheetNames: [] };
}

/** One file through read → map → model → rules: its findings and what the batch rules need of its tables. */
export function auditFile(p: Prepared, task: { path: string; file: string }): FileResult {
  const buf = readSubmission(p, task.path);
  if (buf instanceof ReadError) return unreadable(task.file, { code: buf.code, detail: buf.detail });
  const res = tablesFromBuffer(buf, task.path, task.file, p.mappings, { limits: p.setup.limits, keepRaw: false });
  const findings: Finding[] = [];
  const keys: TableKey[] = [];
  const index = p.ledger?.index ?? null;
  for (const t of res.tables) {
    findings.push(...checkTable(t, tableRules, p.params, index));
    const hit = index?.match(t);
    keys.push({
      file: t.file,
      sheet: t.sheet,
      department: tableDepartment(t),
      unit: tableUnit(t),
      unitCode: t.unit.code,
      unitName: t.unit.name ?? t.unit.value,
      project: t.project.value,
      projectCell: t.project.cell,
      ledgerRow: hit ? ledgerRowId(hit) : null,
      identity: tableIdentity(tableDepartment(t), tableUnit(t), t.project.value, t.projectCode.value),
    });
  }
  const input: InputRecord = { file: task.file, sha256: res.sha256, status: res.status, sheets: res.sheets.map(({ name, layout, project }) => ({ name, layout, project })) };
  // Capped here already, so that a hostile file's thousands of findings never cross to the main process.
  const { kept, omitted } = keepMostSevere(findings, MAX_FINDINGS_PER_FILE);
  return {
    input,
    findings: kept,
    ...(omitted ? { omitted } : {}),
    keys,
    sheetNames: res.sheets.map((s) => s.name),
    ...(res.failure ? { failure: res.failure } : {}),
    ...(res.ledgerLike ? { ledgerLike: true } : {}),
    ...(res.nearest ? { nearest: res.nearest } : {}),
  };
}

/**
 * The report stage's annotated copy of one submission, made here and written by the main process on libuv's threads
 * (creating a file costs more on this kind of machine than making most copies: the reader goes on meanwhile).
 */
export function annotate(p: Prepared, task: Extract<Task, { kind: 'annotate' }>): AnnotateResult {
  try {
    return { bytes: annotateSubmission(task.path, task.sha256, task.findings, ruleTitles, p.setup.limits) };
  } catch (err) {
    if (err instanceof SubmissionChanged) return { bytes: null, why: 'changed', detail: err.message };
    if (err instanceof ReadError) return { bytes: null, why: 'unreadable', detail: err.code };
    throw err;
  }
}

function readLedgerTask(p: Prepared, task: Extract<Task, { kind: 'ledger' }>): LedgerResult {
  try {
    return { ok: true, ledger: readLedgerWire(task.file, task.mappingFile, p.setup.limits) };
  } catch (err) {
    if (err instanceof ReadError) return { ok: false, code: err.code, detail: err.detail };
    throw err;
  }
}

/** Runs one task in this process. */
export function runTask(p: Prepared, task: Task): TaskResults[Task['kind']] {
  switch (task.kind) {
    case 'audit':
      return auditFile(p, task);
    case 'annotate':
      return annotate(p, task);
    case 'ledger':
      return readLedgerTask(p, task);
  }
}
