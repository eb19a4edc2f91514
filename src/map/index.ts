import type { Sheet } from '../read/index.js';
import { LabelIndex } from './labels.js';
import { extract, fitness } from './extract.js';
import type { Mapping } from './schema.js';
import type { RawTable } from './raw.js';

export * from './schema.js';
export * from './raw.js';
export { loadMappings, parseMapping, MappingError, builtinMappingDir } from './load.js';
export { labelMatches } from './labels.js';
export { extract } from './extract.js';

/** The mapping that fits a sheet best, or null: a sheet that fits none is reported, never guessed. */
export function matchSheet(sheet: Sheet, mappings: Mapping[]): Mapping | null {
  const idx = new LabelIndex(sheet);
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

export function mapSheet(sheet: Sheet, mappings: Mapping[]): RawTable | null {
  const m = matchSheet(sheet, mappings);
  return m ? extract(sheet, m) : null;
}
export { LedgerMapping, loadLedgerMapping, mapLedger, type RawLedger, type RawLedgerRow, type LedgerKey } from './ledger.js';
