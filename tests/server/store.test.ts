import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditStore, INTERRUPTED, type AuditState } from '../../src/server/store.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A data folder holding one audit as a stopped process left it: its upload, and its status.json. */
function leftBehind(id: string, status: Partial<AuditState>): string {
  const data = mkdtempSync(path.join(os.tmpdir(), 'recon-store-'));
  dirs.push(data);
  const dir = path.join(data, 'audits', id);
  mkdirSync(path.join(dir, 'input'), { recursive: true });
  copyFileSync(path.join(ROOT, 'samples', '政法委', '网格员意外伤害保险.xlsx'), path.join(dir, 'input', '网格员意外伤害保险.xlsx'));
  const state: AuditState = { id, status: 'running', done: 0, total: 1, summary: null, error: null, createdAt: '2026-12-01T00:00:00.000Z', startedAt: '2026-12-01T00:00:01.000Z', finishedAt: null, name: '2026年度 2026-12-01', previous: null, ...status };
  writeFileSync(path.join(dir, 'status.json'), JSON.stringify(state));
  return data;
}

async function settled(store: AuditStore, id: string): Promise<AuditState> {
  for (let i = 0; i < 600; i++) {
    const s = store.get(id)!;
    if (s.status === 'done' || s.status === 'failed') return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('audit never finished');
}

describe('audits a stopped process left behind', () => {
  it('an audit interrupted once is run again to the end', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    const store = new AuditStore(leftBehind(id, { attempts: 1 }), { jobs: 1 });
    const s = await settled(store, id);
    await store.close();
    expect([s.status, s.summary?.tables, s.attempts]).toEqual(['done', 1, 2]);
  });

  it('an audit that was running when the process stopped twice is failed with the reason, not started a third time', async () => {
    const id = '66666666-7777-4888-8999-000000000000';
    const data = leftBehind(id, { attempts: 2 });
    const store = new AuditStore(data, { jobs: 1 });
    const s = store.get(id)!;
    expect([s.status, s.error]).toEqual(['failed', INTERRUPTED]);
    expect(store.queued).toBe(0);
    await store.close();
    expect(JSON.parse(readFileSync(path.join(data, 'audits', id, 'status.json'), 'utf8')).status).toBe('failed');
  });
});
