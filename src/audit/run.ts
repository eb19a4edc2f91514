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
  ANNOTATED_NONE,
  type InputRecord,
  type Summary,
  ensureDir,
  annotatedPaths,
  findingsDocument,
  insideDir,
  summarize,
  writeAllCorrections,
  writeSummaryWorkbook,
} from '../report/index.js';
import { type Discovered, discover, kindOf } from './discover.js';
import { CopyWriter, clearOutputs } from './outputs.js';
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
  if (r.input.status === 'unreadable') {
    const code = r.failure?.code ?? 'corrupt';
    return toFinding(fileUnreadableMeta, params, { messageId: code, cell: null, data: { detail: r.failure?.detail ?? '' }, expected: '可读取的工作簿', actual: FAILURE_ZH[code] }, where);
  }
  if (r.input.status === 'unrecognized')
    return toFinding(fileUnrecognizedMeta, params, { messageId: r.ledgerLike ? 'ledgerLike' : 'unrecognized', cell: null, data: { sheets: r.sheetNames.join('、') || '无' } }, where);
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
    toFinding(batchDuplicateMeta, params, { messageId: 'duplicate', cell: key.projectCell, data: { unit: key.unit ?? '', project: key.project ?? '', first: `${first.file}（${first.sheet}）` }, actual: key.file, expected: first.file }, key),
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
    out.push(toFinding(ledgerMissingSubmissionMeta, params, { messageId: 'missing', cell: where.cell, data, expected: '报送绩效自评表', actual: '未报送' }, where));
  }
  return out;
}

/** Why an annotated copy is missing, in the words of the summary's file list. */
function copyFailure(code: Failure | 'changed' | 'unreadable', detail: string): string {
  if (code === 'changed') return '文件在审核后被改动，未生成批注副本，请重新审核';
  if (code === 'failed') return '批注副本未能生成（程序出错，请联系信息科）';
  return `批注副本未能生成：${FAILURE_ZH[code === 'unreadable' ? detail : code] ?? FAILURE_ZH.corrupt}`;
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
        const written = await writes.write(to, o.result.bytes);
        notes[d.file] = written === null ? `annotated/${path.relative(annotatedDir, to).split(path.sep).join('/')}` : `批注副本未能写入：${written}`;
      }
    }),
  );
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
  loadMappings(mappingSources);
  const params = o.rulesFile ? loadRulesConfig(path.resolve(cwd, o.rulesFile)) : defaultRulesConfig;
  const ledgerPath = o.ledger ? path.resolve(cwd, o.ledger) : null;
  const setup: ChildSetup = { mappingSources, rulesFile: o.rulesFile ? path.resolve(cwd, o.rulesFile) : null, limits };
  const poolLimits: PoolLimits = { jobs: Math.max(1, o.jobs ?? os.availableParallelism()), timeoutMs: o.timeoutMs ?? 60_000, memoryMb };
  // The reader processes start (load their modules and mappings) and one of them reads the ledger while this
  // process lists files.
  const pool = new ChildPool(setup, poolLimits);
  let ledger: Ledger | null = null;
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
    throw err;
  }

  const inputs: InputRecord[] = [];
  const findings: Finding[] = [];
  const keys: TableKey[] = [];
  const fileDepartments: Record<string, string> = {};
  let done = 0;
  let tables = 0;
  let copies: Record<string, string>;
  const tool = toolInfo();
  let corrections: AuditOutcome['corrections'];
  try {
    // Every file is handed to the pool at once: a task is a path, and each answer is taken in as it comes.
    await Promise.all(
      found.map(async (d) => {
        const outcome = await pool.run({ kind: 'audit', path: d.path, file: d.file });
        const r = outcome.ok ? outcome.result : lostFile(d.file, outcome.code, outcome.detail);
        const department = r.keys.find((k) => k.department)?.department ?? d.folder;
        inputs.push(r.input);
        // A table without a 主管部门 is filed where its file is: under the file's other table, else its folder.
        for (const f of r.findings) f.department ??= department;
        for (const k of r.keys) k.department ??= department;
        findings.push(...r.findings);
        keys.push(...r.keys);
        tables += r.keys.length;
        if (department) fileDepartments[d.file] = department;
        const ff = fileFinding(params, r, department);
        if (ff && !params.disabled.includes(ff.rule)) findings.push(ff);
        o.onProgress?.(++done, found.length);
      }),
    );
    sameNamePerCode(findings, keys, fileDepartments);
    findings.push(...duplicateFindings(keys, params));
    if (ledger) findings.push(...missingFindings(ledger, keys, params));

    // The report stage. The reader processes annotate while this process writes findings.json and the lists.
    const annotating = annotateAll(pool, outDir, found, inputs, findings);
    annotating.catch(() => {});
    writeFileSync(insideDir(outDir, 'findings.json'), findingsDocument(tool, inputs, findings, tables));
    corrections = writeAllCorrections(outDir, findings, ruleTitles);
    copies = await annotating;
  } finally {
    await pool.close();
  }
  writeSummaryWorkbook(insideDir(outDir, 'summary.xlsx'), inputs, findings, ruleTitles, fileDepartments, copies);
  const summary = summarize(inputs, findings, tables);
  return { exitCode: summary.errors > 0 ? 1 : 0, summary, outDir, findingsFile: insideDir(outDir, 'findings.json'), corrections, missingInputs: missing };
}
