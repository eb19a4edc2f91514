/**
 * Published self-evaluation tables rebuilt as workbooks. A fixture under tests/fixtures/real/ gives the table as it
 * was published — its rows and columns in their order, its labels as printed, its merges and its figures, faults
 * included — and names where it was published. This module turns one into the .xlsx a department would have sent.
 */
import * as XLSX from 'xlsx';

/**
 * A cell as published. A string that is a plain number (`7`, `6.695`, `10.00`) becomes a number cell showing the same
 * decimals, `95.64%` a percent-formatted number, anything else stays text; `{ text }` forces text (a number typed
 * as text, `＝3个`), null is an empty cell (and every cell a merge covers).
 */
export type RealCell = string | number | null | { text: string };

export interface RealFault {
  /** The rule id the fault breaks (`fund.sum`, `fund.rate`, `score.total`, …). */
  rule: string;
  /** The A1 address of the wrong cell, as the fixture lays the table out. */
  cell: string | null;
  /** What is wrong, in a sentence: `执行率 100% but 6.695 ÷ 7 = 95.64%`. */
  note: string;
}

export interface RealTable {
  /** File-name-safe id: `<region>-<year>-<short>` in pinyin/ASCII. */
  id: string;
  /** Where it was published (the URL the search tool gave). */
  source: string;
  /** Province, city, county and department as published. */
  region: string;
  /** Which kind of form it is: project table, 绩效目标自评表, 部门整体支出绩效自评表. */
  kind: 'project' | 'goal-only' | 'department';
  /** The template, in words (`财预〔2020〕10号`, `四川省 2022 项目支出绩效自评表` …). */
  template: string;
  /** Sheet name to give it (the published title, shortened to ≤ 31 characters). */
  sheet: string;
  /** Row-major cells from A1. */
  rows: RealCell[][];
  /** Merged ranges (`A1:J1`). */
  merges: string[];
  /** What the table states, for assertions (as printed). Omit what the form does not have. */
  facts: {
    project?: string;
    department?: string;
    unit?: string;
    /** 全年预算数 / 执行数 of the total row, in the table's own unit, as printed. */
    budget?: string;
    executed?: string;
    /** 元 or 万元 */
    amountUnit?: '元' | '万元';
    /** Number of third-level indicator rows (预算执行率 as an indicator row counts). */
    indicators: number;
    total?: string;
  };
  /** Published faults, each at its cell: arithmetic that does not add up in the table as published. Empty when none. */
  faults: RealFault[];
  /** Anything else worth knowing: how the text extraction was turned into cells, what was guessed. */
  notes?: string;
}

const PLAIN = /^-?\d+(\.\d+)?$/;
const PERCENT = /^(-?\d+(?:\.\d+)?)%$/;

function decimalsOf(s: string): number {
  return s.includes('.') ? s.split('.')[1]!.length : 0;
}

function cellOf(v: RealCell): XLSX.CellObject | null {
  if (v === null) return null;
  if (typeof v === 'object') return { t: 's', v: v.text };
  if (typeof v === 'number') return { t: 'n', v };
  if (PLAIN.test(v)) {
    const d = decimalsOf(v);
    return d ? { t: 'n', v: Number(v), z: `0.${'0'.repeat(d)}` } : { t: 'n', v: Number(v) };
  }
  const p = PERCENT.exec(v);
  if (p) {
    const d = decimalsOf(p[1]!);
    return { t: 'n', v: Number((Number(p[1]) / 100).toPrecision(15)), z: d ? `0.${'0'.repeat(d)}%` : '0%' };
  }
  return { t: 's', v };
}

export function realSheet(t: RealTable): XLSX.WorkSheet {
  const ws: XLSX.WorkSheet = {};
  let maxC = 0;
  t.rows.forEach((row, r) => {
    row.forEach((v, c) => {
      const cell = cellOf(v);
      if (!cell) return;
      ws[XLSX.utils.encode_cell({ r, c })] = cell;
      maxC = Math.max(maxC, c);
    });
    maxC = Math.max(maxC, row.length - 1);
  });
  const merges = t.merges.map((m) => XLSX.utils.decode_range(m));
  for (const m of merges) maxC = Math.max(maxC, m.e.c);
  ws['!merges'] = merges;
  ws['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: Math.max(0, t.rows.length - 1), c: maxC } });
  return ws;
}

/** The table as the .xlsx its department would have sent. */
export function realWorkbook(t: RealTable, bookType: 'xlsx' | 'biff8' = 'xlsx'): Buffer {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, realSheet(t), t.sheet.slice(0, 31));
  return XLSX.write(wb, { type: 'buffer', bookType, bookSST: true }) as Buffer;
}
