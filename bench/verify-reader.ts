/**
 * Differential check of the fast .xlsx reader (src/read/ooxml.ts) against SheetJS on every .xlsx of some folders.
 *   node --import tsx bench/verify-reader.ts DIR…
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compareReaders } from '../tests/helpers/reader-diff.js';
import { listWorkbooks } from './lib/files.js';

export interface ReaderCheck {
  files: number;
  fast: number;
  fallback: number;
  different: string[];
  fallbackReasons: Record<string, number>;
}

export function verifyReader(dirs: string[]): ReaderCheck {
  const out: ReaderCheck = { files: 0, fast: 0, fallback: 0, different: [], fallbackReasons: {} };
  for (const dir of dirs)
    for (const f of listWorkbooks(dir)) {
      const buf = readFileSync(f);
      if (buf.length < 4 || buf.readUInt32LE(0) !== 0x04034b50) continue;
      out.files++;
      const r = compareReaders(buf);
      if (r.kind === 'declined') {
        out.fallback++;
        const why = r.why.replace(/\d+/g, 'N').slice(0, 60);
        out.fallbackReasons[why] = (out.fallbackReasons[why] ?? 0) + 1;
        continue;
      }
      out.fast++;
      if (r.kind === 'different') out.different.push(`${f}: ${r.detail}`);
    }
  return out;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const r = verifyReader(process.argv.slice(2));
  console.log(JSON.stringify({ ...r, different: r.different.slice(0, 10), differentCount: r.different.length }, null, 1));
  process.exitCode = r.different.length ? 1 : 0;
}
