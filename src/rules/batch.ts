import { normCode, normName } from '../model/index.js';
import type { RuleMeta } from './types.js';

/** What the batch rules need of a table; small and plain, so worker threads can send it back. */
export interface TableKey {
  file: string;
  sheet: string;
  department: string | null;
  unit: string | null;
  unitCode: string | null;
  /** The unit's name without its code, as the table writes it. */
  unitName: string | null;
  project: string | null;
  projectCell: string | null;
  /** The ledger row the table matched, by ledgerRowId. */
  ledgerRow: string | null;
  /** The table's identity across audits (identity.ts), as its findings' keys begin. */
  identity: string;
}

export const batchDuplicateMeta: RuleMeta = {
  id: 'batch.duplicate',
  severity: 'warning',
  title: '重复报送',
  description: '同一预算单位的同一项目重复报送（按单位编码或名称、项目名称判断）',
  docs: 'The same unit and project submitted more than once.',
  messages: { duplicate: '单位“{unit}”的项目“{project}”重复报送，首次见于 {first}' },
};

/**
 * Every table after the first of the same unit and project (in file, sheet order) is a duplicate. The same unit:
 * the same code, or, where one of the two gives no code, the same name.
 */
export function findDuplicates(keys: readonly TableKey[]): { key: TableKey; first: TableKey }[] {
  const byName = new Map<string, TableKey[]>();
  const out: { key: TableKey; first: TableKey }[] = [];
  const sorted = [...keys].sort((a, b) => (a.file === b.file ? (a.sheet < b.sheet ? -1 : a.sheet > b.sheet ? 1 : 0) : a.file < b.file ? -1 : 1));
  const code = (k: TableKey) => (k.unitCode ? normCode(k.unitCode) : null);
  const sameUnit = (a: TableKey, b: TableKey) => (code(a) && code(b) ? code(a) === code(b) : normName(a.unitName ?? a.unit ?? '') === normName(b.unitName ?? b.unit ?? ''));
  const byCode = new Map<string, TableKey>();
  for (const k of sorted) {
    if (!k.project) continue;
    const project = normName(k.project);
    const c = code(k);
    const named = byName.get(`${normName(k.unitName ?? k.unit ?? '')}|${project}`) ?? [];
    const first = (c ? byCode.get(`${c}|${project}`) : undefined) ?? named.find((f) => sameUnit(f, k));
    if (first) {
      out.push({ key: k, first });
      continue;
    }
    if (c) byCode.set(`${c}|${project}`, k);
    const key = `${normName(k.unitName ?? k.unit ?? '')}|${project}`;
    byName.set(key, [...named, k]);
  }
  return out;
}
