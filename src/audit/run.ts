import { readFileSync, writeFileSync } from 'node:fs';
import fg from 'fast-glob';
import os from 'node:os';
import path from 'node:path';
import { loadMappings, mappingSourcesWith } from '../map/index.js';
import { ReadError, defaultReadLimits, type ReadLimits } from '../read/index.js';
import {
  type Finding,
  type RulesConfig,
  type TableKey,
  batchDuplicateMeta,
  defaultRulesConfig,
  fileUnreadableMeta,
  fileUnrecognizedMeta,
  findDuplicates,
  ledgerDepartments,
  ledgerMissingSubmissionMeta,
  ledgerRowId,
  loadRulesConfig,
  missingSubmission,
  ruleTitles,
  toFinding,
} from '../rules/index.js';
import {
  type InputRecord,
  type Summary,
  ensureDir,
  annotatedPaths,
  findingsDocument,
  insideDir,
  summarize,
  writeAllCorrections,
  writeSummaryWorkbook,
  listDate,
  UNKNOWN_DEPARTMENT,
} from '../report/index.js';
import { type Discovered, discover, kindOf } from './discover.js';
import { departmentsOfFolders } from './departments.js';
import { CopyWriter, clearOutputs } from './outputs.js';
import { FilePool } from './pool.js';
import { LedgerBroadcast } from './ledger-channel.js';
import { type AuditSetup, type FileResult } from './worker-task.js';
import { loadLedgerApart } from './ledger.js';

export interface AuditOptions {
  inputs: string[];
  outDir: string;
  ledger?: string | undefined;
  mappingSources?: string[] | undefined;
  rulesFile?: string | undefined;
  ledgerMappingFile?: string | undefined;
  jobs?: number | undefined;
  timeoutMs?: number | undefined;
  memoryMb?: number | undefined;
  limits?: ReadLimits | undefined;
  cwd?: string | undefined;
  /** Called after each file: done, total. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /** The audit's day, printed on the correction lists (default: today). */
  date?: Date | undefined;
}

export interface AuditOutcome {
  exitCode: 0 | 1;
  summary: Summary;
  outDir: string;
  findingsFile: string;
  corrections: Record<string, { xlsx: string; csv: string }>;
  missingInputs: string[];
}

/** The 表中为 column of an unreadable file: the reason in a word (the library's own wording is English). */
const FAILURE_ZH: Record<string, string> = {
  empty: '空文件',
  encrypted: '加密',
  corrupt: '文件损坏',
  'too-large': '文件过大',
  timeout: '读取超时',
  'out-of-memory': '内存超限',
  unsupported: '格式不支持',
};

export const NO_WORKBOOK = '没有找到可审核的工作簿（.xlsx、.xls、.csv）';

/** A problem with the run itself (nothing to audit, a bad ledger or rules file): exit code 2. */
export class AuditSetupError extends Error {}

function toolInfo(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}

function fileFinding(params: RulesConfig, r: FileResult, department: string | null): Finding | null {
  const where = { file: r.input.file, sheet: null, department, unit: null, project: null };
  if (r.input.status === 'unreadable') {
    const code = r.failure?.code ?? 'corrupt';
    return toFinding(fileUnreadableMeta, params, { messageId: code, cell: null, data: { detail: r.failure?.detail ?? '' }, expected: null, actual: null }, where);
  }
  if (r.input.status === 'unrecognized') {
    const sheets = r.sheetNames.join('、') || '无';
    if (r.ledgerLike) return toFinding(fileUnrecognizedMeta, params, { messageId: 'ledgerLike', cell: null, data: { sheets } }, where);
    const n = r.nearest;
    // The labels the nearest layout lacked, as `inspect` lists them: what to add to the sheet, or to a mapping file.
    const lacking = n ? `${n.lacking.slice(0, 8).join('、')}${n.lacking.length > 8 ? ` 等 ${n.lacking.length} 项` : ''}` : '';
    return toFinding(
      fileUnrecognizedMeta,
      params,
      n ? { messageId: 'nearest', cell: null, data: { sheets, layout: n.name, sheet: n.sheet, lacking } } : { messageId: 'unrecognized', cell: null, data: { sheets } },
      where,
    );
  }
  return null;
}

