/** What an audit writes into --out, and what it recognises there of an earlier audit. */
import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir, insideDir } from '../report/index.js';

/** A folder an audit wrote: it holds a findings.json whose tool is perf-recon. */
export function isOutputFolder(dir: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path.join(dir, 'findings.json'), 'r');
    const head = Buffer.alloc(200);
    const n = readSync(fd, head, 0, head.length, 0);
    return /^\s*\{\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"perf-recon"/.test(head.toString('utf8', 0, n));
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Writes the annotated copies the workers made, on libuv's threads, while the workers go on with the next files:
 * creating thousands of files would otherwise stop a worker for each. A copy with nothing to say is the original,
 * copied file to file. At most `limit` copies wait for the disk at once: on a slow disk the batch waits, rather than
 * holding every copy made in memory.
 */
export class CopyWriter {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly dirs = new Set<string>();
  private failure: unknown = null;

  constructor(private readonly limit = 16) {}

  async write(from: string, to: string, copy: { bytes: Uint8Array | null; same: boolean }): Promise<void> {
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    const dir = path.dirname(to);
    if (!this.dirs.has(dir)) {
      ensureDir(dir);
      this.dirs.add(dir);
    }
    const written: Promise<void> = (copy.same || !copy.bytes ? copyFile(from, to) : writeFile(to, copy.bytes)).then(
      () => {
        this.inFlight.delete(written);
      },
      (err: unknown) => {
        // Reported by done(); one failed copy does not stop the others being written.
        this.failure ??= err;
        this.inFlight.delete(written);
      },
    );
    this.inFlight.add(written);
  }

  /** Every copy on disk; the first failure (a full disk) fails the audit. */
  async done(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }
}

/** What an earlier run into the same --out left: removed, so that no old correction list passes for a new one. */
const OUTPUTS = ['findings.json', 'summary.xlsx', 'corrections', 'annotated'];

export function clearOutputs(outDir: string): void {
  // Only a folder an earlier run wrote into: a findings.json of ours says so. Anything else there is not ours to remove.
  if (!isOutputFolder(outDir)) return;
  for (const name of OUTPUTS) rmSync(insideDir(outDir, name), { recursive: true, force: true });
}

