/**
 * What the web service needs of an audit's findings.json to answer its department list, file list and bundles: a
 * small index, made by the audit's own process (runner.ts) once the report is in place and kept beside it as
 * `out/web-index.json`. A findings.json of 200,000 findings is a hundred megabytes; parsing it in the server's
 * process would stop it answering anyone for seconds. The index is checked with zod when read back; an audit
 * without one (made by an earlier version, or whose index could not be written) is indexed from findings.json
 * in the server's process, once, as before.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { departmentFileNames, departmentOrUnknown } from '../report/index.js';

export const INDEX_FILE = 'web-index.json';
const INDEX_VERSION = 1;

const Counts = z.object({ errors: z.number().int().nonnegative(), warnings: z.number().int().nonnegative(), infos: z.number().int().nonnegative() });

const ProgressSchema = z.looseObject({
  department: z.string(),
  earlier: Counts,
  fixed: z.number().int().nonnegative(),
  open: z.number().int().nonnegative(),
  new: z.number().int().nonnegative(),
  fixedErrorShare: z.number().nullable(),
  resubmitted: z.boolean(),
});

export const ResultIndexSchema = z.object({
  version: z.literal(INDEX_VERSION),
  inputs: z.array(z.object({ file: z.string(), status: z.string(), sheets: z.array(z.unknown()) })),
  /** Every department with a 整改清单, as the report named the list (its file name without extension). */
  departments: z.array(
    z.object({
      department: z.string(),
      list: z.string(),
      counts: Counts,
      findings: z.number().int().nonnegative(),
      /** The files with findings of this department (the annotated copies of its bundle). */
      files: z.array(z.string()),
      progress: ProgressSchema.nullable(),
    }),
  ),
});

export type ResultIndex = z.infer<typeof ResultIndexSchema>;

/** What is read of findings.json to make the index; loose, so that audits of earlier versions open too. */
const FindingsDocRead = z.looseObject({
  inputs: z.array(z.looseObject({ file: z.string(), status: z.string(), sheets: z.array(z.unknown()) })),
  findings: z.array(z.looseObject({ file: z.string(), department: z.string().nullable(), severity: z.enum(['error', 'warning', 'info']) })),
  resolved: z.array(z.looseObject({ department: z.string().nullable() })).optional(),
  progress: z.array(ProgressSchema).optional(),
  summary: z.looseObject({ byDepartment: z.record(z.string(), z.looseObject({ errors: z.number(), warnings: z.number(), infos: z.number() })) }),
});

/** The index of a findings.json document (parsed); throws when it is not one. */
export function indexOf(json: unknown): ResultIndex {
  const doc = FindingsDocRead.parse(json);
  // The same set of departments as writeAllCorrections names lists for: those with findings, and those with fixed ones.
  const departments = new Set(Object.keys(doc.summary.byDepartment));
  for (const f of doc.findings) departments.add(departmentOrUnknown(f));
  for (const f of doc.resolved ?? []) departments.add(departmentOrUnknown(f));
  const names = departmentFileNames([...departments]);
  const per = new Map<string, { counts: { errors: number; warnings: number; infos: number }; findings: number; files: Set<string> }>();
  for (const d of Object.keys(names)) per.set(d, { counts: { errors: 0, warnings: 0, infos: 0 }, findings: 0, files: new Set() });
  for (const f of doc.findings) {
    const p = per.get(departmentOrUnknown(f))!;
    p.findings++;
    p.counts[f.severity === 'error' ? 'errors' : f.severity === 'warning' ? 'warnings' : 'infos']++;
    p.files.add(f.file);
  }
  const progress = new Map((doc.progress ?? []).map((p) => [p.department, p]));
  return {
    version: INDEX_VERSION,
    inputs: doc.inputs.map((i) => ({ file: i.file, status: i.status, sheets: i.sheets })),
    departments: Object.keys(names).map((department) => {
      const p = per.get(department)!;
      return { department, list: names[department]!, counts: p.counts, findings: p.findings, files: [...p.files].sort(), progress: progress.get(department) ?? null };
    }),
  };
}

/** Writes the index of `outDir/findings.json` beside it (in the audit's process). */
export function writeIndex(outDir: string): void {
  const index = indexOf(JSON.parse(readFileSync(path.join(outDir, 'findings.json'), 'utf8')));
  const file = path.join(outDir, INDEX_FILE);
  const tmp = `${file}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(index));
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The index kept beside the report, or null when there is none that passes. */
export function readIndex(outDir: string): ResultIndex | null {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path.join(outDir, INDEX_FILE), 'utf8'));
  } catch {
    return null;
  }
  const r = ResultIndexSchema.safeParse(json);
  return r.success ? r.data : null;
}
