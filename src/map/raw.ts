import type { Cell } from '../read/index.js';
import type { FundKey, IndicatorKey, Mapping } from './schema.js';

/** A place in the sheet where a value is (or should be): its A1 address and the cell, if it holds anything. */
export interface Slot {
  addr: string;
  cell: Cell | undefined;
}

export type FieldKey = keyof Mapping['fields'];

export interface RawFundRow {
  kind: 'total' | 'source';
  label: Slot;
  values: Partial<Record<FundKey, Slot>>;
}

export interface RawIndicator {
  values: Partial<Record<IndicatorKey, Slot>>;
}

/** What the map stage found on one sheet: cells, not yet interpreted. */
export interface RawTable {
  sheet: string;
  layout: string;
  /** null: the mapping has the field but its label is not on the sheet. */
  fields: Partial<Record<FieldKey, Slot | null>>;
  fundAnchor: Slot | null;
  amountUnit: '元' | '万元';
  fundColumns: FundKey[];
  fundRows: RawFundRow[];
  goal: { target: Slot | null; actual: Slot | null };
  indicatorColumns: IndicatorKey[];
  /** Where each indicator column's header is: a finding about a whole column (the 分值 total) is pinned there. */
  indicatorHeaders: Partial<Record<IndicatorKey, string>>;
  indicators: RawIndicator[];
  analysis: { key: string; label: string; value: Slot | null }[];
  /** Labels and columns the mapping names that this sheet lacks: shown by `recon inspect`. */
  missed: string[];
  /** Addresses of formulas the file kept no result of (Sheet.uncached). */
  uncached?: string[];
}
