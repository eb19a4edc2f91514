import { readFileSync } from 'node:fs';
import fg from 'fast-glob';
import os from 'node:os';
import path from 'node:path';
import { loadMappings, mappingSourcesWith } from '../map/index.js';
import { normName } from '../text/index.js';
import { ReadError, defaultReadLimits, type ReadLimits } from '../read/index.js';
import {
  type Finding,
  type RulesConfig,
  type TableKey,
  MAX_FINDINGS_PER_FILE,
  MAX_REPORT_FINDINGS,
  batchDuplicateMeta,
  capFindings,
  fairCap,
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
  findingKey,
  tableIdentity,
} from '../rules/index.js';
import {
  ANNOTATED_NONE,
  type InputRecord,
  type Summary,
  ensureDir,
  annotatedPaths,
  writeFindingsDocument,
  insideDir,
  summarize,
  writeAllCorrections,
  writeSummaryWorkbook,
  type ListContext,
  type Comparison,
  type DepartmentProgress,
  compareAudits,
  listDate,
  UNKNOWN_DEPARTMENT,
} from '../report/index.js';
import { type Discovered, discover, kindOf } from './discover.js';
import { CopyWriter, StagedOutput, diskTrouble, isOutputFolder } from './outputs.js';
import { departmentsOfFolders } from './departments.js';
import { readEarlierAudit } from './previous.js';
import { ChildPool, type Failure, type PoolLimits } from './pool.js';
import { type ChildSetup, type FileResult, unreadable } from './tasks.js';
import { type Ledger, type LedgerWire, ledgerFromWire } from './ledger.js';

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
  /** An earlier audit's output folder: each finding is then new or still open, and the fixed ones are listed. */
  previous?: string | undefined;
}

export interface AuditOutcome {
  exitCode: 0 | 1;
  summary: Summary;
  outDir: string;
  findingsFile: string;
  corrections: Record<string, { xlsx: string; csv: string }>;
  missingInputs: string[];
  /** Against an earlier audit (--previous): each department's 整改进度. */
  progress?: DepartmentProgress[];
}

/** The 表中为 column of an unreadable file: the reason in a word (the library's own wording is English). */
const FAILURE_ZH: Record<string, string> = {
  empty: '空文件',
  encrypted: '加密',
  corrupt: '文件损坏',
  'too-large': '文件过大',
  timeout: '读取超时',
  'out-of-memory': '内存超限',
  crashed: '读取时进程异常退出',
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
  // A file with no table is known by its content across audits (renamed, it is the same file), else by its name.
  const fileKey = (rule: string) => findingKey(`||file:${r.input.sha256 ?? normName(r.input.file)}`, rule, 'file');
  if (r.input.status === 'unreadable') {
    const code = r.failure?.code ?? 'corrupt';
    return toFinding(fileUnreadableMeta, params, { messageId: code, cell: null, data: { detail: r.failure?.detail ?? '' }, expected: null, actual: null }, where, fileKey(fileUnreadableMeta.id));
  }
  if (r.input.status === 'unrecognized') {
    const sheets = r.sheetNames.join('、') || '无';
    if (r.ledgerLike) return toFinding(fileUnrecognizedMeta, params, { messageId: 'ledgerLike', cell: null, data: { sheets } }, where, fileKey(fileUnrecognizedMeta.id));
    const n = r.nearest;
    // The labels the nearest layout lacked, as `inspect` lists them: what to add to the sheet, or to a mapping file.
    const lacking = n ? `${n.lacking.slice(0, 8).join('、')}${n.lacking.length > 8 ? ` 等 ${n.lacking.length} 项` : ''}` : '';
    return toFinding(
      fileUnrecognizedMeta,
      params,
      n ? { messageId: 'nearest', cell: null, data: { sheets, layout: n.name, sheet: n.sheet, lacking } } : { messageId: 'unrecognized', cell: null, data: { sheets } },
      where,
      fileKey(fileUnrecognizedMeta.id),
    );
  }
  return null;
}

