import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CopyWriter } from '../../src/audit/outputs.js';

describe('CopyWriter (annotated copies written while the workers go on)', () => {
  const dir = () => mkdtempSync(path.join(os.tmpdir(), 'copies-'));

  it('writes every copy, however many wait for the disk at once', async () => {
    const out = dir();
    const original = path.join(out, 'original.xlsx');
    writeFileSync(original, 'as submitted');
    const w = new CopyWriter(3);
    for (let i = 0; i < 40; i++)
      await w.write(original, path.join(out, `部门${i % 4}`, `${i}.xlsx`), i % 2 ? { bytes: null, same: true } : { bytes: Buffer.from(`copy ${i}`), same: false });
    await w.done();
    for (let i = 0; i < 40; i++) expect(readFileSync(path.join(out, `部门${i % 4}`, `${i}.xlsx`), 'utf8')).toBe(i % 2 ? 'as submitted' : `copy ${i}`);
  });

  it('reports a copy that could not be written, after writing the others', async () => {
    const out = dir();
    const original = path.join(out, 'original.xlsx');
    writeFileSync(original, 'as submitted');
    const w = new CopyWriter(2);
    // A folder stands where the copy should go: the disk refuses it, as it would when full.
    mkdirSync(path.join(out, 'taken.xlsx'));
    await w.write(original, path.join(out, 'taken.xlsx'), { bytes: Buffer.from('lost'), same: false });
    await w.write(original, path.join(out, 'kept.xlsx'), { bytes: Buffer.from('kept'), same: false });
    await expect(w.done()).rejects.toThrow();
    expect(readFileSync(path.join(out, 'kept.xlsx'), 'utf8')).toBe('kept');
  });
});
