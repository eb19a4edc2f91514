/**
 * findings.json is byte-identical for the same inputs: run after run, and whatever the number of worker threads.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, buildBureau, readFindings, runAudit, tempRoot, removeTempRoots } from './helpers.js';

afterAll(removeTempRoots);

let root: string;
const runs: Record<'a' | 'b' | 'jobs1', CliResult> = {} as never;
const json = (name: string) => fs.readFileSync(path.join(root, name, 'findings.json'));

beforeAll(async () => {
  root = tempRoot();
  const { bureau, ledger } = buildBureau(root);
  const common = [bureau, '--ledger', ledger, '--out'];
  // a and b: the same audit twice, with two worker threads; jobs1: one thread. Two runs at a time at most.
  [runs.a, runs.b] = await Promise.all([runAudit([...common, 'a', '--jobs', '2'], root), runAudit([...common, 'b', '--jobs', '2'], root)]);
  runs.jobs1 = await runAudit([...common, 'jobs1', '--jobs', '1'], root);
});

describe('determinism', () => {
  it('every run exits 1 (the bureau has errors), with a valid findings.json', () => {
    for (const [name, r] of Object.entries(runs)) {
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      expect(readFindings(path.join(root, name)).summary.errors).toBeGreaterThan(0);
    }
  });

  it('the same audit twice gives byte-identical findings.json', () => {
    expect(json('a').length).toBeGreaterThan(1000);
    expect(json('b').equals(json('a'))).toBe(true);
  });

  it('--jobs 1 and --jobs 2 give byte-identical findings.json', () => {
    expect(json('jobs1').equals(json('a'))).toBe(true);
  });

  it('the correction lists are the same too', () => {
    const dir = (name: string) => path.join(root, name, 'corrections');
    const names = fs.readdirSync(dir('a')).sort();
    expect(fs.readdirSync(dir('jobs1')).sort()).toEqual(names);
    for (const n of names.filter((x) => x.endsWith('.csv')))
      expect(fs.readFileSync(path.join(dir('jobs1'), n)).equals(fs.readFileSync(path.join(dir('a'), n))), n).toBe(true);
  });
});
