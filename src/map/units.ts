import type { Sheet } from '../read/index.js';
import { fold } from '../text/index.js';

/** The unit amounts are stated in. */
export type AmountUnit = '元' | '万元';

/** A cell of a units row under a header: `（万元）`, `(%)`, `分`; the unit is group 1. */
export const UNIT_NOTE = /^\s*[(（]?\s*(万元|元|%|分|百分比)\s*[)）]?\s*$/;

/** The amount unit a units-row cell names, if it names one. */
export function amountUnitNote(text: string): AmountUnit | null {
  const u = UNIT_NOTE.exec(fold(text))?.[1];
  return u === '万元' || u === '元' ? u : null;
}

/**
 * A unit stated for the whole sheet in rows [0, to): `单位：元`, `（金额单位：万元）`. The form and the ledger both
 * put it above their headers.
 */
export function statedUnitAbove(sheet: Sheet, to: number): AmountUnit | null {
  for (let r = 0; r < to; r++)
    for (let c = 0; c < sheet.colCount; c++) {
      const text = sheet.own(r, c)?.text;
      const m = text ? /(?:金额|资金)?单位\s*[:：]\s*(万元|元)/.exec(fold(text)) : null;
      if (m) return m[1] as AmountUnit;
    }
  return null;
}
