/** What an audit writes into --out, and what it recognises there of an earlier audit. */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, readdirSync, renameSync, rmSync } from 'node:fs';
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

const FREE_SPACE = '腾出磁盘空间';
const OTHER_FOLDER = '换一个有写入权限的输出文件夹';
/** What a failing disk's error codes mean to a clerk: why, and what to do about it. */
const DISK_TROUBLE: Record<string, { reason: string; fix: string }> = {
  ENOSPC: { reason: '磁盘空间不足', fix: FREE_SPACE },
  EDQUOT: { reason: '磁盘配额已用完', fix: FREE_SPACE },
  EACCES: { reason: '没有写入权限', fix: OTHER_FOLDER },
  EPERM: { reason: '没有写入权限', fix: OTHER_FOLDER },
  EROFS: { reason: '磁盘是只读的', fix: '换一个可写的输出文件夹' },
  EIO: { reason: '磁盘读写出错', fix: '检查磁盘' },
  ENAMETOOLONG: { reason: '路径过长', fix: '换一个路径较短的输出文件夹' },
  EMFILE: { reason: '同时打开的文件过多', fix: '稍后' },
  ENFILE: { reason: '同时打开的文件过多', fix: '稍后' },
};

/** A failure of the disk, in words: why, and what to do about it. */
export function diskTrouble(err: unknown): { reason: string; fix: string } {
  const code = (err as NodeJS.ErrnoException)?.code ?? /\b(E[A-Z]{3,})\b/.exec(String((err as Error)?.message ?? err))?.[1];
  return (code && DISK_TROUBLE[code]) || { reason: `系统错误（${code ?? (err instanceof Error ? err.message : String(err))}）`, fix: '检查输出文件夹' };
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

  /** Resolves with null once the copy is on disk, or with the error that kept it off (diskTrouble says it in words). */
  async write(to: string, bytes: Uint8Array): Promise<unknown> {
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    const dir = path.dirname(to);
    try {
      if (!this.dirs.has(dir)) {
        ensureDir(dir);
        this.dirs.add(dir);
      }
    } catch (err) {
      return err;
    }
    const written = writeFile(to, bytes).then(
      () => null,
      (err: unknown) => err,
    );
    this.inFlight.add(written);
    void written.then(() => this.inFlight.delete(written));
    return written;
  }
}

/** What an audit writes into --out; findings.json last of all, so that a folder holding it holds a whole report. */
const OUTPUTS = ['summary.xlsx', 'corrections', 'annotated', 'findings.json'];

const STAGE_PREFIX = '.正在写出-';
const OLD_PREFIX = '.上次的报告-';

/** A name no other run picks: this process's id, and a few random characters. */
const unique = (prefix: string) => `${prefix}${process.pid}-${randomBytes(4).toString('hex')}`;

/** Whether process `pid` is still running (a stage of a live audit is not debris to clear). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A report written aside and moved into --out when complete (issue 17): a run killed or failing midway leaves the
 * previous report as it was, never half a new one beside it. The stage is a folder inside --out (the same file
 * system, so that moving is a rename); a stage left by a run that died is cleared by the next run.
 */
/** The stages of the audits running in this process: an interrupted run removes its own at once. */
const unfinished = new Set<StagedOutput>();

/** Every stage of this process abandoned (Ctrl+C): --out is left as it was before the run. */
export function abandonStages(): void {
  for (const s of unfinished) s.abandon();
}

export class StagedOutput {
  readonly dir: string;

  constructor(readonly outDir: string) {
    for (const name of readdirSync(outDir)) {
      const m = /^\.(?:正在写出|上次的报告)-(\d+)-[0-9a-f]+$/.exec(name);
      if (m && !alive(Number(m[1]))) rmSync(path.join(outDir, name), { recursive: true, force: true });
    }
    this.dir = path.join(outDir, unique(STAGE_PREFIX));
    mkdirSync(this.dir);
    unfinished.add(this);
  }

  /** Where a path of the stage ends up once committed. */
  final(p: string): string {
    return path.join(this.outDir, path.relative(this.dir, p));
  }

  /**
   * Moves the new report into --out. An earlier report of ours goes aside first (findings.json first), then the new
   * one comes in (findings.json last), and the earlier one is removed. What is not ours and has one of our names
   * (a file someone put there) is kept aside, not removed. A move that fails puts everything back and throws.
   */
  commit(): void {
    unfinished.delete(this);
    const ours = isOutputFolder(this.outDir);
    const aside = path.join(this.outDir, unique(OLD_PREFIX));
    const movedAside: string[] = [];
    const movedIn: string[] = [];
    try {
      for (const name of ['findings.json', ...OUTPUTS.filter((n) => n !== 'findings.json')]) {
        if (!existsSync(insideDir(this.outDir, name))) continue;
        if (!movedAside.length) mkdirSync(aside);
        renameSync(insideDir(this.outDir, name), path.join(aside, name));
        movedAside.push(name);
      }
      for (const name of OUTPUTS) {
        if (!existsSync(path.join(this.dir, name))) continue;
        renameSync(path.join(this.dir, name), insideDir(this.outDir, name));
        movedIn.push(name);
      }
    } catch (err) {
      for (const name of movedIn) renameSync(insideDir(this.outDir, name), path.join(this.dir, name));
      for (const name of movedAside) renameSync(path.join(aside, name), insideDir(this.outDir, name));
      rmSync(aside, { recursive: true, force: true });
      throw err;
    }
    rmSync(this.dir, { recursive: true, force: true });
    if (!movedAside.length) return;
    if (ours) rmSync(aside, { recursive: true, force: true });
    // someone's own files under our names: kept, where the next run's clearing does not reach
    else renameSync(aside, path.join(this.outDir, `原有文件-${randomBytes(3).toString('hex')}`));
  }

  /** The new report abandoned: the stage removed, --out as it was. */
  abandon(): void {
    unfinished.delete(this);
    try {
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // left for the next run to clear (its name says it is unfinished); the reason the report failed matters more
    }
  }
}
