import fs from 'node:fs';
import type { Finding, Severity } from '../rules/index.js';
import { type Comparison, departmentOrUnknown } from './findings-json.js';
import { SEVERITY_ZH } from './labels.js';
import { insideDir, neutralize, safeFileName } from './safety.js';
import { compareFindings, compareText } from './sort.js';
import { type CellValue, type WriteSheet, fitWidths, writeXlsxFile } from './xlsx-writer.js';

/**
 * A department's 整改清单: a document one can send. A heading says whose list it is, of which audit, what was
 * checked and against what; then one row per problem, errors first, each pinned to its file, sheet and cell, with
 * what the figure should be and what the table says, units included. Rule ids are the program's, not the reader's:
 * none appears here.
 */

export const CORRECTION_HEADERS = ['序号', '文件', '工作表', '单元格', '预算单位', '项目', '问题类型', '严重程度', '问题说明', '应为', '表中为'] as const;

export const CORRECTIONS_SHEET = '整改清单';

/** What the heading of every list of one audit says besides the department's own figures. */
export interface ListContext {
  /** 审核日期 as the lists print it: `2026年12月6日`. */
  date: string;
  /** The ledger's file name, or null when the audit had none. */
  ledger: string | null;
  /** Files and tables each department submitted. */
  submitted: Record<string, { files: number; tables: number }>;
  /** Against an earlier audit: the lists gain 整改情况 and a sheet 已整改. */
  comparison?: Pick<Comparison, 'resolved' | 'progress'>;
}

/** 整改情况 of a finding against the earlier audit. */
export function changeLabel(f: Finding): string {
  if (f.change === 'new') return '新增';
  return f.resubmitted === false ? '仍未整改（本表未重新报送）' : '仍未整改';
}

/** The 已整改 sheet's columns: the problem as the earlier audit found it. */
export const RESOLVED_HEADERS = ['序号', '文件（上次审核）', '工作表', '单元格', '预算单位', '项目', '问题类型', '严重程度', '问题说明（上次审核）'] as const;
export const RESOLVED_SHEET = '已整改';

