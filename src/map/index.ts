import type { Sheet } from '../read/index.js';
import { LabelIndex } from './labels.js';
import { extract } from './extract.js';
import { fitness, nearest } from './fit.js';
import type { Mapping } from './schema.js';
import type { RawTable } from './raw.js';

export * from './schema.js';
export * from './raw.js';
export { loadMappings, mappingSourcesWith, parseMapping, MappingError, builtinMappingDir } from './load.js';
export { labelMatches } from './labels.js';
export { extract } from './extract.js';
export { fitness, whyNot, lacking, nearest } from './fit.js';
export { COMMON_FORM_LABELS } from './vocabulary.js';
export { draftMapping } from './draft.js';

/**
 * The mapping that fits a sheet best, or null: a sheet that fits none is reported, never guessed. On equal fitness a
 * region's own layout goes before the generic one, and a layout with more labels of its own before one with fewer.
 */
export function matchSheet(sheet: Sheet, mappings: Mapping[], idx = new LabelIndex(sheet)): Mapping | null {
  let best: Mapping | null = null;
  let bestScore = -1;
  const specificity = (m: Mapping) => (m.fallback ? 0 : 1000) + m.match.all.length + (m.match.any.length ? 1 : 0);
  for (const m of mappings) {
    const score = fitness(sheet, m, idx);
    if (score === null) continue;
    if (score > bestScore || (score === bestScore && best && specificity(m) > specificity(best))) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Match and extract, reading the sheet's labels once for both. A sheet holding several tables one under another
 * (the disclosure document's way) gives one table each: the sheet is cut above each further 项目名称 (the mapping's
 * first `match.all` label), as far above it as the first table's title stood.
 */
export function mapSheet(whole: Sheet, mappings: Mapping[]): { mapping: Mapping; raw: RawTable }[] {
  const sheet = visibleOnly(whole);
  const idx = new LabelIndex(sheet);
  const mapping = matchSheet(sheet, mappings, idx);
  if (!mapping) return [];
  const starts = tableStarts(idx, mapping);
  if (starts.length < 2) return [{ mapping, raw: extract(sheet, mapping, idx) }];
  const out: { mapping: Mapping; raw: RawTable }[] = [];
  starts.forEach((start, k) => {
    const part = rowsOf(sheet, k === 0 ? 0 : start, starts[k + 1] ?? sheet.rowCount);
    const partIdx = new LabelIndex(part);
    if (fitness(part, mapping, partIdx) !== null) out.push({ mapping, raw: extract(part, mapping, partIdx) });
  });
  return out;
}

/** The label each table of a layout starts with: its first own label, else its project's or department's. */
function startLabel(m: Mapping): string {
  return m.match.all[0] ?? (m.fields.project ?? m.fields.department)[0]!.labels[0]!;
}

/** Where each table of a sheet begins: a row above each 项目名称, by the distance of the first table's title. */
function tableStarts(idx: LabelIndex, m: Mapping): number[] {
  const rows = idx.rowsOf(startLabel(m));
  if (rows.length < 2) return rows;
  const t = m.fields.title?.[0];
  const title = t ? idx.find(t.labels, t.match) : undefined;
  const lead = title && title.r <= rows[0]! ? rows[0]! - title.r : 0;
  const starts: number[] = [];
  for (const r of rows) starts.push(Math.max(starts.length ? starts[starts.length - 1]! + 1 : 0, r - lead));
  return starts;
}

/**
 * The sheet as a person sees it: rows and columns hidden in it (an old source row, a superseded column of figures
 * left in place) are empty. Addresses stay as they are.
 */
export function visibleOnly(sheet: Sheet): Sheet {
  const rows = sheet.hiddenRows;
  const cols = sheet.hiddenCols;
  if (!rows?.size && !cols?.size) return sheet;
  const seen = (r: number, c: number) => !rows?.has(r) && !cols?.has(c);
  return {
    ...sheet,
    own: (r, c) => (seen(r, c) ? sheet.own(r, c) : undefined),
    at: (r, c) => (seen(r, c) ? sheet.at(r, c) : undefined),
    mergeAt: (r, c) => sheet.mergeAt(r, c),
  };
}

/** The rows [from, to) of a sheet, at their own addresses; the rest of it empty. */
function rowsOf(sheet: Sheet, from: number, to: number): Sheet {
  const inside = (r: number) => r >= from && r < to;
  const merges = sheet.merges.filter((mg) => inside(mg.s.r));
  return {
    name: sheet.name,
    rowCount: Math.min(sheet.rowCount, to),
    colCount: sheet.colCount,
    merges,
    ...(sheet.widths ? { widths: sheet.widths } : {}),
    ...(sheet.hidden ? { hidden: true } : {}),
    ...(sheet.uncached ? { uncached: sheet.uncached } : {}),
    own: (r, c) => (inside(r) ? sheet.own(r, c) : undefined),
    at: (r, c) => (inside(r) ? sheet.at(r, c) : undefined),
    mergeAt: (r, c) => {
      const mg = inside(r) ? sheet.mergeAt(r, c) : undefined;
      return mg && inside(mg.s.r) ? mg : undefined;
    },
  };
}
export { LedgerMapping, loadLedgerMapping, mapLedger, type RawLedger, type RawLedgerRow, type LedgerKey } from './ledger.js';

/** What a file whose sheets fit no layout comes nearest to: the layout, the sheet, and the labels it lacks. */
export interface Miss {
  layout: string;
  name: string;
  sheet: string;
  lacking: string[];
}

/** The nearest layout over a file's sheets (file.unrecognized says it, `inspect` lists it); null for a file of blank sheets. */
export function explainMiss(sheets: Sheet[], mappings: Mapping[]): Miss | null {
  let best: Miss | null = null;
  for (const whole of sheets) {
    const sheet = visibleOnly(whole);
    if (!sheet.rowCount) continue;
    const n = nearest(sheet, mappings);
    if (n && (!best || n.lacking.length < best.lacking.length)) best = { layout: n.mapping.id, name: n.mapping.name, sheet: sheet.name, lacking: n.lacking };
  }
  return best;
}
