import { type LedgerRow, type ProjectTable, normName } from '../model/index.js';

/** How a submitted table and a ledger row recognise each other. */
export class LedgerIndex {
  private readonly byCode = new Map<string, LedgerRow>();
  private readonly byUnitCode = new Map<string, LedgerRow>();
  private readonly byUnitName = new Map<string, LedgerRow>();

  constructor(readonly rows: readonly LedgerRow[]) {
    for (const r of rows) {
      const name = r.projectName.value ? normName(r.projectName.value) : null;
      if (r.projectCode) this.byCode.set(r.projectCode, r);
      if (name && r.unitCode) this.byUnitCode.set(`${r.unitCode}|${name}`, r);
      if (name && r.unitName) this.byUnitName.set(`${normName(r.unitName)}|${name}`, r);
    }
  }

  /** By project code where both have one, else by unit code and project name, else by unit name and project name. */
  match(t: ProjectTable): LedgerRow | null {
    const code = t.projectCode.value?.trim();
    if (code && this.byCode.has(code)) return this.byCode.get(code)!;
    const name = t.project.value ? normName(t.project.value) : null;
    if (!name) return null;
    if (t.unit.code) {
      const hit = this.byUnitCode.get(`${t.unit.code}|${name}`);
      if (hit) return hit;
    }
    if (t.unit.name) return this.byUnitName.get(`${normName(t.unit.name)}|${name}`) ?? null;
    return null;
  }
}

/** A ledger row's identity across threads. */
export function ledgerRowId(r: Pick<LedgerRow, 'file' | 'sheet' | 'row'>): string {
  return `${r.file}#${r.sheet}#${r.row}`;
}