/** The Chinese name of a kind of problem; the rule id only where a rule has no title (a bug, not a user's concern). */
export function ruleLabel(rule: string, ruleTitles: Record<string, string>): string {
  return (Object.hasOwn(ruleTitles, rule) ? ruleTitles[rule] : undefined) ?? '其他问题';
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** 错误 → 警告 → 提示, then file, sheet and cell, as a department works through its list. */
export function byListOrder(a: Finding, b: Finding): number {
  return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareFindings(a, b);
}

/** `2026年12月6日` (the audit's day where it runs). */
export function listDate(d: Date): string {
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

function counts(findings: Finding[]): Record<Severity, number> {
  const c = { error: 0, warning: 0, info: 0 };
  for (const f of findings) c[f.severity]++;
  return c;
}

/** The heading rows of a department's list. */
export function headingRows(department: string, findings: Finding[], ctx: ListContext): string[][] {
  const c = counts(findings);
  const s = ctx.submitted[department];
  const rows = [
    ['整改清单'],
    ['主管部门', neutralize(department)],
    ['审核日期', ctx.date],
    ['审核范围', s ? `报送文件 ${s.files} 个，自评表 ${s.tables} 张` : '无报送文件'],
    ['核对台账', ctx.ledger ? neutralize(ctx.ledger) : '未使用台账'],
    ['问题数', `错误 ${c.error} 个（须整改），警告 ${c.warning} 个（须说明），提示 ${c.info} 个（供参考）`],
  ];
  const p = ctx.comparison?.progress.find((x) => x.department === department);
  if (p)
    rows.push([
      '整改情况',
      `上次审核：错误 ${p.earlier.errors} 个，警告 ${p.earlier.warnings} 个，提示 ${p.earlier.infos} 个；本次：已整改 ${p.fixed} 个，仍未整改 ${p.open} 个，新增 ${p.new} 个${p.resubmitted ? '' : '；本部门未重新报送'}`,
    ]);
  return rows;
}

/** The rows of the 已整改 sheet: what the earlier audit found and this one no longer does, in list order. */
export function resolvedRows(resolved: Finding[], ruleTitles: Record<string, string>): string[][] {
  return [
    [...RESOLVED_HEADERS],
    ...[...resolved].sort(byListOrder).map((f, i) => problemCells(f, i, ruleTitles)),
  ];
}

/** 序号 to 问题说明, the columns a list's rows and the 已整改 sheet's share, each text neutralized. */
function problemCells(f: Finding, i: number, ruleTitles: Record<string, string>): string[] {
  return [
    String(i + 1),
    neutralize(f.file),
    neutralize(f.sheet ?? ''),
    neutralize(f.cell ?? ''),
    neutralize(f.unit ?? ''),
    neutralize(f.project ?? ''),
    ruleLabel(f.rule, ruleTitles),
    SEVERITY_ZH[f.severity] ?? f.severity,
    neutralize(f.message),
  ];
}

/**
 * The table of a 整改清单: the header row, then one row per finding in list order. Every text cell is neutralized
 * against formula injection; 序号 is the row number as text.
 */
export function correctionRows(findings: Finding[], ruleTitles: Record<string, string>, compared = false): string[][] {
  const rows: string[][] = [[...CORRECTION_HEADERS, ...(compared ? ['整改情况'] : [])]];
  [...findings].sort(byListOrder).forEach((f, i) => {
    rows.push([
      ...problemCells(f, i, ruleTitles),
      neutralize(f.expected ?? ''),
      neutralize(f.actual ?? ''),
      ...(compared ? [changeLabel(f)] : []),
    ]);
  });
  return rows;
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** RFC 4180 CSV: UTF-8 BOM (so Excel shows Chinese), CRLF after every record, fields quoted when needed. */
export function toCsv(rows: string[][]): string {
  return `\uFEFF${rows.map((r) => `${r.map(csvField).join(',')}\r\n`).join('')}`;
}

/** The heading, a blank row, the table: one sheet, as the CSV has them too. */
function listRows(department: string, findings: Finding[], ruleTitles: Record<string, string>, ctx: ListContext): { rows: string[][]; headerRow: number } {
  const heading = headingRows(department, findings, ctx);
  return { rows: [...heading, [], ...correctionRows(findings, ruleTitles, !!ctx.comparison)], headerRow: heading.length + 1 };
}

/** 序号 as a number in the workbook, so that Excel sorts and sums it as one. */
function numbered(rows: string[][], headerRow: number): CellValue[][] {
  return rows.map((r, i) => (i > headerRow ? [Number(r[0]), ...r.slice(1)] : r));
}

function listSheet(rows: string[][], headerRow: number): WriteSheet {
  const cells = numbered(rows, headerRow);
  return { name: CORRECTIONS_SHEET, rows: cells, widths: fitWidths(cells.slice(headerRow)), header: true, headerRow };
}

function writeFiles(outDir: string, baseName: string, department: string, findings: Finding[], ruleTitles: Record<string, string>, ctx: ListContext): { xlsx: string; csv: string } {
  const xlsxPath = insideDir(outDir, 'corrections', `${baseName}.xlsx`);
  const csvPath = insideDir(outDir, 'corrections', `${baseName}.csv`);
  const { rows, headerRow } = listRows(department, findings, ruleTitles, ctx);
  const sheets = [listSheet(rows, headerRow)];
  let csvRows = rows;
  if (ctx.comparison) {
    // What the department fixed since the earlier audit: a sheet of its own, and a part of the CSV after the list.
    const fixed = resolvedRows(
      ctx.comparison.resolved.filter((f) => departmentOrUnknown(f) === department),
      ruleTitles,
    );
    const cells = numbered(fixed, 0);
    sheets.push({ name: RESOLVED_SHEET, rows: cells, widths: fitWidths(cells), header: true });
    csvRows = [...rows, [], [RESOLVED_SHEET], ...fixed];
  }
  writeXlsxFile(xlsxPath, sheets);
  fs.writeFileSync(csvPath, toCsv(csvRows), 'utf8');
  return { xlsx: xlsxPath, csv: csvPath };
}

const NO_CONTEXT: ListContext = { date: listDate(new Date()), ledger: null, submitted: {} };

/** Writes `outDir/corrections/<safe department>.xlsx` and `.csv`; returns their absolute paths. */
export function writeCorrections(
  outDir: string,
  department: string,
  findings: Finding[],
  ruleTitles: Record<string, string>,
  ctx: ListContext = NO_CONTEXT,
): { xlsx: string; csv: string } {
  return writeFiles(outDir, safeFileName(department, '部门'), department, findings, ruleTitles, ctx);
}

/**
 * File base names for departments, in department-name order: a name whose safe form is already taken
 * (compared case-insensitively, as on Windows and macOS) gets `_2`, `_3`, … .
 */
export function departmentFileNames(departments: string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  const used = new Set<string>();
  for (const dept of [...new Set(departments)].sort(compareText)) {
    // A name with nothing usable in it (`..`) must not take the file of findings without a department.
    const base = safeFileName(dept, '部门');
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base}_${n}`;
    used.add(name.toLowerCase());
    out[dept] = name;
  }
  return out;
}

/** One 整改清单 per department (a finding without a department goes under 未知部门). Keyed by department name. */
export function writeAllCorrections(
  outDir: string,
  findings: Finding[],
  ruleTitles: Record<string, string>,
  ctx: ListContext = NO_CONTEXT,
): Record<string, { xlsx: string; csv: string }> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = departmentOrUnknown(f);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  // A department that fixed everything still gets its list: it says so, and what was fixed.
  for (const f of ctx.comparison?.resolved ?? []) if (!groups.has(departmentOrUnknown(f))) groups.set(departmentOrUnknown(f), []);
  const names = departmentFileNames([...groups.keys()]);
  const out = Object.create(null) as Record<string, { xlsx: string; csv: string }>;
  for (const dept of Object.keys(names)) out[dept] = writeFiles(outDir, names[dept] as string, dept, groups.get(dept) ?? [], ruleTitles, ctx);
  return out;
}
