/**
 * Helpers for the web service's tests: a server on a free port of 127.0.0.1 over a temp data folder, multipart
 * uploads as the page sends them, waiting for an audit, and the processes of an audit (its process group).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from '../../src/server/index.js';

export type Part = [field: string, data: Buffer | string, filename?: string];

export interface Server {
  app: FastifyInstance;
  base: string;
  dataDir: string;
}

const servers: Server[] = [];

export async function start(options: Partial<AppOptions> = {}, dataDir?: string): Promise<Server> {
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'recon-serve-'));
  const app = buildApp({ dataDir: dir, jobs: 2, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  const s = { app, base: `http://127.0.0.1:${addr.port}`, dataDir: dir };
  servers.push(s);
  return s;
}

/** Closes a server early (its data folder stays, for a restart). */
export async function stop(s: Server): Promise<void> {
  const i = servers.indexOf(s);
  if (i >= 0) servers.splice(i, 1);
  await s.app.close();
}

/** Closes every server and removes their data folders (afterAll). */
export async function stopAll(): Promise<void> {
  const dirs = new Set<string>();
  for (const s of servers.splice(0)) {
    await s.app.close();
    dirs.add(s.dataDir);
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

export function form(parts: Part[]): FormData {
  const fd = new FormData();
  for (const [field, data, filename] of parts) {
    if (filename === undefined && typeof data === 'string') fd.append(field, data);
    else fd.append(field, new Blob([typeof data === 'string' ? data : new Uint8Array(data)]), filename ?? 'file');
  }
  return fd;
}

export async function post(s: Server, parts: Part[], query = '', headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, any> }> {
  const res = await fetch(`${s.base}/api/audits${query}`, { method: 'POST', body: form(parts), headers });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

export const files = (list: { path: string; data: Buffer }[]): Part[] => list.map((f) => ['files', f.data, f.path] as Part);

export async function getJson(s: Server, p: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${s.base}${p}`);
  return { status: res.status, body: await res.json() };
}

export function auditDirs(s: Server): string[] {
  const dir = path.join(s.dataDir, 'audits');
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Polls the audit's status until `until` holds (default: finished). */
export async function waitStatus(s: Server, id: string, until: (st: any) => boolean = (st) => st.status === 'done' || st.status === 'failed', ms = 60_000): Promise<any> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await getJson(s, `/api/audits/${id}/status`);
    if (until(r.body)) return r.body;
    if (Date.now() > end) throw new Error(`audit ${id} still ${r.body.status}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Live (not zombie) processes of process group `pgid`, from /proc. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ')'
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The entries of a ZIP (names and sizes) from its central directory. */
export function zipEntries(buf: Buffer): { name: string; size: number }[] {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out: { name: string; size: number }[] = [];
  for (let k = 0; k < count; k++) {
    const nameLen = buf.readUInt16LE(p + 28);
    out.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size: buf.readUInt32LE(p + 24) });
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return out;
}

/** The download name of a Content-Disposition header (its RFC 5987 `filename*`). */
export function downloadName(cd: string | null): string {
  return decodeURIComponent((cd ?? '').split("UTF-8''")[1] ?? '');
}
