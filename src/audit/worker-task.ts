import { readFileSync, statSync } from 'node:fs';
import { type Mapping, loadMappings } from '../map/index.js';
import { type ReadLimits, ReadError } from '../read/index.js';
import {
  type Finding,
  type RulesConfig,
  type TableKey,
  checkTable,
  defaultRulesConfig,
  departmentOf,
  ledgerRowId,
  loadRulesConfig,
  ruleTitles,
  tableRules,
  unitOf,
} from '../rules/index.js';
import { type InputRecord, annotatedCopy } from '../report/index.js';
import { type FileTables, tablesFromBuffer } from './tables.js';
import { receiveLedger } from './ledger-channel.js';
import type { Ledger } from './ledger.js';

/** Everything a worker needs to set itself up; plain data so it crosses thread boundaries. */
export interface AuditSetup {
  mappingSources: string[];
  rulesFile: string | null;
  /** The BroadcastChannel the main thread sends the ledger on (ledger-channel.ts), when the audit has one. */
  ledgerChannel: string | null;
  outDir: string | null;
  limits: ReadLimits;
}

export interface FileTask {
  path: string;
  file: string;
  /** Where its annotated copy goes (annotatedPaths), when the audit writes them. */
  annotated: string | null;
  /**
   * The file's findings, known already: the file was audited, and the batch rules found more to say of it. The worker
   * then only makes its annotated copy again, with these (run.ts).
   */
  findings?: Finding[];
}

export interface FileResult {
  input: InputRecord;
  /**
   * The annotated copy, for the main thread to write while this thread reads the next file: its bytes, or `same`
   * when it is the submitted file as it is.
   */
  annotated?: { bytes: Uint8Array | null; same: boolean };
  findings: Finding[];
  keys: TableKey[];
  failure?: { code: ReadError['code']; detail: string };
  sheetNames: string[];
  ledgerLike?: boolean;
  nearest?: FileTables['nearest'];
}

export interface Prepared {
  setup: AuditSetup;
  mappings: Mapping[];
  params: RulesConfig;
  ledger: Ledger | null;
}

export async function prepare(setup: AuditSetup): Promise<Prepared> {
  return {
    setup,
    mappings: loadMappings(setup.mappingSources),
    params: setup.rulesFile ? loadRulesConfig(setup.rulesFile) : defaultRulesConfig,
    ledger: setup.ledgerChannel ? await receiveLedger(setup.ledgerChannel) : null,
  };
}

/** The submitted file's bytes, or why they cannot be had. */
function readSubmission(p: Prepared, task: FileTask): Buffer | ReadError {
  // Synchronous on purpose: a worker thread does one file at a time, and awaiting the libuv pool for every small
  // file left the thread idle a third of the time (bench/README.md).
  try {
    const info = statSync(task.path);
    if (info.size > p.setup.limits.maxBytes) throw new ReadError('too-large', `${(info.size / 1048576).toFixed(1)} MB`);
    return readFileSync(task.path);
  } catch (err) {
    return err instanceof ReadError ? err : new ReadError('corrupt', String(err));
  }
}

function unreadable(task: FileTask, e: ReadError): FileResult {
  return { input: { file: task.file, sha256: null, status: 'unreadable', sheets: [] }, findings: [], keys: [], failure: { code: e.code, detail: e.detail }, sheetNames: [] };
}

/**
 * A task with its findings given: the annotated copy made again with them, and nothing else (no rule is run). The
 * annotator reads the file itself; one that cannot be read now is the caller's to keep the first copy of.
 */
export function annotateAgain(p: Prepared, task: FileTask & { findings: Finding[] }): FileResult {
  const buf = readSubmission(p, task);
  if (buf instanceof ReadError) return unreadable(task, buf);
  const copy = annotatedCopy(buf, task.findings, ruleTitles);
  // The caller has the findings and the file's record: only the copy goes back.
  return { input: { file: task.file, sha256: null, status: 'audited', sheets: [] }, findings: [], keys: [], sheetNames: [], annotated: { bytes: copy.same ? null : copy.bytes, same: copy.same } };
}

/** One file through read → map → model → rules, with its annotated copy written at once (nothing is held back). */
export async function auditFile(p: Prepared, task: FileTask): Promise<FileResult> {
  if (task.findings) return annotateAgain(p, { ...task, findings: task.findings });
  const buf = readSubmission(p, task);
  if (buf instanceof ReadError) return unreadable(task, buf);
  const res = tablesFromBuffer(buf, task.path, task.file, p.mappings, { limits: p.setup.limits, keepRaw: false });
  const findings: Finding[] = [];
  const keys: TableKey[] = [];
  for (const t of res.tables) {
    findings.push(...checkTable(t, tableRules, p.params, p.ledger?.index ?? null));
    const hit = p.ledger?.index.match(t);
    keys.push({
      file: t.file,
      sheet: t.sheet,
      department: departmentOf(t),
      unit: unitOf(t),
      unitCode: t.unit.code,
      unitName: t.unit.name ?? t.unit.value,
      project: t.project.value,
      projectCell: t.project.cell,
      ledgerRow: hit ? ledgerRowId(hit) : null,
    });
  }
  let annotated: FileResult['annotated'];
  if (res.status === 'audited' && task.annotated) {
    const copy = annotatedCopy(buf, findings, ruleTitles, res.source);
    annotated = { bytes: copy.same ? null : copy.bytes, same: copy.same };
  }
  const input: InputRecord = { file: task.file, sha256: res.sha256, status: res.status, sheets: res.sheets.map(({ name, layout, project }) => ({ name, layout, project })) };
  return {
    input,
    findings,
    keys,
    sheetNames: res.sheets.map((s) => s.name),
    ...(annotated ? { annotated } : {}),
    ...(res.failure ? { failure: res.failure } : {}),
    ...(res.ledgerLike ? { ledgerLike: true } : {}),
    ...(res.nearest ? { nearest: res.nearest } : {}),
  };
}
