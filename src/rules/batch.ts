import { normName } from '../model/index.js';
import type { RuleMeta } from './types.js';

/** What the batch rules need of a table; small and plain, so worker threads can send it back. */
export interface TableKey {
  file: string;
  sheet: string;
  department: string | null;
  unit: string | null;
  unitCode: string | null;
  project: string | null;
  projectCell: string | null;
  /** The ledger row the table matched, by ledgerRowId. */
  ledgerRow: string | null;
}

export const batchDuplicateMeta: RuleMeta = {
  id: 'batch.duplicate',
  severity: 'warning',
  title: '重复报送',
  docs: 'The same unit and project submitted more than once.',
  messages: { duplicate: '单位“{unit}”的项目“{project}”重复报送，首次见于 {first}' },
};

/** Every table after the first of the same unit and project (in file, sheet order) is a duplicate. */
export function findDuplicates(keys: readonly TableKey[]): { key: TableKey; first: TableKey }[] {
  const seen = new Map<string, TableKey>();
  const out: { key: TableKey; first: TableKey }[] = [];
  const sorted = [...keys].sort((a, b) => (a.file === b.file ? (a.sheet < b.sheet ? -1 : a.sheet > b.sheet ? 1 : 0) : a.file < b.file ? -1 : 1));
  for (const k of sorted) {
    if (!k.project) continue;
    const id = `${k.unitCode ?? normName(k.unit ?? '')}|${normName(k.project)}`;
    const first = seen.get(id);
    if (first) out.push({ key: k, first });
    else seen.set(id, k);
  }
  return out;
}
