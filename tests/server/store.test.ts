import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditStore, INTERRUPTED, type AuditState } from '../../src/server/store.js';
import { cleanName, defaultName } from '../../src/server/records.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A data folder holding one audit as a stopped process left it: its upload, and its status.json. */
function leftBehind(id: string, status: Partial<AuditState> | string): string {
  const data = mkdtempSync(path.join(os.tmpdir(), 'recon-store-'));
  dirs.push(data);
  const dir = path.join(data, 'audits', id);
  mkdirSync(path.join(dir, 'input'), { recursive: true });
  copyFileSync(path.join(ROOT, 'samples', '政法委', '网格员意外伤害保险.xlsx'), path.join(dir, 'input', '网格员意外伤害保险.xlsx'));
  // a record as written before audits had names and comparisons
  const state = { id, status: 'running', done: 0, total: 1, summary: null, error: null, createdAt: '2026-12-01T12:00:00.000Z', startedAt: '2026-12-01T12:00:01.000Z', finishedAt: null };
  writeFileSync(path.join(dir, 'status.json'), typeof status === 'string' ? status : JSON.stringify({ ...state, ...status }));
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
  it('an audit interrupted once is run again to the end; a record from before names gets the default name', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    const store = new AuditStore(leftBehind(id, { attempts: 1 }), { jobs: 1 });
    const s = await settled(store, id);
    await store.close();
    expect([s.status, s.summary?.tables, s.attempts, s.name, s.previous]).toEqual(['done', 1, 2, '2026年度 2026-12-01', null]);
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

  it('a record cut short, or edited into nonsense, is listed as damaged and never run', async () => {
    for (const text of ['{"id": "7777', JSON.stringify({ id: '77777777-7777-4777-8777-777777777777', status: 'queued', done: -1, total: 1, summary: null, error: null, createdAt: 'yesterday' })]) {
      const id = '77777777-7777-4777-8777-777777777777';
      const store = new AuditStore(leftBehind(id, text), { jobs: 1 });
      expect(store.get(id)).toBeUndefined();
      expect(store.queued).toBe(0);
      expect(store.corruptRecords()).toEqual([{ id, reason: expect.stringMatching(/^status\.json /) }]);
      expect(store.remove(id)).toBe('removed');
      expect(store.corruptRecords()).toEqual([]);
      await store.close();
    }
  });
});

describe('audit names', () => {
  it('default to 年度 and date; a typed one is kept without control or invisible characters, 100 characters at most', () => {
    expect(defaultName(new Date(2026, 11, 6, 9, 30))).toBe('2026年度 2026-12-06');
    expect(cleanName('  第二轮\t（整改后）\u202e\u0000 ')).toBe('第二轮 （整改后）');
    expect(cleanName('\u200b \n')).toBeNull();
    expect(Array.from(cleanName('长'.repeat(5000))!)).toHaveLength(100);
  });
});