/**
 * The read limits a worker with `memoryMb` of heap can keep: V8 stops a worker at its heap limit only when it gets
 * the chance, and a single part parsed in one go past it takes the whole process down (a 225 MB sheet under
 * `--memory 128`). Parsing takes a few times a part's size, so a part or file may be at most a quarter of the heap:
 * anything larger is reported too large before it is parsed.
 */
export function withinMemory(limits: ReadLimits, memoryMb: number): ReadLimits {
  const quarter = Math.floor((memoryMb * 1024 * 1024) / 4);
  return { ...limits, maxBytes: Math.min(limits.maxBytes, quarter), maxInflatedBytes: Math.min(limits.maxInflatedBytes, quarter) };
}

/**
 * One department per 主管部门 code: tables that write its name two ways (`区教育局（012）`, `012-云州区教育局`) are
 * filed under the name of the first of them in file order, so the department gets one correction list.
 */
function sameNamePerCode(findings: Finding[], keys: TableKey[], fileDepartments: Record<string, string>): void {
  const codeOf = (d: string | null) => (d ? /^(\d+)-/.exec(d)?.[1] ?? null : null);
  const first = new Map<string, string>();
  for (const k of [...keys].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.sheet < b.sheet ? -1 : 1))) {
    const code = codeOf(k.department);
    if (code && !first.has(code)) first.set(code, k.department!);
  }
  const canonical = (d: string | null) => {
    const code = codeOf(d);
    return code ? (first.get(code) ?? d) : d;
  };
  for (const f of findings) f.department = canonical(f.department);
  for (const k of keys) k.department = canonical(k.department);
  for (const [file, d] of Object.entries(fileDepartments)) fileDepartments[file] = canonical(d)!;
}

/** Runs `fn` over `items`, at most `limit` at a time, in order of start. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * The main job: discover → (read → map → model → rules → annotated copy) per file in a worker pool → batch
 * rules → reports. Every discovered file ends up in findings.json, whatever happened to it.
 */
