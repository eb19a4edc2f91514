/**
 * Item 10 of issue 17: an upload the server cannot store — the disk full while the files are written, or the
 * audit's record refused — is answered 507 (insufficient storage), or 503 for another refusal of the disk, with a
 * Chinese message, never a bare 500; nothing of it is kept, and the next upload goes through. The failures are
 * injected into the server's own writes (this file mocks node:fs for the modules under test).
 */
import { Writable } from 'node:stream';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { tableXlsx } from '../cli/helpers.js';
import { insurance } from '../helpers/workbooks.js';
import { auditDirs, post, start, stopAll } from './helpers.js';

const fault = vi.hoisted(() => ({ write: null as string | null, status: null as string | null }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const fail = (code: string) => Object.assign(new Error(`${code}: injected by the test`), { code });
  return {
    ...real,
    default: real,
    createWriteStream: ((file: string, o?: unknown) =>
      fault.write && String(file).includes('/input/')
        ? new Writable({
            write(_chunk, _enc, cb) {
              cb(fail(fault.write!));
            },
          })
        : real.createWriteStream(file, o as never)) as typeof real.createWriteStream,
    writeFileSync: ((file: string, ...rest: unknown[]) => {
      if (fault.status && String(file).endsWith('status.json.tmp')) throw fail(fault.status);
      return (real.writeFileSync as (...a: unknown[]) => void)(file, ...rest);
    }) as typeof real.writeFileSync,
  };
});

afterAll(stopAll);
afterEach(() => {
  fault.write = null;
  fault.status = null;
});

const parts = (): [string, Buffer, string][] => [['files', tableXlsx(insurance), '部门/表.xlsx']];

describe('an upload the server cannot store', () => {
  it('disk full while the files are written: 507 in Chinese, nothing kept', async () => {
    const s = await start();
    fault.write = 'ENOSPC';
    const r = await post(s, parts());
    expect(r.status).toBe(507);
    expect(r.body.error).toMatch(/^服务器磁盘空间不足，上传的文件没有保存/);
    expect(auditDirs(s)).toEqual([]);
  });

  it('disk full when its record is written: 507, nothing kept, no audit starts', async () => {
    const s = await start();
    fault.status = 'ENOSPC';
    const r = await post(s, parts());
    expect(r.status).toBe(507);
    expect(auditDirs(s)).toEqual([]);
    expect(s.app.auditStore.list()).toEqual([]);
  });

  it('another refusal of the disk: 503 with Retry-After; then, the disk back, the next upload goes through', async () => {
    const s = await start();
    fault.write = 'EIO';
    const res = await fetch(`${s.base}/api/audits`, { method: 'POST', body: (() => {
      const fd = new FormData();
      fd.append('files', new Blob([new Uint8Array(tableXlsx(insurance))]), '部门/表.xlsx');
      return fd;
    })() });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(((await res.json()) as { error: string }).error).toMatch(/^服务器暂时无法保存上传的文件（EIO）/);
    expect(auditDirs(s)).toEqual([]);
    fault.write = null;
    const ok = await post(s, parts(), '?wait=1');
    expect(ok.body).toMatchObject({ status: 'done', summary: { tables: 1 } });
  });
});
