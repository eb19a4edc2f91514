import type { Cell, Sheet } from '../read/index.js';
import { LabelIndex } from './labels.js';
import { fundHeader, indicatorHeader } from './blocks.js';
import type { Field, Mapping } from './schema.js';

const IDENTITY_FIELDS = ['project', 'department', 'unit'] as const;

/** Whether a label stands on the sheet, alone in its cell or with its value after a colon. */
function present(idx: LabelIndex, label: string): boolean {
  return !!idx.find([label]) || !!idx.findInline([label]);
}

/** The labels of a layout's own `match` that the sheet breaks, in words a mapping author can act on. */
function matchProblems(m: Mapping, idx: LabelIndex): { missing: string[]; problems: string[] } {
  const missing: string[] = [];
  const problems: string[] = [];
  for (const l of m.match.all) if (!present(idx, l)) missing.push(l);
  if (m.match.any.length && !m.match.any.some((l) => present(idx, l))) missing.push(m.match.any.length > 3 ? `${m.match.any.slice(0, 3).join('或')}等` : m.match.any.join('或'));
  for (const l of m.match.none) if (idx.find([l])) problems.push(`有排除标签“${l}”`);
  return { missing, problems };
}

/** The header labels of the two blocks that are not there side by side. */
function blockProblems(m: Mapping, idx: LabelIndex): string[] {
  const out: string[] = [];
  const f = m.funds.columns;
  const t = m.indicators.columns;
  const v = m.funds.values;
  if (v?.budget && v.executed) {
    for (const x of [v.budget, v.executed]) if (!idx.find(x.labels, x.match) && !idx.findInline(x.labels)) out.push(x.labels[0]!);
  } else if (!fundHeader(m, idx)) {
    if (!idx.find(f.budget!)) out.push(f.budget![0]!);
    if (!idx.find(f.executed!)) out.push(f.executed![0]!);
    if (!out.length) out.push(`${f.budget![0]}与${f.executed![0]}不在同一表头`);
  }
  if (!indicatorHeader(m, idx)) {
    const before = out.length;
    if (!idx.find(t.level3!)) out.push(t.level3![0]!);
    if (t.weight && !idx.find(t.weight)) out.push(t.weight[0]!);
    if (t.score && !idx.find(t.score)) out.push(t.score[0]!);
    if (out.length === before) out.push(`${t.level3![0]}与${t.weight?.[0] ?? '分值'}、${t.score?.[0] ?? '得分'}不在同一表头`);
  }
  return out;
}

/**
 * How well a mapping fits a sheet: null when a label of its `match` or a block is missing, else the number of its
 * column groups found in the blocks' header bands, and of the fields that name the table (project, department,
 * unit) found anywhere. A layout that names
 * what the sheet has (a split target, a 权重 column) reads more of it than one that does not.
 */
export function fitness(sheet: Sheet, m: Mapping, idx = new LabelIndex(sheet)): number | null {
  const { missing, problems } = matchProblems(m, idx);
  if (missing.length || problems.length) return null;
  const budget = fundHeader(m, idx);
  const level3 = budget ? indicatorHeader(m, idx) : undefined;
  if (!budget || !level3) return null;
  const near = (anchor: Cell, up: number, down: number) => (c: Cell) => c.r >= anchor.r - up && c.r < anchor.r + down;
  let score = 0;
  for (const labels of Object.values(m.funds.columns)) if (labels && idx.find(labels, 'exact', near(budget, 2, 3))) score++;
  for (const f of Object.values(m.funds.values ?? {})) if (f && (idx.find(f.labels, f.match) || idx.findInline(f.labels))) score++;
  for (const labels of Object.values(m.indicators.columns)) if (labels && idx.find(labels, 'exact', near(level3, 1, 2))) score++;
  // Of the fields, those that say whose table it is: the total and the grade share their labels with other rows.
  for (const key of IDENTITY_FIELDS) {
    const alts: Field | undefined = m.fields[key];
    if (alts?.some((f) => idx.find(f.labels, f.match) || idx.findInline(f.labels))) score++;
  }
  return score;
}

/** Why a mapping does not fit a sheet (`recon inspect`, file.unrecognized); empty when it does. */
export function whyNot(sheet: Sheet, m: Mapping, idx = new LabelIndex(sheet)): string[] {
  const { missing, problems } = matchProblems(m, idx);
  return [...missing.map((l) => `缺少标签“${l}”`), ...problems, ...blockProblems(m, idx).map((l) => (l.includes('不在') ? l : `缺少表头“${l}”`))];
}

/** The labels a sheet lacks for a layout: its `match` and the blocks' headers. */
export function lacking(sheet: Sheet, m: Mapping, idx = new LabelIndex(sheet)): string[] {
  const { missing } = matchProblems(m, idx);
  return [...missing, ...blockProblems(m, idx)];
}

/**
 * The layout a sheet no layout fits comes nearest to — the fewest labels lacking, a region's own before the generic
 * one — and what it lacks: what file.unrecognized says, and what `inspect` lists.
 */
export function nearest(sheet: Sheet, mappings: Mapping[], idx = new LabelIndex(sheet)): { mapping: Mapping; lacking: string[] } | null {
  let best: { mapping: Mapping; lacking: string[] } | null = null;
  for (const m of mappings) {
    const l = lacking(sheet, m, idx);
    if (!best || l.length < best.lacking.length || (l.length === best.lacking.length && best.mapping.fallback && !m.fallback)) best = { mapping: m, lacking: l };
  }
  return best;
}
