import { statSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';

export interface Discovered {
  /** Absolute path. */
  path: string;
  /** Relative to the directory argument it was found under (a file argument: its name). */
  file: string;
  /** The folder it sits in under that directory, or null at its top: the department of last resort. */
  folder: string | null;
}

const EXTENSIONS = ['xlsx', 'xls', 'csv'];
const PATTERN = `**/*.{${EXTENSIONS.join(',')}}`;
// Excel's lock files (~$x.xlsx) and hidden files are never submissions.
const IGNORE = ['**/~$*', '**/.*', '**/node_modules/**'];

function isWorkbookName(name: string): boolean {
  const base = path.basename(name);
  return !base.startsWith('~$') && !base.startsWith('.') && EXTENSIONS.includes(path.extname(base).slice(1).toLowerCase());
}

/** A bureau keeps one folder per department: the top folder under the input folder names it. */
function folderOf(rel: string): string | null {
  const parts = rel.split('/');
  return parts.length > 1 ? parts[0]! : null;
}

const isInside = (dir: string, file: string) => {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** Files, folders or globs to the list of workbooks, sorted and without repeats. */
export async function discover(
  inputs: string[],
  cwd = process.cwd(),
  exclude: string[] = [],
): Promise<{ found: Discovered[]; missing: string[] }> {
  const byPath = new Map<string, Discovered & { root: string }>();
  const missing: string[] = [];
  const add = (abs: string, rel: string, root: string) => {
    // The output folder may sit inside the input folder: a second run must not audit the first run's reports.
    if (exclude.some((d) => isInside(d, abs))) return;
    const file = rel.split(path.sep).join('/');
    if (!byPath.has(abs)) byPath.set(abs, { path: abs, file, folder: folderOf(file), root });
  };
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    let st;
    try {
      st = statSync(abs);
    } catch {
      st = null;
    }
    if (st?.isDirectory()) {
      const files = await fg(PATTERN, { cwd: abs, caseSensitiveMatch: false, ignore: IGNORE, dot: false, onlyFiles: true, followSymbolicLinks: false });
      for (const f of files) add(path.join(abs, f), f, abs);
    } else if (st?.isFile()) {
      add(abs, path.basename(abs), path.dirname(abs));
    } else if (fg.isDynamicPattern(input)) {
      const base = fg.generateTasks([input])[0]?.base ?? '.';
      const files = await fg(input.split(path.sep).join('/'), { cwd, caseSensitiveMatch: false, ignore: IGNORE, dot: false, onlyFiles: true });
      const matched = files.filter(isWorkbookName);
      if (!matched.length) missing.push(input);
      for (const f of matched) add(path.resolve(cwd, f), path.relative(path.resolve(cwd, base), path.resolve(cwd, f)), path.resolve(cwd, base));
    } else missing.push(input);
  }
  // Two input folders holding the same relative path would give two inputs one name: name those by their folder too.
  const all = [...byPath.values()];
  const count = new Map<string, number>();
  for (const d of all) count.set(d.file, (count.get(d.file) ?? 0) + 1);
  const found: Discovered[] = all
    .map(({ root, ...d }) => ((count.get(d.file) ?? 0) > 1 ? { ...d, file: `${path.basename(root)}/${d.file}` } : d))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.path < b.path ? -1 : 1));
  return { found, missing };
}