/**
 * The read limits a reader with `memoryMb` of heap can keep. A part parsed in one go past the heap limit ends the
 * reader (V8 aborts: a 225 MB sheet under `--memory 128`), which the pool survives but reports only as 内存超限.
 * Parsing takes a few times a part's size, so a part or file may be at most a quarter of the heap: anything larger is
 * reported too large (文件过大, the more precise reason) before it is parsed.
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

/** A file the pool has no answer for: unreadable, with the reason its reader process gave out. */
/**
 * Every file's findings within MAX_FINDINGS_PER_FILE, and all of them within MAX_REPORT_FINDINGS (shared alike by
 * the files with many); each file with findings left out gets one file.too-many-findings that counts them.
 */
function reportCapped(findings: Finding[], omittedBefore: ReadonlyMap<string, number>, params: RulesConfig): Finding[] {
  const perFile = new Map<string, number>();
  for (const f of findings) perFile.set(f.file, (perFile.get(f.file) ?? 0) + 1);
  const cap = Math.min(MAX_FINDINGS_PER_FILE, fairCap([...perFile.values()], MAX_REPORT_FINDINGS));
  if (omittedBefore.size === 0 && [...perFile.values()].every((n) => n <= cap)) return findings;
  return capFindings(findings, cap, params, omittedBefore);
}

/** push(...items) without spreading: a ledger's hundred thousand missing rows would overflow the call stack. */
function append<T>(to: T[], items: readonly T[]): void {
  for (const x of items) to.push(x);
}

function lostFile(file: string, code: Failure, detail: string): FileResult {
  // A task that threw is a bug or a set-up that failed, not the file's doing; it still becomes the file's finding.
  return unreadable(file, { code: code === 'failed' ? 'corrupt' : code, detail });
}

/**
 * The ledger read and packed by a reader process, as its first task, under the same time and memory limits as a
 * submission: no parser runs in this process. Its rows come back packed, and go to every reader from here.
 */
async function readLedgerApart(pool: ChildPool, file: string, mappingFile: string | null): Promise<LedgerWire> {
  const o = await pool.run({ kind: 'ledger', file, mappingFile });
  if (!o.ok) {
    if (o.code === 'failed') throw new Error(o.detail);
    if (o.code === 'crashed') throw new Error(`${FAILURE_ZH.crashed}（${o.detail}）`);
    throw new ReadError(o.code, o.detail);
  }
  if (!o.result.ok) throw new ReadError(o.result.code, o.result.detail);
  return o.result.ledger;
}

/** batch.duplicate: every table after the first of the same unit and project. */
function duplicateFindings(keys: readonly TableKey[], params: RulesConfig): Finding[] {
  if (params.disabled.includes(batchDuplicateMeta.id)) return [];
  return findDuplicates(keys).map(({ key, first }) =>
    toFinding(batchDuplicateMeta, params, { messageId: 'duplicate', cell: key.projectCell, data: { unit: key.unit ?? '', project: key.project ?? '', first: `${first.file}（${first.sheet}）` }, expected: null, actual: null }, key, findingKey(key.identity, batchDuplicateMeta.id, 'duplicate')),
  );
}

/** ledger.missing-submission: every ledger row no table matched. */
function missingFindings(ledger: Ledger, keys: readonly TableKey[], params: RulesConfig): Finding[] {
  if (params.disabled.includes(ledgerMissingSubmissionMeta.id)) return [];
  const out: Finding[] = [];
  const matched = new Set(keys.map((k) => k.ledgerRow).filter(Boolean));
  const { rows } = ledger;
  const departmentOfRow = ledgerDepartments(keys);
  for (let i = 0; i < rows.length; i++) {
    // Only the rows no table matched are decoded.
    if (matched.has(ledgerRowId({ file: rows.file, sheet: rows.sheet, row: rows.rowOf(i) }))) continue;
    const row = rows.at(i)!;
    const { data, ...where } = missingSubmission(row, departmentOfRow(row));
    const key = findingKey(tableIdentity(where.department, where.unit, where.project, row.projectCode), ledgerMissingSubmissionMeta.id, 'ledger');
    out.push(toFinding(ledgerMissingSubmissionMeta, params, { messageId: 'missing', cell: null, data, expected: null, actual: '未报送' }, where, key));
  }
  return out;
}

