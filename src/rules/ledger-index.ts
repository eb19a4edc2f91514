import { type LedgerRow, type ProjectTable, normCode, normName } from '../model/index.js';
import { usable } from './figures.js';
import { mainRow } from './table-access.js';

function add(map: Map<string, LedgerRow[]>, key: string, row: LedgerRow): void {
  const list = map.get(key);
  if (list) list.push(row);
  else map.set(key, [row]);
}

/** How a submitted table and a ledger row recognise each other. */
export class LedgerIndex {
  private readonly byCode = new Map<string, LedgerRow[]>();
  private readonly byUnitCode = new Map<string, LedgerRow[]>();
  private readonly byUnitName = new Map<string, LedgerRow[]>();
  /** Rows that name no unit at all (a ledger of one unit, or without unit columns): known by the project alone. */
  private readonly byNameAlone = new Map<string, LedgerRow[]>();

  constructor(readonly rows: readonly LedgerRow[]) {
    for (const r of rows) {
      const name = r.projectName.value ? normName(r.projectName.value) : null;
      if (r.projectCode) add(this.byCode, normCode(r.projectCode), r);
      if (name && r.unitCode) add(this.byUnitCode, `${normCode(r.unitCode)}|${name}`, r);
      if (name && r.unitName) add(this.byUnitName, `${normName(r.unitName)}|${name}`, r);
      if (name && !r.unitCode && !r.unitName) add(this.byNameAlone, name, r);
    }
  }

  /**
   * By project code where both have one, else by unit code and project name, else by unit name and project name,
   * else, for a ledger row that names no unit, by the project name alone. Codes compare as codes (`7001` is
   * `007001`, full-width digits are digits).
   * A ledger row under the same name with another project code is another project. Of several rows that fit
   * (a ledger listing one project twice), the one whose figures agree with the table, else the first.
   */
  match(t: ProjectTable): LedgerRow | null {
    const code = t.projectCode.value?.trim() ? normCode(t.projectCode.value) : null;
    if (code) {
      const hits = this.byCode.get(code);
      if (hits) return pick(hits, t);
    }
    const name = t.project.value ? normName(t.project.value) : null;
    if (!name) return null;
    let candidates =
      (t.unit.code ? this.byUnitCode.get(`${normCode(t.unit.code)}|${name}`) : undefined) ??
      (t.unit.name ? this.byUnitName.get(`${normName(t.unit.name)}|${name}`) : undefined) ??
      this.byNameAlone.get(name) ??
      [];
    if (code) candidates = candidates.filter((r) => !r.projectCode || normCode(r.projectCode) === code);
    return candidates.length ? pick(candidates, t) : null;
  }
}

function pick(rows: LedgerRow[], t: ProjectTable): LedgerRow {
  if (rows.length === 1) return rows[0]!;
  const row = mainRow(t);
  const same = (a: ReturnType<typeof usable>, b: ReturnType<typeof usable>) => !!a && !!b && a.eq(b);
  return rows.find((r) => row && same(usable(r.budget), usable(row.values.budget)) && same(usable(r.executed), usable(row.values.executed))) ?? rows[0]!;
}

/** A ledger row's identity across threads. */
export function ledgerRowId(r: Pick<LedgerRow, 'file' | 'sheet' | 'row'>): string {
  return `${r.file}#${r.sheet}#${r.row}`;
}
