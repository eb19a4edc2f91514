/**
 * Items 8 and 10 of issue 17 and the audit-wide time limit, through a running server: uploads that stall or drag are
 * cut off and nothing of them kept; an audit over its time limit is stopped with every reader it started and failed
 * with the reason, and the next one runs; an audit whose report meets a full disk, or whose process dies, is failed
 * with the reason — in status.json too — and the server goes on.
 */
import net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tableXlsx } from '../cli/helpers.js';
import { insurance } from '../helpers/workbooks.js';
import { type Server, auditDirs, getJson, groupMembers, post, start, stopAll, waitStatus } from './helpers.js';

afterAll(stopAll);

const SAMPLE = tableXlsx(insurance);
const READER_FAULTS = pathToFileURL(path.join(import.meta.dirname, '..', 'audit', 'reader-faults.mjs')).href;
const RUNNER_FAULTS = pathToFileURL(path.join(import.meta.dirname, 'runner-faults.mjs')).href;

/** Sets environment variables for the audit processes started from now on; restored after each test. */
const saved: Record<string, string | undefined> = {};
function env(name: string, value: string): void {
  if (!(name in saved)) saved[name] = process.env[name];
  process.env[name] = value;
}
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    delete saved[k];
  }
});

/**
 * Opens a connection and sends the start of a multipart upload, and then `more` (called with the socket) as it likes;
 * resolves with how long the server took to close the connection.
 */
function halfUpload(s: Server, more: (sock: net.Socket) => void = () => {}): Promise<number> {
  const url = new URL(s.base);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(url.port), url.hostname);
    const t0 = Date.now();
    sock.on('error', () => {});
    sock.on('close', () => resolve(Date.now() - t0));
    sock.on('connect', () => {
      const boundary = '----recon';
      sock.write(
        `POST /api/audits HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 10000000\r\n\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="部门/表.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      );
      sock.write(SAMPLE.subarray(0, 2000));
      more(sock);
    });
    setTimeout(() => reject(new Error('the server never closed the connection')), 20_000).unref();
  });
}

describe('uploads that stall or drag', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start({ uploadIdleMs: 400, uploadTimeoutMs: 1500 });
  });

  it('are cut off after the idle limit, 30 at once, and nothing of them is kept', async () => {
    const times = await Promise.all(Array.from({ length: 30 }, () => halfUpload(s)));
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(350);
      expect(t).toBeLessThan(5000);
    }
    // the handler removes what it stored once the connection is gone
    for (let i = 0; i < 100 && auditDirs(s).length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(auditDirs(s)).toEqual([]);
  });

  it('are cut off at the whole-upload limit even while a byte trickles in every 100 ms', async () => {
    let timer: NodeJS.Timeout | undefined;
    const t = await halfUpload(s, (sock) => {
      timer = setInterval(() => sock.write('x'), 100);
    });
    clearInterval(timer);
    expect(t).toBeGreaterThanOrEqual(1400);
    expect(t).toBeLessThan(6000);
    for (let i = 0; i < 100 && auditDirs(s).length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(auditDirs(s)).toEqual([]);
  });

  it('leave the server answering, and a whole upload still goes through', async () => {
    const r = await post(s, [['files', SAMPLE, '部门/表.xlsx']], '?wait=1');
    expect(r.body).toMatchObject({ status: 'done', summary: { tables: 1 } });
  });
});

describe('audits that cannot finish', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start({ auditTimeoutMs: 2000, timeoutMs: 60_000, jobs: 1 });
  });

  it('over the audit time limit: stopped with all its readers, failed with the reason, and the next one runs', async () => {
    env('RECON_READER_FLAGS', `--import ${READER_FAULTS}`);
    const hung = await post(s, [['files', SAMPLE, '部门/hang-me.xlsx'], ['files', SAMPLE, '部门/正常.xlsx']]);
    const next = await post(s, [['files', SAMPLE, '部门/下一个.xlsx']]);
    expect([hung.status, next.status]).toEqual([202, 202]);
    await waitStatus(s, hung.body.id, (st) => st.status === 'running');
    let pid: number | undefined;
    for (let i = 0; i < 100 && !pid; i++) {
      pid = s.app.auditStore.runningProcess?.pid;
      if (!pid) await new Promise((r) => setTimeout(r, 20));
    }
    expect(pid).toBeDefined();
    // the audit process and its reader (the one spinning on hang-me) share a process group
    for (let i = 0; i < 100 && groupMembers(pid!).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(groupMembers(pid!).length).toBeGreaterThanOrEqual(2);

    const failed = await waitStatus(s, hung.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^审核超过时限（2 秒）已停止，未生成报告/);
    expect(Date.parse(failed.finishedAt) - Date.parse(failed.startedAt)).toBeLessThan(10_000);
    for (let i = 0; i < 40 && groupMembers(pid!).length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(groupMembers(pid!)).toEqual([]);
    const onDisk = JSON.parse(readFileSync(path.join(s.dataDir, 'audits', hung.body.id, 'status.json'), 'utf8'));
    expect([onDisk.status, onDisk.error]).toEqual(['failed', failed.error]);
    const res = await getJson(s, `/api/audits/${hung.body.id}`);
    expect([res.status, res.body.error]).toEqual([422, failed.error]);
    // the slot is free: the audit queued behind it runs
    expect(await waitStatus(s, next.body.id)).toMatchObject({ status: 'done', summary: { tables: 1 } });
  });

  it('a report that meets a full disk: failed with the reason, on disk too, nothing half-written kept', async () => {
    env('RECON_RUNNER_FLAGS', `--import ${RUNNER_FAULTS}`);
    const r = await post(s, [['files', SAMPLE, '部门/disk-full-me.xlsx']], '?wait=1');
    expect(r.body.status).toBe('failed');
    expect(r.body.error).toMatch(/^报告未能写出：写汇总表 summary\.xlsx时磁盘空间不足/);
    expect(r.body.error).not.toContain(s.dataDir);
    const dir = path.join(s.dataDir, 'audits', r.body.id);
    expect(JSON.parse(readFileSync(path.join(dir, 'status.json'), 'utf8'))).toMatchObject({ status: 'failed', error: r.body.error });
    expect(auditDirs(s)).toContain(r.body.id);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
    expect((await getJson(s, `/api/audits/${r.body.id}/departments`)).status).toBe(422);
  });

  it('an audit process that dies: failed with the reason, and the server goes on', async () => {
    env('RECON_RUNNER_FLAGS', `--import ${RUNNER_FAULTS}`);
    const r = await post(s, [['files', SAMPLE, '部门/abort-runner-me.xlsx']], '?wait=1');
    expect(r.body.status).toBe('failed');
    expect(r.body.error).toMatch(/^审核进程异常退出（SIGABRT），审核未完成/);
    const ok = await post(s, [['files', SAMPLE, '部门/表.xlsx']], '?wait=1');
    expect(ok.body.status).toBe('done');
  });
});
