import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LedgerRow, ProjectTable } from '../../src/model/index.js';
import { type Layout, roundTrip, seedTables } from '../helpers/workbooks.js';

/** normalize() builds the model under its TypeScript type; the zod schema is the contract it must also meet. */
describe('every normalised table meets the zod schema of the model', () => {
  const variations = [{}, { offsetRows: 2, offsetCols: 1 }, { noMerges: true }, { messyLabels: true }, { fullWidthNumbers: true }, { percentFractions: true }];
  const layouts: Layout[] = ['seed', 'central'];
  for (const layout of layouts)
    for (const [i, t] of seedTables.entries())
      it.each(variations)(`${layout} layout, seed table ${i + 1}, %o`, (o) => {
        const r = ProjectTable.safeParse(roundTrip(t, layout, o));
        expect(r.success ? 'valid' : r.error.message).toBe('valid');
      });

  it('and the schema does reject an amount that is not a Decimal', () => {
    const table = roundTrip(seedTables[2]!);
    const broken = { ...table, total: { ...table.total, value: 98.76 } };
    expect(ProjectTable.safeParse(broken).success).toBe(false);
  });
});

describe('every ledger row meets the zod schema of the model', () => {
  it('the sample ledger (GB18030, 元, thousands separators)', async () => {
    const { loadLedger } = await import('../../src/audit/ledger.js');
    const ledger = await loadLedger(fileURLToPath(new URL('../../samples/ledger/预算执行台账.csv', import.meta.url)), null);
    expect(ledger.rows.length).toBeGreaterThan(3);
    for (const row of ledger.rows) {
      const r = LedgerRow.safeParse(row);
      expect(r.success ? 'valid' : r.error.message).toBe('valid');
    }
  });
});
