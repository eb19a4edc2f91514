/** What an audit writes into --out, and what it recognises there of an earlier audit. */
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import { insideDir } from '../report/index.js';

/** A folder an audit wrote: it holds a findings.json whose tool is perf-recon. */
export function isOutputFolder(dir: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path.join(dir, 'findings.json'), 'r');
    const head = Buffer.alloc(200);
    const n = readSync(fd, head, 0, head.length, 0);
    // schemaVersion first since version 2; earlier documents began with tool
    return /^\s*\{\s*(?:"schemaVersion"\s*:\s*\d+\s*,\s*)?"tool"\s*:\s*\{\s*"name"\s*:\s*"perf-recon"/.test(head.toString('utf8', 0, n));
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** What an earlier run into the same --out left: removed, so that no old correction list passes for a new one. */
const OUTPUTS = ['findings.json', 'summary.xlsx', 'corrections', 'annotated'];

export function clearOutputs(outDir: string): void {
  // Only a folder an earlier run wrote into: a findings.json of ours says so. Anything else there is not ours to remove.
  if (!isOutputFolder(outDir)) return;
  for (const name of OUTPUTS) rmSync(insideDir(outDir, name), { recursive: true, force: true });
}

