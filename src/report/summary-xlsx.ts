import { type Finding, type RuleMeta, type Severity, allRuleMetas } from '../rules/index.js';
import { compareInputs, departmentOrUnknown, type InputRecord } from './findings-json.js';
import { ANNOTATED_NOT_AUDITED, SEVERITY_ZH, STATUS_ZH } from './labels.js';
import { neutralize } from './safety.js';
import type { DepartmentProgress } from './changes.js';
import { compareText } from './sort.js';
import { type CellValue, reportSheet, writeXlsxFile } from './xlsx-writer.js';

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function departmentRows(findings: Finding[], fileDepartments: Record<string, string>): CellValue[][] {
  const counts = new Map<string, { errors: number; warnings: number; infos: number }>();
  const get = (d: string) => {
    let c = counts.get(d);
    if (!c) counts.set(d, (c = { errors: 0, warnings: 0, infos: 0 }));
    return c;
  };
  for (const d of Object.values(fileDepartments)) get(d);
  for (const f of findings) {
    const c = get(departmentOrUnknown(f));
    if (f.severity === 'error') c.errors++;
    else if (f.severity === 'warning') c.warnings++;
    else c.infos++;
  }
  const depts = [...counts.entries()].sort(([an, a], [bn, b]) => b.errors - a.errors || compareText(an, bn));
  return [
    ['部门', '错误', '警告', '提示', '合计'],
    ...depts.map(([d, c]) => [neutralize(d), c.errors, c.warnings, c.infos, c.errors + c.warnings + c.infos]),
  ];
}

/** 按问题类型: how many findings of each kind, the most severe first — in the words of the lists, no rule id. */
export function ruleRows(findings: Finding[], ruleTitles: Record<string, string>): CellValue[][] {
  const byRule = new Map<string, { n: number; severity: Severity }>();
  for (const f of findings) {
    const r = byRule.get(f.rule);
    if (!r) byRule.set(f.rule, { n: 1, severity: f.severity });
    else {
      r.n++;
      if (SEVERITY_RANK[f.severity] < SEVERITY_RANK[r.severity]) r.severity = f.severity;
    }
  }
  const rules = [...byRule.keys()].sort((a, b) => SEVERITY_RANK[byRule.get(a)!.severity] - SEVERITY_RANK[byRule.get(b)!.severity] || compareText(a, b));
  return [
    ['问题类型', '严重程度', '数量'],
    ...rules.map((rule) => {
      const r = byRule.get(rule)!;
      return [neutralize((Object.hasOwn(ruleTitles, rule) ? ruleTitles[rule] : undefined) ?? '其他问题'), SEVERITY_ZH[r.severity], r.n];
    }),
  ];
}

/**
 * 规则说明: every rule, its id beside its Chinese name — the one place a reader meets the ids findings.json uses —
 * with its default severity and what it checks.
 */
export function ruleReferenceRows(metas: readonly RuleMeta[]): CellValue[][] {
  return [['规则编号', '问题类型', '严重程度', '检查内容'], ...metas.map((m) => [m.id, m.title, SEVERITY_ZH[m.severity], m.description])];
}

/**
 * The 文件 sheet: every input with its department, status, sheets, what was made of it, and its annotated copy —
 * `annotated` says, per audited file, where the copy is or why there is none (a clean workbook gets none).
 */
export function fileRows(
  inputs: InputRecord[],
  findings: Finding[],
  fileDepartments: Record<string, string>,
  annotated: Record<string, string> = {},
  layoutNames: Record<string, string> = {},
): CellValue[][] {
  const reasons = new Map<string, string[]>();
  for (const f of findings) {
    if (f.rule !== 'file.unreadable' && f.rule !== 'file.unrecognized') continue;
    const list = reasons.get(f.file);
    if (list) list.push(f.message);
    else reasons.set(f.file, [f.message]);
  }
  const rows: CellValue[][] = [['文件', '部门', '状态', '工作表', '说明', '批注副本']];
  for (const input of [...inputs].sort(compareInputs)) {
    const tables = input.sheets.filter((s) => s.layout !== null);
    const skipped = input.sheets.filter((s) => s.layout === null);
    const notes: string[] = [];
    if (input.status === 'audited') {
      if (tables.length > 0) {
        notes.push(`表格：${tables.map((s) => `${s.name}（${layoutNames[s.layout!] ?? '其他格式'}${s.project ? `，${s.project}` : ''}）`).join('、')}`);
      }
      if (skipped.length > 0) notes.push(`跳过：${skipped.map((s) => s.name).join('、')}`);
    } else {
      notes.push(...(reasons.get(input.file) ?? []));
    }
    rows.push([
      neutralize(input.file),
      neutralize(Object.hasOwn(fileDepartments, input.file) ? (fileDepartments[input.file] ?? '') : ''),
      STATUS_ZH[input.status] ?? input.status,
      neutralize(input.sheets.map((s) => s.name).join('、')),
      neutralize(notes.join('；')),
      input.status === 'audited' ? neutralize(Object.hasOwn(annotated, input.file) ? (annotated[input.file] ?? '') : '') : ANNOTATED_NOT_AUDITED,
    ]);
  }
  return rows;
}

/**
 * 整改进度: per department, where it stood at the earlier audit, what it fixed, what is still open and new, the share
 * of its earlier errors fixed, and whether it resubmitted at all.
 */
export function progressRows(progress: readonly DepartmentProgress[]): CellValue[][] {
  return [
    ['部门', '上次错误', '上次警告', '上次提示', '已整改', '仍未整改', '新增', '上次错误整改率', '是否重新报送'],
    ...progress.map((p) => [
      neutralize(p.department),
      p.earlier.errors,
      p.earlier.warnings,
      p.earlier.infos,
      p.fixed,
      p.open,
      p.new,
      p.fixedErrorShare === null ? '—' : `${p.fixedErrorShare}%`,
      p.resubmitted ? '已重新报送' : '未重新报送',
    ]),
  ];
}

/**
 * `summary.xlsx`: sheets 按部门, 按问题类型, 文件 (every input file with its status, the layout that read each table,
 * if not audited why, and its annotated copy or why it has none), against an earlier audit 整改进度, and 规则说明 (the
 * rule reference).
 */
export function writeSummaryWorkbook(
  file: string,
  inputs: InputRecord[],
  findings: Finding[],
  ruleTitles: Record<string, string>,
  fileDepartments: Record<string, string>,
  annotated: Record<string, string> = {},
  layoutNames: Record<string, string> = {},
  progress?: readonly DepartmentProgress[],
): void {
  writeXlsxFile(file, [
    reportSheet('按部门', departmentRows(findings, fileDepartments)),
    reportSheet('按问题类型', ruleRows(findings, ruleTitles)),
    reportSheet('文件', fileRows(inputs, findings, fileDepartments, annotated, layoutNames)),
    ...(progress ? [reportSheet('整改进度', progressRows(progress))] : []),
    reportSheet('规则说明', ruleReferenceRows(allRuleMetas)),
  ]);
}
