import fs from 'node:fs';
import type { Finding } from '../rules/index.js';
import { departmentOrUnknown } from './findings-json.js';
import { SEVERITY_ZH } from './labels.js';
import { insideDir, neutralize, safeFileName } from './safety.js';
import { compareText, sortFindings } from './sort.js';
import { type CellValue, reportSheet, writeXlsxFile } from './xlsx-writer.js';

export const CORRECTION_HEADERS = [
  '序号',
  '文件',
  '工作表',
  '单元格',
  '项目',
  '问题类型',
  '严重程度',
  '问题说明',
  '应为',
  '表中为',
] as const;

export const CORRECTIONS_SHEET = '整改清单';

export function ruleLabel(rule: string, ruleTitles: Record<string, string>): string {
  const title = Object.hasOwn(ruleTitles, rule) ? ruleTitles[rule] : undefined;
  return `${title ?? rule}（${rule}）`;
}

/**
 * The rows of a 整改清单: the header row, then one row per finding sorted by file, sheet and cell. Every text
 * cell is neutralized against formula injection; 序号 is the decimal row number as text.
 */
export function correctionRows(findings: Finding[], ruleTitles: Record<string, string>): string[][] {
  const rows: string[][] = [[...CORRECTION_HEADERS]];
  sortFindings(findings).forEach((f, i) => {
    rows.push([
      String(i + 1),
      neutralize(f.file),
      neutralize(f.sheet ?? ''),
      neutralize(f.cell ?? ''),
      neutralize(f.project ?? ''),
      neutralize(ruleLabel(f.rule, ruleTitles)),
      SEVERITY_ZH[f.severity] ?? f.severity,
      neutralize(f.message),
      neutralize(f.expected ?? ''),
      neutralize(f.actual ?? ''),
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

/** 序号 as a number in the workbook, so that Excel sorts and sums it as one. */
function correctionCells(rows: string[][]): CellValue[][] {
  return rows.map((r, i) => (i === 0 ? r : [Number(r[0]), ...r.slice(1)]));
}

function writeFiles(
  outDir: string,
  baseName: string,
  findings: Finding[],
  ruleTitles: Record<string, string>,
): { xlsx: string; csv: string } {
  const xlsxPath = insideDir(outDir, 'corrections', `${baseName}.xlsx`);
  const csvPath = insideDir(outDir, 'corrections', `${baseName}.csv`);
  const rows = correctionRows(findings, ruleTitles);
  writeXlsxFile(xlsxPath, [reportSheet(CORRECTIONS_SHEET, correctionCells(rows))]);
  fs.writeFileSync(csvPath, toCsv(rows), 'utf8');
  return { xlsx: xlsxPath, csv: csvPath };
}

/** Writes `outDir/corrections/<safe department>.xlsx` and `.csv`; returns their absolute paths. */
export function writeCorrections(
  outDir: string,
  department: string,
  findings: Finding[],
  ruleTitles: Record<string, string>,
): { xlsx: string; csv: string } {
  return writeFiles(outDir, safeFileName(department, '部门'), findings, ruleTitles);
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
): Record<string, { xlsx: string; csv: string }> {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = departmentOrUnknown(f);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const names = departmentFileNames([...groups.keys()]);
  const out = Object.create(null) as Record<string, { xlsx: string; csv: string }>;
  for (const dept of Object.keys(names)) {
    out[dept] = writeFiles(outDir, names[dept] as string, groups.get(dept) ?? [], ruleTitles);
  }
  return out;
}
