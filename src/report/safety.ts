import fs from 'node:fs';
import path from 'node:path';
import { hidesText } from '../ooxml/index.js';

const NUMBER_LIKE = /^[+-]?\d+(\.\d+)?%?$/;
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * Formula-injection guard for submission text written into a CSV or workbook cell: text whose first character
 * would make a spreadsheet treat it as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`.
 * Plain signed numbers (`-0.3`, `+5`, `-12.5%`) are left as they are.
 */
export function neutralize(text: string): string {
  const first = text.charAt(0);
  if (!FORMULA_START.has(first)) return text;
  if (NUMBER_LIKE.test(text)) return text;
  return `'${text}`;
}

const FORBIDDEN = new Set(['/', '\\', ':', '*', '?', '"', '<', '>', '|']);
const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;
const MAX_CODE_POINTS = 80;
/** Bytes a name may take in UTF-8: a file system allows 255, and `_12` and `.xlsx` still go after it. */
const MAX_BYTES = 200;

const isSpaceOrDot = (ch: string) => ch === '.' || /\s/.test(ch);

/**
 * A department name (or any submission text) made safe as one file-name segment: no control or invisible
 * characters, no path separators or characters Windows forbids, no `..`, no leading/trailing dots or spaces, at
 * most 80 code points and 200 UTF-8 bytes, never a Windows reserved device name. Empty results become `fallback`.
 * One pass over the text, stopping once enough is kept: a name of 200,000 spaces costs no more than a short one.
 */
export function safeFileName(name: string, fallback = '未知部门'): string {
  const kept: string[] = [];
  let bytes = 0;
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    if (hidesText(cp)) continue;
    const c = FORBIDDEN.has(ch) ? '_' : ch;
    // nothing leading but dots and spaces; no `..`
    if (kept.length === 0 && isSpaceOrDot(c)) continue;
    if (c === '.' && kept[kept.length - 1] === '.') continue;
    const size = Buffer.byteLength(c, 'utf8');
    if (kept.length >= MAX_CODE_POINTS || bytes + size > MAX_BYTES) break;
    kept.push(c);
    bytes += size;
  }
  while (kept.length && isSpaceOrDot(kept[kept.length - 1]!)) kept.pop();
  let s = kept.join('');
  if (s === '') return fallback;
  const m = RESERVED.exec(s);
  if (m) s = `${m[1]}_${m[2] ?? ''}`;
  return s;
}

/**
 * A file name made safe as `safeFileName` makes it, with its extension kept: a long or odd stem is cleaned and cut,
 * never the `.xlsx` that decides what the file is.
 */
export function safeFileNameWithExt(name: string, fallback: string): string {
  const ext = path.extname(name);
  if (!/^\.[A-Za-z0-9]{1,8}$/.test(ext)) return safeFileName(name, fallback);
  return `${safeFileName(name.slice(0, -ext.length), fallback)}${ext}`;
}

/** `path.resolve(root, ...parts)`, refusing any result that is not inside `root` (or root itself). */
export function insideDir(root: string, ...parts: string[]): string {
  const base = path.resolve(root);
  const target = path.resolve(base, ...parts);
  const rel = path.relative(base, target);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new Error(`path escapes the output folder: ${target} is not inside ${base}`);
  }
  return target;
}

/**
 * `mkdir -p` that cannot spin: Node 20's recursive mkdirSync loops forever where mkdir answers ENOENT for a parent
 * that exists (under /proc, for one). An existing folder costs one stat.
 */
export function ensureDir(dir: string): void {
  const target = path.resolve(dir);
  const chain: string[] = [];
  for (let d = target; ; d = path.dirname(d)) {
    try {
      if (fs.statSync(d).isDirectory()) break;
      throw Object.assign(new Error(`not a folder: ${d}`), { code: 'ENOTDIR' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    chain.push(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of chain.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(d).isDirectory()) throw err;
    }
  }
}