export async function runAudit(o: AuditOptions): Promise<AuditOutcome> {
  const cwd = o.cwd ?? process.cwd();
  const outDir = path.resolve(cwd, o.outDir);
  const mappingSources = mappingSourcesWith(o.mappingSources).map((m) => path.resolve(cwd, m));
  const memoryMb = o.memoryMb ?? 1024;
  const limits = withinMemory(o.limits ?? defaultReadLimits, memoryMb);
  // Files named on the command line that are not there: said in words before anything starts (exit 2).
  const named: [string | undefined, string][] = [
    [o.ledger, '台账文件'],
    [o.ledgerMappingFile, '台账映射文件'],
    [o.rulesFile, '规则文件'],
  ];
  for (const [file, what] of named) if (file && kindOf(path.resolve(cwd, file)) !== 'file') throw new AuditSetupError(`找不到${what}：${file}`);
  for (const input of o.inputs)
    if (!fg.isDynamicPattern(input) && kindOf(path.resolve(cwd, input)) === null) throw new AuditSetupError(`找不到：${input}（路径不存在，请检查拼写）`);
  // Set-up problems surface here, in the main thread, before any file is touched.
  loadMappings(mappingSources);
  const params = o.rulesFile ? loadRulesConfig(path.resolve(cwd, o.rulesFile)) : defaultRulesConfig;
  const ledgerPath = o.ledger ? path.resolve(cwd, o.ledger) : null;
  const broadcast = ledgerPath ? new LedgerBroadcast() : null;
  const setup: AuditSetup = {
    mappingSources,
    rulesFile: o.rulesFile ? path.resolve(cwd, o.rulesFile) : null,
    ledgerChannel: broadcast?.name ?? null,
    outDir,
    limits,
  };
  const jobs = Math.max(1, o.jobs ?? os.availableParallelism());
  // The workers boot (load their modules and mappings) while the ledger is read, in a thread of its own, and this
  // thread lists files.
  // Two files in flight per worker: the second waits in the pool's queue and is handed over the moment the first
  // is answered, so a worker never idles for a round trip through this thread (12% of its time at one in flight).
  // The time limit still counts from the worker's own start, and an aborted file takes no neighbour with it.
  const inFlight = jobs * 2;
  const pool = new FilePool(setup, { jobs, timeoutMs: o.timeoutMs ?? 60_000, memoryMb }, inFlight);
  let ledger = null;
  let found: Discovered[];
  let missing: string[];
  // Listing the files needs nothing of the ledger: it runs while the ledger's thread reads (a third of a second at
  // 3,000 files). Failures are taken below, in the order they always were.
  const ledgerRead = ledgerPath ? loadLedgerApart(ledgerPath, o.ledgerMappingFile ?? null, limits) : null;
  const listing = discover(o.inputs, cwd, [outDir]);
  ledgerRead?.catch(() => {});
  listing.catch(() => {});
  try {
    if (ledgerRead) {
      try {
        ledger = await ledgerRead;
        broadcast!.publish(ledger);
      } catch (err) {
        const why = err instanceof ReadError ? (err.code === 'unsupported' ? err.detail : `${FAILURE_ZH[err.code] ?? err.code}（${err.detail}）`) : err instanceof Error ? err.message : String(err);
        throw new AuditSetupError(`台账无法读取 (ledger unreadable): ${ledgerPath}: ${why}`);
      }
    }
    // Reports written over the submissions would be audited, or hide them, next time: refuse it in words.
    for (const input of o.inputs) {
      const abs = path.resolve(cwd, input);
      if (kindOf(abs) === 'directory' && (abs === outDir || !path.relative(outDir, abs).startsWith('..')))
        throw new AuditSetupError(`输出文件夹（--out）不能是输入文件夹本身或其上级，请另选一个文件夹 (--out must not be or contain an input folder)：${outDir}`);
    }
    const discovered = await listing;
    // The ledger often sits beside the submissions; it is not one of them.
    found = discovered.found.filter((d) => d.path !== ledgerPath);
    missing = discovered.missing;
    if (!found.length) throw new AuditSetupError(`${NO_WORKBOOK} (no workbook found)：${o.inputs.join('、')}`);
    try {
      ensureDir(outDir);
      clearOutputs(outDir);
    } catch (err) {
      throw new AuditSetupError(`输出文件夹无法创建 (cannot create --out): ${outDir}: ${(err as Error).message}`);
    }
  } catch (err) {
    await pool.close();
    broadcast?.close();
    throw err;
  }
  const copies = annotatedPaths(outDir, found.map((d) => d.file));
  const writes = new CopyWriter();

  const inputs: InputRecord[] = [];
  const findings: Finding[] = [];
  const keys: TableKey[] = [];
  const fileDepartments: Record<string, string> = {};
  let done = 0;
  let tables = 0;
  try {
    // A batch of any size holds only these few files at a time.
    await forEachLimited(found, inFlight, async (d) => {
      const outcome = await pool.run({ path: d.path, file: d.file, annotated: copies.get(d.file) ?? null });
      const r: FileResult = outcome.ok
        ? outcome.result
        : { input: { file: d.file, sha256: null, status: 'unreadable', sheets: [] }, findings: [], keys: [], failure: { code: outcome.code, detail: outcome.detail }, sheetNames: [] };
      const department = r.keys.find((k) => k.department)?.department ?? null;
      if (r.annotated) await writes.write(d.path, copies.get(d.file)!, r.annotated);
      inputs.push(r.input);
      // A table without a 主管部门 is filed under the file's other table; a file with none, once every file is in.
      for (const f of r.findings) f.department ??= department;
      for (const k of r.keys) k.department ??= department;
      findings.push(...r.findings);
      keys.push(...r.keys);
      tables += r.keys.length;
      if (department) fileDepartments[d.file] = department;
      const ff = fileFinding(params, r, department);
      if (ff && !params.disabled.includes(ff.rule)) findings.push(ff);
      o.onProgress?.(++done, found.length);
    });
    await writes.done();
    const folderDepartment = departmentsOfFolders(Object.entries(fileDepartments).map(([file, department]) => ({ file, department })));
    for (const f of findings) if (f.department === null) f.department = folderDepartment(f.file);
    for (const k of keys) if (k.department === null) k.department = folderDepartment(k.file);
    for (const i of inputs) if (!fileDepartments[i.file]) {
      const d = folderDepartment(i.file);
      if (d) fileDepartments[i.file] = d;
    }
    sameNamePerCode(findings, keys, fileDepartments);

    if (!params.disabled.includes(batchDuplicateMeta.id))
      for (const { key, first } of findDuplicates(keys))
        findings.push(
          toFinding(batchDuplicateMeta, params, { messageId: 'duplicate', cell: key.projectCell, data: { unit: key.unit ?? '', project: key.project ?? '', first: `${first.file}（${first.sheet}）` }, expected: null, actual: null }, key),
        );
    if (ledger && !params.disabled.includes(ledgerMissingSubmissionMeta.id)) {
      const matched = new Set(keys.map((k) => k.ledgerRow).filter(Boolean));
      const { rows } = ledger;
      const departmentOf = ledgerDepartments(keys);
      for (let i = 0; i < rows.length; i++) {
        // Only the rows no table matched are decoded.
        if (matched.has(ledgerRowId({ file: rows.file, sheet: rows.sheet, row: rows.rowOf(i) }))) continue;
        const row = rows.at(i)!;
        const m = missingSubmission(row, departmentOf(row));
        const { data, ...where } = m;
        findings.push(toFinding(ledgerMissingSubmissionMeta, params, { messageId: 'missing', cell: null, data, expected: null, actual: '未报送' }, where));
      }
    }
    // Batch findings come after the workers wrote their annotated copies: the files they touch are annotated again, by
    // the workers (a batch submitted twice over has thousands of them).
    const batchFiles = new Set(findings.filter((f) => f.rule === batchDuplicateMeta.id).map((f) => f.file));
    // By file once: a batch submitted twice over has as many such files as findings.
    const ofBatchFile = new Map<string, Finding[]>();
    for (const f of findings) if (batchFiles.has(f.file)) (ofBatchFile.get(f.file) ?? ofBatchFile.set(f.file, []).get(f.file)!).push(f);
    const again = found.filter((d) => ofBatchFile.has(d.file));
    await forEachLimited(again, inFlight, async (d) => {
      const to = copies.get(d.file)!;
      const outcome = await pool.run({ path: d.path, file: d.file, annotated: to, findings: ofBatchFile.get(d.file)! });
      // A file read once and not now (changed or removed meanwhile) keeps the copy made with its own findings.
      if (outcome.ok && outcome.result.annotated) await writes.write(d.path, to, outcome.result.annotated);
    });
    await writes.done();
  } finally {
    await pool.close();
    broadcast?.close();
  }
  const findingsFile = insideDir(outDir, 'findings.json');
  writeFileSync(findingsFile, findingsDocument(toolInfo(), inputs, findings, tables));
  const submitted: Record<string, { files: number; tables: number }> = {};
  for (const i of inputs) {
    const d = fileDepartments[i.file] ?? UNKNOWN_DEPARTMENT;
    (submitted[d] ??= { files: 0, tables: 0 }).files++;
  }
  for (const k of keys) (submitted[k.department ?? UNKNOWN_DEPARTMENT] ??= { files: 0, tables: 0 }).tables++;
  const corrections = writeAllCorrections(outDir, findings, ruleTitles, { date: listDate(o.date ?? new Date()), ledger: ledger ? ledger.file : null, submitted });
  writeSummaryWorkbook(insideDir(outDir, 'summary.xlsx'), inputs, findings, ruleTitles, fileDepartments);
  const summary = summarize(inputs, findings, tables);
  return { exitCode: summary.errors > 0 ? 1 : 0, summary, outDir, findingsFile, corrections, missingInputs: missing };
}
