import type { Cell } from '../read/index.js';
import type { FieldKey, FundKey, IndicatorKey } from './schema.js';

/** A place in the sheet where a value is (or should be): its A1 address and the cell, if it holds anything. */
export interface Slot {
  addr: string;
  cell: Cell | undefined;
}

export type { FieldKey };

export interface RawFundRow {
  kind: 'total' | 'source';
  label: Slot;
  values: Partial<Record<FundKey, Slot>>;
}

export interface RawIndicator {
  values: Partial<Record<IndicatorKey, Slot>>;
}

/** How the execution rate is scored on this table (schema.ts, `scoring`). */
export type RateScoring = 'separate' | 'indicator' | 'none';

/** What the map stage found on one sheet: cells, not yet interpreted. */
export interface RawTable {
  sheet: string;
  layout: string;
  kind: 'project' | 'department';
  /**
   * Absent: the layout has no such field (a 部门整体 table has no 项目名称; a form with no scores has no 总分), so
   * nothing is missing. null: the layout has the field but its label is not on the sheet.
   */
  fields: Partial<Record<FieldKey, Slot | null>>;
  /** The 分值 column's figure in the total's row (`总分 | 100 | 98.76`): the sum of the weights as the table states it. */
  weightTotal: Slot | null;
  fundAnchor: Slot | null;
  amountUnit: '元' | '万元';
  fundColumns: FundKey[];
  fundRows: RawFundRow[];
  goal: { target: Slot | null; actual: Slot | null };
  indicatorColumns: IndicatorKey[];
  /** Where each indicator column's header is: a finding about a whole column (the 分值 total) is pinned there. */
  indicatorHeaders: Partial<Record<IndicatorKey, string>>;
  indicators: RawIndicator[];
  /** Whether the indicators carry 分值 and 得分: a 绩效目标自评表 has neither, and no 总分. */
  scored: boolean;
  rate: { scoring: RateScoring; /** The layout's own rate 分值, where it sets one. */ weight: number | null };
  /** Indicator directions the layout states by name (Mapping.scoring.directions). */
  directions: Record<string, '正向' | '反向'>;
  analysis: { key: string; label: string; value: Slot | null }[];
  /** Labels and columns the mapping names that this sheet lacks: shown by `recon inspect`. */
  missed: string[];
  /** Addresses of formulas the file kept no result of (Sheet.uncached). */
  uncached?: string[];
}