/** What every correction list's heading says: the day, the ledger, and what each department submitted. */
function listContext(inputs: readonly InputRecord[], keys: readonly TableKey[], fileDepartments: Record<string, string>, ledger: Ledger | null, date: Date | undefined): ListContext {
  const submitted: ListContext['submitted'] = {};
  for (const i of inputs) (submitted[fileDepartments[i.file] ?? UNKNOWN_DEPARTMENT] ??= { files: 0, tables: 0 }).files++;
  for (const k of keys) (submitted[k.department ?? UNKNOWN_DEPARTMENT] ??= { files: 0, tables: 0 }).tables++;
  return { date: listDate(date ?? new Date()), ledger: ledger ? ledger.file : null, submitted };
}

/** Why an annotated copy is missing, in the words of the summary's file list. */
function copyFailure(code: Failure | 'changed' | 'unreadable', detail: string): string {
  if (code === 'changed') return '文件在审核后被改动，未生成批注副本，请重新审核';
  if (code === 'failed') return '批注副本未能生成（程序出错，请联系信息科）';
  return `批注副本未能生成：${FAILURE_ZH[code === 'unreadable' ? detail : code] ?? FAILURE_ZH.corrupt}`;
}

/** Why the report was not written, what was not, and that the earlier one (if any) stands. */
function notWritten(err: unknown, writing: string, hadReport: boolean, outDir: string): string {
  const { reason, fix } = diskTrouble(err);
  const left = hadReport ? '输出文件夹里原有的报告保持不变' : '输出文件夹里没有留下不完整的报告';
  return `报告未能写出：写${writing}时${reason}。本次的 findings.json、整改清单、汇总表和批注副本都没有保存，${left}（${outDir}）。请${fix}后重新审核。`;
}

/**
 * The report stage's annotated copies, made by the reader processes once the batch rules have spoken: of every
 * audited workbook that has findings, each read once more. A clean workbook gets none. This process writes each
 * copy as it comes, on libuv's threads, while the readers make the next. Resolves with what the summary's file list
 * says of each audited file's copy.
 */
async function annotateAll(pool: ChildPool, outDir: string, found: readonly Discovered[], inputs: readonly InputRecord[], findings: readonly Finding[]): Promise<Record<string, string>> {
  const audited = new Map(inputs.filter((i) => i.status === 'audited').map((i) => [i.file, i]));
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) if (audited.has(f.file)) (byFile.get(f.file) ?? byFile.set(f.file, []).get(f.file)!).push(f);
  const copies = annotatedPaths(outDir, found.map((d) => d.file));
  const notes: Record<string, string> = Object.create(null) as Record<string, string>;
  const annotatedDir = insideDir(outDir, 'annotated');
  const writes = new CopyWriter();
  // A copy the disk refused fails the whole report (it would fail the next write anyway), said in words.
  let diskFailure: unknown = null;
  await Promise.all(
    found.map(async (d) => {
      const input = audited.get(d.file);
      if (!input) return;
      const mine = byFile.get(d.file);
      if (!mine) {
        notes[d.file] = ANNOTATED_NONE;
        return;
      }
      const to = copies.get(d.file)!;
      const o = await pool.run({ kind: 'annotate', path: d.path, sha256: input.sha256, findings: mine });
      if (!o.ok) notes[d.file] = copyFailure(o.code, o.detail);
      else if (o.result.bytes === null) notes[d.file] = copyFailure(o.result.why, o.result.detail);
      else {
        const failed = await writes.write(to, o.result.bytes);
        if (failed !== null) diskFailure ??= failed;
        notes[d.file] = failed === null ? `annotated/${path.relative(annotatedDir, to).split(path.sep).join('/')}` : `批注副本未能写入：${diskTrouble(failed).reason}`;
      }
    }),
  );
  if (diskFailure) throw diskFailure;
  return notes;
}

