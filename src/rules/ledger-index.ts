import { type LedgerRow, type ProjectTable, normCode, normName } from '../model/index.js';
import { usable } from './figures.js';
import { mainRow } from './table-access.js';

/** Rows by position: a plain array, or a PackedLedger that decodes each row when asked. */
export interface LedgerRows {
  readonly length: number;
  at(i: number): LedgerRow | undefined;
}

function add(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

/** How a submitted table and a ledger row recognise each other. Keeps row positions, not rows. */
export class LedgerIndex {
  private readonly byCode = new Map<string, number[]>();
  private readonly byUnitCode = new Map<string, number[]>();
  private readonly byUnitName = new Map<string, number[]>();
  /** Rows that name no unit at all (a ledger of one unit, or without unit columns): known by the project alone. */
  private readonly byNameAlone = new Map<string, number[]>();
  /** Each table is matched by the ledger rules and again for its batch key: the rows are decoded once. */
  private readonly found = new WeakMap<ProjectTable, LedgerRow | null>();

  constructor(private readonly rows: LedgerRows) {
    for (let i = 0; i < rows.length; i++) {
      const r = rows.at(i)!;
      const name = r.projectName.value ? normName(r.projectName.value) : null;
      if (r.projectCode) add(this.byCode, normCode(r.projectCode), i);
      if (name && r.unitCode) add(this.byUnitCode, `${normCode(r.unitCode)}|${name}`, i);
      if (name && r.unitName) add(this.byUnitName, `${normName(r.unitName)}|${name}`, i);
      if (name && !r.unitCode && !r.unitName) add(this.byNameAlone, name, i);
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
    let hit = this.found.get(t);
    if (hit === undefined) this.found.set(t, (hit = this.lookup(t)));
    return hit;
  }

  private lookup(t: ProjectTable): LedgerRow | null {
    const code = t.projectCode.value?.trim() ? normCode(t.projectCode.value) : null;
    if (code) {
      const hits = this.byCode.get(code);
      if (hits) return pick(this.decode(hits), t);
    }
    const name = t.project.value ? normName(t.project.value) : null;
    if (!name) return null;
    const positions =
      (t.unit.code ? this.byUnitCode.get(`${normCode(t.unit.code)}|${name}`) : undefined) ??
      (t.unit.name ? this.byUnitName.get(`${normName(t.unit.name)}|${name}`) : undefined) ??
      this.byNameAlone.get(name) ??
      [];
    let candidates = this.decode(positions);
    if (code) candidates = candidates.filter((r) => !r.projectCode || normCode(r.projectCode) === code);
    return candidates.length ? pick(candidates, t) : null;
  }

  private decode(positions: readonly number[]): LedgerRow[] {
    return positions.map((i) => this.rows.at(i)!);
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
