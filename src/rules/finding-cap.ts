import { type RulesConfig, defaultRulesConfig } from './config.js';
import { toFinding } from './engine.js';
import { fileTooManyFindingsMeta } from './file.js';
import { findingKey } from './identity.js';
import type { Finding, Severity } from './types.js';

/**
 * More than a table of a few dozen rows can honestly have wrong: a file beyond it is broken or hostile, and a list of
 * thousands of problems helps no department (one 110 KB file once gave 419 MB of findings).
 */
export const MAX_FINDINGS_PER_FILE = 1000;

/** A whole report's findings: with every text clipped, findings.json stays within a few hundred MB. */
export const MAX_REPORT_FINDINGS = 200_000;

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The `cap` most severe of one file's findings, in their own order otherwise, and how many were left out. */
export function keepMostSevere(list: readonly Finding[], cap: number): { kept: Finding[]; omitted: number } {
  if (list.length <= cap) return { kept: [...list], omitted: 0 };
  const order = list.map((f, i) => ({ f, i })).sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i);
  return { kept: order.slice(0, cap).sort((a, b) => a.i - b.i).map((x) => x.f), omitted: list.length - cap };
}

/**
 * Each file's findings cut to `cap` (keepMostSevere), and for every file with any left out, here or before
 * (`omittedBefore`: by a reader process, under MAX_FINDINGS_PER_FILE), one file.too-many-findings that counts them.
 */
export function capFindings(
  findings: readonly Finding[],
  cap: number,
  params: RulesConfig = defaultRulesConfig,
  omittedBefore: ReadonlyMap<string, number> = new Map(),
): Finding[] {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) (byFile.get(f.file) ?? byFile.set(f.file, []).get(f.file)!).push(f);
  const out: Finding[] = [];
  for (const [file, list] of byFile) {
    const { kept, omitted } = keepMostSevere(list, cap);
    out.push(...kept);
    const left = omitted + (omittedBefore.get(file) ?? 0);
    if (left === 0 || params.disabled.includes(fileTooManyFindingsMeta.id)) continue;
    const where = { file, sheet: null, department: list[0]!.department, unit: null, project: null };
    const data = { total: kept.length + left, kept: kept.length, omitted: left };
    const key = findingKey(`||file:${file}`, fileTooManyFindingsMeta.id, 'file');
    out.push(toFinding(fileTooManyFindingsMeta, params, { messageId: 'capped', cell: null, data }, where, key));
  }
  return out;
}

/**
 * The largest per-file cap under which the whole report keeps at most `total` findings: the files with few keep
 * all of theirs, the ones with many share what is left alike.
 */
export function fairCap(counts: readonly number[], total: number): number {
  const sorted = [...counts].sort((a, b) => a - b);
  let left = total;
  for (let i = 0; i < sorted.length; i++) {
    const share = Math.floor(left / (sorted.length - i));
    if (sorted[i]! > share) return Math.max(1, share);
    left -= sorted[i]!;
  }
  return Number.POSITIVE_INFINITY;
}