/**
 * The main job: discover → (read → map → model → rules) per file in the reader processes → batch rules → reports,
 * the annotated copies made by the reader processes while this process writes the lists. Every discovered file
 * ends up in findings.json, whatever happened to it.
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
  // Set-up problems surface here, before any file is touched.
  const layoutNames = Object.fromEntries(loadMappings(mappingSources).map((m) => [m.id, m.name]));
  const params = o.rulesFile ? loadRulesConfig(path.resolve(cwd, o.rulesFile)) : defaultRulesConfig;
  // Read before anything is written: --out may be the earlier audit's own folder.
  const earlier = o.previous ? readEarlierAudit(path.resolve(cwd, o.previous), (m) => new AuditSetupError(m)) : null;
  const ledgerPath = o.ledger ? path.resolve(cwd, o.ledger) : null;
  const setup: ChildSetup = { mappingSources, rulesFile: o.rulesFile ? path.resolve(cwd, o.rulesFile) : null, limits };
  const poolLimits: PoolLimits = { jobs: Math.max(1, o.jobs ?? os.availableParallelism()), timeoutMs: o.timeoutMs ?? 60_000, memoryMb };
  // The reader processes start (load their modules and mappings) and one of them reads the ledger while this
  // process lists files.
  const pool = new ChildPool(setup, poolLimits);
  let ledger: Ledger | null = null;
  let stage: StagedOutput;
  let hadReport = false;
  let found: Discovered[];
  let missing: string[];
  const ledgerRead = ledgerPath ? readLedgerApart(pool, ledgerPath, o.ledgerMappingFile ? path.resolve(cwd, o.ledgerMappingFile) : null) : null;
  const listing = discover(o.inputs, cwd, [outDir]);
  ledgerRead?.catch(() => {});
  listing.catch(() => {});
  try {
    if (ledgerRead) {
      try {
        const wire = await ledgerRead;
        ledger = ledgerFromWire(wire);
        pool.setLedger(wire);
      } catch (err) {
        const why = err instanceof ReadError ? (err.code === 'unsupported' ? err.detail : `${FAILURE_ZH[err.code] ?? err.code}（${err.detail}）`) : err instanceof Error ? err.message : String(err);
        throw new AuditSetupError(`台账无法读取：${ledgerPath}：${why}`);
      }
    }
    // Reports written over the submissions would be audited, or hide them, next time: refuse it in words.
    for (const input of o.inputs) {
      const abs = path.resolve(cwd, input);
      if (kindOf(abs) === 'directory' && (abs === outDir || !path.relative(outDir, abs).startsWith('..')))
        throw new AuditSetupError(`输出文件夹（--out）不能是输入文件夹本身或其上级，请另选一个文件夹：${outDir}`);
    }
    const discovered = await listing;
    // The ledger often sits beside the submissions; it is not one of them.
    found = discovered.found.filter((d) => d.path !== ledgerPath);
    missing = discovered.missing;
    if (!found.length) throw new AuditSetupError(`${NO_WORKBOOK}：${o.inputs.join('、')}`);
    try {
      ensureDir(outDir);
      hadReport = isOutputFolder(outDir);
      stage = new StagedOutput(outDir);
    } catch (err) {
      throw new AuditSetupError(`输出文件夹无法创建：${outDir}：${diskTrouble(err).reason}`);
    }
  } catch (err) {
    await pool.close();
    throw err;
  }

  const inputs: InputRecord[] = [];
  const findings: Finding[] = [];
  const keys: TableKey[] = [];
  const fileDepartments: Record<string, string> = {};
  const omitted = new Map<string, number>();
  let done = 0;
  let tables = 0;
  let copies: Record<string, string>;
  let all: Finding[];
  let comparison: Comparison | undefined;
  const tool = toolInfo();
  let corrections: AuditOutcome['corrections'];
  // What was being written when the disk failed, for the message that says so.
  let writing: string | null = null;
  let annotating: Promise<unknown> | null = null;
  const failed = async (err: unknown): Promise<never> => {
    // the reader processes may still be writing copies into the stage: let them finish before it goes
    await annotating?.catch(() => {});
    stage.abandon();
    if (writing === null) throw err;
    throw new AuditSetupError(notWritten(err, writing, hadReport, outDir));
  };
  try {
    // Every file is handed to the pool at once: a task is a path, and each answer is taken in as it comes.
    await Promise.all(
      found.map(async (d) => {
        const outcome = await pool.run({ kind: 'audit', path: d.path, file: d.file });
        const r = outcome.ok ? outcome.result : lostFile(d.file, outcome.code, outcome.detail);
        const department = r.keys.find((k) => k.department)?.department ?? null;
        inputs.push(r.input);
        // A table without a 主管部门 is filed under the file's other table; a file with none, once every file is in.
        for (const f of r.findings) f.department ??= department;
        for (const k of r.keys) k.department ??= department;
        findings.push(...r.findings);
        if (r.omitted) omitted.set(r.input.file, r.omitted);
        keys.push(...r.keys);
        tables += r.keys.length;
        if (department) fileDepartments[d.file] = department;
        const ff = fileFinding(params, r, department);
        if (ff && !params.disabled.includes(ff.rule)) findings.push(ff);
        o.onProgress?.(++done, found.length);
      }),
    );
    const folderDepartment = departmentsOfFolders(Object.entries(fileDepartments).map(([file, department]) => ({ file, department })));
    for (const f of findings) if (f.department === null) f.department = folderDepartment(f.file);
    for (const k of keys) if (k.department === null) k.department = folderDepartment(k.file);
    for (const i of inputs) {
      const d = fileDepartments[i.file] ? null : folderDepartment(i.file);
      if (d) fileDepartments[i.file] = d;
    }
    sameNamePerCode(findings, keys, fileDepartments);
    const capped = reportCapped(findings, omitted, params);
    if (capped !== findings) {
      findings.length = 0;
      for (const f of capped) findings.push(f);
    }
    append(findings, duplicateFindings(keys, params));
    if (ledger) append(findings, missingFindings(ledger, keys, params));
    // Against the earlier audit: each finding new or still open, the earlier ones gone resolved — or, of a table
    // not resubmitted, still open.
    if (earlier) {
      const c = compareAudits(findings, earlier, { identities: new Set(keys.map((k) => k.identity)), inputs, fileDepartments });
      all = c.findings;
      comparison = { previous: earlier.counts, resolved: c.resolved, progress: c.progress };
    } else all = findings;

    // The report stage, into the stage folder. The reader processes annotate while this process writes findings.json
    // and the lists.
    const copying = annotateAll(pool, stage.dir, found, inputs, all);
    annotating = copying;
    copying.catch(() => {});
    writing = 'findings.json';
    writeFindingsDocument(insideDir(stage.dir, 'findings.json'), tool, inputs, all, tables, comparison);
    writing = '整改清单';
    corrections = writeAllCorrections(stage.dir, all, ruleTitles, { ...listContext(inputs, keys, fileDepartments, ledger, o.date), ...(comparison ? { comparison } : {}) });
    writing = '批注副本';
    copies = await copying;
  } catch (err) {
    await failed(err);
  } finally {
    await pool.close();
  }
  try {
    writing = '汇总表 summary.xlsx';
    writeSummaryWorkbook(insideDir(stage.dir, 'summary.xlsx'), inputs, all!, ruleTitles, fileDepartments, copies!, layoutNames, comparison?.progress);
    writing = '输出文件夹';
    stage.commit();
  } catch (err) {
    await failed(err);
  }
  const summary = summarize(inputs, all!, tables);
  const final = (p: string) => stage.final(p);
  return {
    exitCode: summary.errors > 0 ? 1 : 0,
    summary,
    outDir,
    findingsFile: insideDir(outDir, 'findings.json'),
    corrections: Object.fromEntries(Object.entries(corrections!).map(([d, c]) => [d, { xlsx: final(c.xlsx), csv: final(c.csv) }])),
    missingInputs: missing,
    ...(comparison ? { progress: comparison.progress } : {}),
  };
}
