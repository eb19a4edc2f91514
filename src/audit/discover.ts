import { statSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import { isOutputFolder } from './outputs.js';

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

/** Folders under `dir` that earlier audits wrote their reports into (their copies and lists are no submissions). */
async function outputFoldersUnder(dir: string): Promise<string[]> {
  const marks = await fg('**/findings.json', { cwd: dir, ignore: IGNORE, dot: false, onlyFiles: true, followSymbolicLinks: false });
  return marks.map((m) => path.join(dir, path.dirname(m))).filter(isOutputFolder);
}

/** For inputs that share a relative name: the shortest tail of their folders' paths that tells them apart. */
function distinctPrefixes(roots: string[]): string[] {
  const parts = roots.map((r) => path.resolve(r).split(path.sep).filter(Boolean));
  const longest = Math.max(...parts.map((p) => p.length));
  for (let k = 1; k <= longest; k++) {
    const tails = parts.map((p) => p.slice(-k).join('/'));
    if (new Set(tails).size === tails.length) return tails;
  }
  return parts.map((p) => p.join('/'));
}

const isInside = (dir: string, file: string) => {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/**
 * A glob's folders that exist as written, and the pattern under them. Folder names are taken literally where they
 * exist: in `政法委 (2022)/**` followed by a file pattern, the folder is that folder, not a pattern group of its brackets.
 */
function splitGlob(input: string, cwd: string): { base: string; pattern: string } {
  const segments = input.split(/[\\/]/);
  let base = path.resolve(cwd, path.isAbsolute(input) ? path.parse(input).root : '.');
  let i = path.isAbsolute(input) ? 1 : 0;
  for (; i < segments.length - 1; i++) {
    const next = path.resolve(base, segments[i]!);
    if (kindOf(next) !== 'directory') break;
    base = next;
  }
  if (i === (path.isAbsolute(input) ? 1 : 0)) {
    // No folder of it exists as written: fast-glob's own reading of the whole pattern.
    const task = fg.generateTasks([input.split(path.sep).join('/')])[0];
    const staticBase = path.resolve(cwd, task?.base ?? '.');
    return { base: staticBase, pattern: path.relative(staticBase, path.resolve(cwd, input)).split(path.sep).join('/') || input };
  }
  return { base, pattern: segments.slice(i).join('/') };
}

/** What a path is on disk, if anything: the few stat questions discovery and the audit's set-up ask. */
export function kindOf(p: string): 'file' | 'directory' | 'other' | null {
  try {
    const st = statSync(p);
    return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
  } catch {
    return null;
  }
}

/** Files, folders or globs to the list of workbooks, sorted and without repeats. */
export async function discover(
  inputs: string[],
  cwd = process.cwd(),
  exclude: string[] = [],
): Promise<{ found: Discovered[]; missing: string[] }> {
  const byPath = new Map<string, Discovered & { root: string }>();
  const missing: string[] = [];
  const add = (abs: string, rel: string, root: string, ownFolder: string | null = null) => {
    // The output folder may sit inside the input folder: a second run must not audit the first run's reports.
    if (exclude.some((d) => isInside(d, abs))) return;
    const file = rel.split(path.sep).join('/');
    if (!byPath.has(abs)) byPath.set(abs, { path: abs, file, folder: folderOf(file) ?? ownFolder, root });
  };
  for (const input of inputs) {
    const abs = path.resolve(cwd, input);
    const kind = kindOf(abs);
    if (kind === 'directory') {
      const files = await fg(PATTERN, { cwd: abs, caseSensitiveMatch: false, ignore: IGNORE, dot: false, onlyFiles: true, followSymbolicLinks: false });
      const old = await outputFoldersUnder(abs);
      // A folder of files and no subfolders is one department's (recon audit bureau/教育 bureau/民政): its name is
      // the department of last resort. At the top of a bureau's folder of department folders a file has none.
      const flat = !files.some((f) => f.includes('/'));
      for (const f of files) if (!old.some((d) => isInside(d, path.join(abs, f)))) add(path.join(abs, f), f, abs, flat ? path.basename(abs) : null);
    } else if (kind === 'file') {
      add(abs, path.basename(abs), path.dirname(abs));
    } else if (fg.isDynamicPattern(input)) {
      const { base, pattern } = splitGlob(input, cwd);
      const files = await fg(pattern, { cwd: base, caseSensitiveMatch: false, ignore: IGNORE, dot: false, onlyFiles: true });
      const matched = files.filter(isWorkbookName);
      if (!matched.length) missing.push(input);
      for (const f of matched) add(path.join(base, f), f, base);
    } else missing.push(input);
  }
  // Two input folders holding the same relative path would give two inputs one name: name those by as much of their
  // folders' paths as tells them apart (教育局 and 教育局 under bureau1 and bureau2: bureau1/教育局/…, bureau2/教育局/…).
  const all = [...byPath.values()];
  const groups = new Map<string, (Discovered & { root: string })[]>();
  for (const d of all) groups.set(d.file, [...(groups.get(d.file) ?? []), d]);
  const found: Discovered[] = [];
  for (const group of groups.values()) {
    const prefixes = group.length > 1 ? distinctPrefixes(group.map((d) => d.root)) : null;
    group.forEach(({ root: _root, ...d }, i) => {
      found.push(prefixes ? { ...d, file: `${prefixes[i]}/${d.file}` } : d);
    });
  }
  found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.path < b.path ? -1 : 1));
  return { found, missing };
}
