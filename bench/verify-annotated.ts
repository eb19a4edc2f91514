/**
 * Checks the annotated copies of an audit: every audited file with findings has one and a clean file none; each
 * opens with SheetJS, has the original's sheets and values, and a comment by the audit (COMMENT_AUTHOR) on every cell a finding of
 * its file names (with the finding's message in it).
 *   node --import tsx bench/verify-annotated.ts SUBMISSIONS_DIR AUDIT_OUT_DIR
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { annotatedPath } from '../src/report/index.js';
import { COMMENT_AUTHOR } from '../src/ooxml/index.js';

interface Doc {
  inputs: { file: string; status: string }[];
  findings: { file: string; sheet: string | null; cell: string | null; message: string; rule: string }[];
}

function values(ws: XLSX.WorkSheet | undefined): string {
  if (!ws) return '';
  const out: string[] = [];
  for (const k of Object.keys(ws).sort()) {
    if (k.startsWith('!')) continue;
    const c = ws[k] as XLSX.CellObject;
    if (c.t === 'z') continue;
    out.push(`${k}=${c.t}:${String(c.v)}:${c.w ?? ''}`);
  }
  return `${out.join('|')}#${JSON.stringify(ws['!merges'] ?? [])}`;
}

export function verifyAnnotated(subDir: string, outDir: string): { files: number; checked: number; comments: number; problems: string[] } {
  const doc = JSON.parse(readFileSync(path.join(outDir, 'findings.json'), 'utf8')) as Doc;
  const problems: string[] = [];
  let checked = 0;
  let comments = 0;
  const withFindings = new Set(doc.findings.map((f) => f.file));
  const audited = doc.inputs.filter((i) => i.status === 'audited');
  for (const input of audited) {
    const out = annotatedPath(outDir, input.file);
    if (!withFindings.has(input.file)) {
      if (existsSync(out)) problems.push(`${input.file}: a copy of a workbook without findings`);
      continue;
    }
    if (!existsSync(out)) {
      problems.push(`${input.file}: no annotated copy`);
      continue;
    }
    const src = path.join(subDir, input.file);
    let a: XLSX.WorkBook;
    let o: XLSX.WorkBook;
    try {
      a = XLSX.read(readFileSync(out));
      o = XLSX.read(readFileSync(src));
    } catch (err) {
      problems.push(`${input.file}: ${String(err)}`);
      continue;
    }
    checked++;
    // a CSV has one sheet, named after the findings in the copy
    if (src.endsWith('.csv')) {
      if (a.SheetNames.length !== 1) problems.push(`${input.file}: ${a.SheetNames.length} sheets for a CSV`);
    } else
    for (const name of o.SheetNames) {
      if (!a.SheetNames.includes(name)) problems.push(`${input.file}: sheet ${name} missing`);
      else if (values(a.Sheets[name]) !== values(o.Sheets[name])) problems.push(`${input.file}#${name}: values changed`);
    }
    for (const f of doc.findings.filter((x) => x.file === input.file && x.cell && x.sheet)) {
      const ws = src.endsWith('.csv') ? a.Sheets[a.SheetNames[0]!] : a.Sheets[f.sheet!];
      const cell = ws?.[f.cell!] as XLSX.CellObject | undefined;
      const c = cell?.c?.[0];
      // SheetJS 0.20.3 reads comment authors without decoding their UTF-8
      const author = c?.a ? Buffer.from(c.a, 'latin1').toString('utf8') : null;
      if (author !== COMMENT_AUTHOR || !c!.t.includes(f.message)) problems.push(`${input.file}#${f.sheet}!${f.cell}: no comment for ${f.rule}`);
      else comments++;
    }
  }
  return { files: audited.length, checked, comments, problems };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const r = verifyAnnotated(process.argv[2]!, process.argv[3]!);
  console.log(JSON.stringify({ ...r, problems: r.problems.slice(0, 20), problemCount: r.problems.length }, null, 1));
  process.exitCode = r.problems.length ? 1 : 0;
}
