import type { Sheet } from '../read/index.js';
import { LabelIndex } from './labels.js';
import { extract, fitness } from './extract.js';
import type { Mapping } from './schema.js';
import type { RawTable } from './raw.js';

export * from './schema.js';
export * from './raw.js';
export { loadMappings, mappingSourcesWith, parseMapping, MappingError, builtinMappingDir } from './load.js';
export { labelMatches } from './labels.js';
export { extract } from './extract.js';

/** The mapping that fits a sheet best, or null: a sheet that fits none is reported, never guessed. */
export function matchSheet(sheet: Sheet, mappings: Mapping[], idx = new LabelIndex(sheet)): Mapping | null {
  let best: Mapping | null = null;
  let bestScore = -1;
  for (const m of mappings) {
    const score = fitness(sheet, m, idx);
    if (score !== null && score > bestScore) {
      best = m;
      bestScore = score;
    }
  }
  return best;
}

/** Match and extract, reading the sheet's labels once for both. */
export function mapSheet(sheet: Sheet, mappings: Mapping[]): { mapping: Mapping; raw: RawTable } | null {
  const idx = new LabelIndex(sheet);
  const mapping = matchSheet(sheet, mappings, idx);
  return mapping ? { mapping, raw: extract(sheet, mapping, idx) } : null;
}
export { LedgerMapping, loadLedgerMapping, mapLedger, type RawLedger, type RawLedgerRow, type LedgerKey } from './ledger.js';
