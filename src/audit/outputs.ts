/** What an audit writes into --out, and what it recognises there of an earlier audit. */
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir, insideDir } from '../report/index.js';

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

/** Why a file could not be written, for the user. */
function writeFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return '磁盘空间不足';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return '没有写入权限';
  if (code === 'ENAMETOOLONG') return '文件名过长';
  return `写入失败（${code ?? '未知原因'}）`;
}

/**
 * Writes the annotated copies the reader processes make, on libuv's threads, while they make the next ones: creating
 * a file costs more here than making most copies. At most `limit` writes wait for the disk at once: on a slow disk
 * the readers wait, rather than every copy made being held in memory.
 */
export class CopyWriter {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly dirs = new Set<string>();

  constructor(private readonly limit = 16) {}

  /** Resolves with null once the copy is on disk, or with why it is not, in words (磁盘空间不足). */
  async write(to: string, bytes: Uint8Array): Promise<string | null> {
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    const dir = path.dirname(to);
    try {
      if (!this.dirs.has(dir)) {
        ensureDir(dir);
        this.dirs.add(dir);
      }
    } catch (err) {
      return writeFailure(err);
    }
    const written = writeFile(to, bytes).then(() => null, writeFailure);
    this.inFlight.add(written);
    void written.then(() => this.inFlight.delete(written));
    return written;
  }
}

/** What an earlier run into the same --out left: removed, so that no old correction list passes for a new one. */
const OUTPUTS = ['findings.json', 'summary.xlsx', 'corrections', 'annotated'];

export function clearOutputs(outDir: string): void {
  // Only a folder an earlier run wrote into: a findings.json of ours says so. Anything else there is not ours to remove.
  if (!isOutputFolder(outDir)) return;
  for (const name of OUTPUTS) rmSync(insideDir(outDir, name), { recursive: true, force: true });
}

