/**
 * A reader process that dies on a file, for any reason, costs that file and nothing else: the file is
 * file.unreadable with the reason (读取时进程异常退出, 读取超时, 内存超限), the reader is replaced, and the files queued
 * behind it are audited by the replacement. This process never parses a workbook, so none of it can take it down.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/index.js';
import { readFindings } from '../helpers/findings.js';
import { insurance } from '../helpers/workbooks.js';
import { removeTempRoots, tableXlsx, tempRoot, write } from '../cli/helpers.js';

afterAll(removeTempRoots);

const FAULTS = pathToFileURL(path.join(import.meta.dirname, 'reader-faults.mjs')).href;
const HOSTILE = ['abort-me', 'segfault-me', 'killed-me', 'hang-me', 'balloon-me', 'heap-me'] as const;
const REASON: Record<(typeof HOSTILE)[number], string> = {
  'abort-me': '读取时进程异常退出',
  'segfault-me': '读取时进程异常退出',
  'killed-me': '读取时进程异常退出',
  'hang-me': '读取超时',
  'balloon-me': '内存超限',
  'heap-me': '内存超限',
};

let doc: ReturnType<typeof readFindings>;
let exitCode: number;
let ms: number;

beforeAll(async () => {
  const root = tempRoot();
  const b = path.join(root, 'b');
  // Hostile files between good ones, so that every reader has good files queued behind a hostile one.
  for (const [i, name] of HOSTILE.entries()) {
    write(path.join(b, `${i}-a-好.xlsx`), tableXlsx(insurance));
    write(path.join(b, `${i}-b-${name}.xlsx`), tableXlsx(insurance));
  }
  write(path.join(b, '9-z-好.xlsx'), tableXlsx(insurance));
  const before = process.env.RECON_READER_FLAGS;
  process.env.RECON_READER_FLAGS = `--import ${FAULTS}`;
  const t0 = performance.now();
  try {
    // A time limit that a good file meets even on a loaded machine, which the hanging one cannot.
    const res = await runAudit({ inputs: ['b'], outDir: 'out', cwd: root, jobs: 2, timeoutMs: 8000, memoryMb: 64 });
    exitCode = res.exitCode;
  } finally {
    if (before === undefined) delete process.env.RECON_READER_FLAGS;
    else process.env.RECON_READER_FLAGS = before;
  }
  ms = performance.now() - t0;
  doc = readFindings(path.join(root, 'out'));
}, 60_000);

describe('reader processes that die', () => {
  it.each(HOSTILE)('%s: that file is file.unreadable with its reason', (name) => {
    const file = `${HOSTILE.indexOf(name)}-b-${name}.xlsx`;
    expect(doc.inputs.find((i) => i.file === file)?.status).toBe('unreadable');
    const f = doc.findings.filter((x) => x.file === file);
    expect(f.map((x) => [x.rule, x.severity])).toEqual([['file.unreadable', 'error']]);
    expect(f[0]!.message).toContain(REASON[name]);
    expect(f[0]!.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('every other file is audited, the batch reported whole, and the run ends with 1', () => {
    const good = doc.inputs.filter((i) => i.file.includes('好'));
    expect(good).toHaveLength(HOSTILE.length + 1);
    expect(good.every((i) => i.status === 'audited')).toBe(true);
    expect(doc.inputs).toHaveLength(2 * HOSTILE.length + 1);
    expect(doc.summary.unreadable).toBe(HOSTILE.length);
    expect(exitCode).toBe(1);
  });

  it('within the limits: the hanging file is stopped at its time limit, not after', () => {
    expect(ms).toBeLessThan(40_000);
  });
});
