/**
 * The pipeline's one-way flow (README, "Architecture"): ooxml → read → text → map → model → rules → report → audit →
 * server → cli. A module imports only from its own folder or from an earlier stage, and another folder only through
 * that folder's index.ts. This walks every import of src/ and fails on one that runs back up or reaches inside.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const STAGES = ['ooxml', 'read', 'text', 'map', 'model', 'rules', 'report', 'audit', 'server', 'cli'] as const;

/**
 * Known edges that break the rules, each with why it is allowed for now. The test also fails when one of them no
 * longer exists, so that this list only ever shrinks.
 */
const KNOWN: Record<string, string> = {};

const IMPORT = /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function sources(): string[] {
  return readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(SRC, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** Every relative import of every module of src/, as `from -> to` (both relative to src/). */
function edges(): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (const file of sources()) {
    const text = readFileSync(path.join(SRC, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('.')) continue;
      out.push({ from: file, to: path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)) });
    }
  }
  return out;
}

const folderOf = (f: string) => f.split('/')[0]!;

/** Why an edge breaks the flow, or null. */
function violation(from: string, to: string): string | null {
  const a = folderOf(from);
  const b = folderOf(to);
  if (a === b) return null;
  const ra = STAGES.indexOf(a as (typeof STAGES)[number]);
  const rb = STAGES.indexOf(b as (typeof STAGES)[number]);
  if (ra < 0 || rb < 0) return `outside the known stages (${a} → ${b})`;
  if (rb > ra) return `runs back up: ${a} is before ${b}`;
  if (to !== `${b}/index.js`) return `reaches inside ${b}: import ${b}/index.js instead`;
  return null;
}

describe('imports flow one way', () => {
  const all = edges();

  it('finds the imports it is to check', () => {
    expect(all.length).toBeGreaterThan(150);
    expect(all).toContainEqual({ from: 'audit/run.ts', to: 'rules/index.js' });
    expect(all).toContainEqual({ from: 'cli/main.ts', to: 'audit/index.js' });
  });

  it('no module imports from a later stage, nor from inside another folder', () => {
    const bad = all
      .map(({ from, to }) => ({ edge: `${from} -> ${to}`, why: violation(from, to) }))
      .filter((x) => x.why !== null && !(x.edge in KNOWN))
      .map((x) => `${x.edge}: ${x.why}`);
    expect(bad).toEqual([]);
  });

  it('every known exception still exists (fixed ones come off the list)', () => {
    const seen = new Set(all.map(({ from, to }) => `${from} -> ${to}`));
    expect(Object.keys(KNOWN).filter((k) => !seen.has(k))).toEqual([]);
    for (const k of Object.keys(KNOWN)) {
      const [from, to] = k.split(' -> ') as [string, string];
      expect(violation(from, to), k).not.toBeNull();
    }
  });

  it('the check itself catches an import that runs back up or reaches inside', () => {
    expect(violation('read/index.ts', 'report/index.js')).toMatch(/back up/);
    expect(violation('report/annotate.ts', 'read/ooxml.js')).toMatch(/reaches inside/);
    expect(violation('report/annotate.ts', 'ooxml/index.js')).toBeNull();
    expect(violation('server/app.ts', 'cli/main.js')).toMatch(/back up/);
  });
});
