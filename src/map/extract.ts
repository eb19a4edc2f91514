import { type Cell, type Sheet, a1 } from '../read/index.js';
import { fold, normLabel } from '../text/index.js';
import { LabelIndex } from './labels.js';
import type { Field, FundKey, IndicatorKey, LabelField, Mapping } from './schema.js';
import type { RawFundRow, RawIndicator, RawTable, RateScoring, Slot } from './raw.js';
import { UNIT_NOTE, amountUnitNote, statedUnitAbove } from './units.js';
import { fundHeader, indicatorHeader } from './blocks.js';
import { COMMON_FORM_LABELS } from './vocabulary.js';

const MAX_BLOCK_ROWS = 300;
/** How far from the block's required columns an optional one may stand. */
const NEAR_COLUMNS = 5;

/** What a table cannot do without; `inspect` marks the rest of what it did not find as optional. */
const REQUIRED_FIELDS = new Set(['project', 'department', 'unit', 'total']);
const REQUIRED_FUND_COLUMNS: ReadonlySet<string> = new Set(['budget', 'executed']);
const REQUIRED_INDICATOR_COLUMNS: ReadonlySet<string> = new Set(['level3']);
/** The indicator block's own columns, by which a column further out is judged another table's. */
const CORE_INDICATOR_COLUMNS: ReadonlySet<string> = new Set(['level3', 'weight', 'score', 'target', 'targetValue', 'targetAdjusted', 'actual']);
const OPTIONAL = '（可选）';
/** Fields that hold a code and a name. */
const CODE_NAME_FIELDS = new Set(['department', 'unit']);
/** Columns that hold an indicator's figures: a row with none of them and no name is a spacer or a group's label. */
const FIGURE_KEYS: IndicatorKey[] = ['weight', 'score', 'target', 'targetValue', 'targetInitial', 'targetAdjusted', 'actual'];
const ZERO = /^\s*0+(?:\.0+)?\s*$/;
/** Words and a colon where an amount belongs: `按支出性质分:`, `其中:基本支出:1768.16万元`. */
const WORDED = /[\u4e00-\u9fff][^:：\d]{0,30}[:：]/;
/** A label that carries its own amount: `其他资金:2880万元`. */
const AMOUNT_IN_LABEL = /[:：]\s*\d[\d,]*(?:\.\d+)?\s*(?:万元|元)?\s*$/;
/** A template's unfilled row: `指标1：`, `指标2:`, `……`, `...`. */
const PLACEHOLDER = /^(?:指标\d+[:：]?|[…⋯.。·]+)$/;

const hasText = (c: Cell | undefined): c is Cell => !!c && c.text.trim() !== '';
/** A cell that reads as a figure (`98.76`, `１００`, `96分`), not as words. */
const FIGURE = /^\s*[+-]?[\d０-９]+(?:[.．][\d０-９]+)?\s*分?\s*$/;

/** A row whose every filled cell of the block's columns is a unit note: `（万元） （%） （分）`. */
function isUnitsRow<K extends string>(values: Partial<Record<K, Slot>>, keys: K[]): boolean {
  const texts = keys.map((k) => values[k]?.cell?.text.trim() ?? '').filter((t) => t !== '');
  return texts.length > 0 && texts.every((t) => UNIT_NOTE.test(fold(t)));
}

/** Every label a mapping names, and the common ones: a value scan stops when it reaches one. */
function allLabels(m: Mapping): string[] {
  const out: string[] = [...COMMON_FORM_LABELS];
  for (const alts of Object.values(m.fields)) for (const f of alts ?? []) if (f.take !== 'self') out.push(...f.labels);
  for (const f of Object.values(m.analysis)) out.push(...f.labels);
  out.push(...m.funds.totalRow, ...m.funds.end, ...m.indicators.end);
  if (m.goal) out.push(...m.goal.header);
  return out;
}

/** The cell the reader should look at for (r, c): the top-left of a merge that starts in this row, or the own cell. */
function slotAt(sheet: Sheet, r: number, c: number, fromAbove = false): Slot {
  const m = sheet.mergeAt(r, c);
  // A merge that starts left of this column belongs to another column (a goal text spanning B:F is not column C's).
  if (m && m.s.c === c && (m.s.r === r || fromAbove)) return { addr: a1(m.s.r, m.s.c), cell: sheet.own(m.s.r, m.s.c) };
  if (m) return { addr: a1(r, c), cell: undefined };
  return { addr: a1(r, c), cell: sheet.own(r, c) };
}

class Extractor {
  private readonly idx: LabelIndex;
  private readonly stops: string[];
  readonly missed: string[] = [];
  /** `funds.budget` → column index, filled as the blocks are found; fields may refer to them. */
  readonly blockColumns = new Map<string, number>();
  /** Per block (`funds`, `indicators`), the first and last row of its header. */
  private readonly blockTops = new Map<string, number>();
  private readonly blockBottoms = new Map<string, number>();
  /** Cells a field has been read from: the next field on the row (the grade beside 总分) takes the next one. */
  private readonly taken = new Set<string>();
  private fundAnchorText: string | undefined;

  constructor(
    private readonly sheet: Sheet,
    private readonly m: Mapping,
    idx: LabelIndex,
  ) {
    this.idx = idx;
    this.stops = allLabels(m);
  }

  private endCol(cell: Cell): number {
    return this.sheet.mergeAt(cell.r, cell.c)?.e.c ?? cell.c;
  }
  private endRow(cell: Cell): number {
    return this.sheet.mergeAt(cell.r, cell.c)?.e.r ?? cell.r;
  }

  /**
   * A field by the first of its ways that finds its label: undefined when the layout has no such field, null when
   * none of its labels is on the sheet.
   */
  field(name: string, alts: Field | undefined): Slot | null | undefined {
    if (!alts) return undefined;
    for (const f of alts) {
      const slot = this.placeField(name, f);
      if (slot) {
        this.taken.add(slot.addr);
        return slot;
      }
    }
    const labels = [...new Set(alts.flatMap((f) => f.labels))];
    this.missed.push(`${name}: ${labels.join(' / ')}${REQUIRED_FIELDS.has(name) ? '' : OPTIONAL}`);
    return null;
  }

  /** Where a field's label may stand: below its block's header (总分 under 得分), or above a block (a total at the top). */
  private placement(f: LabelField): ((c: Cell) => boolean) | undefined {
    const bottom = f.column ? this.blockBottoms.get(f.column.split('.')[0]!) : undefined;
    const top = f.above ? this.blockTops.get(f.above) : undefined;
    if (bottom === undefined && top === undefined) return undefined;
    return (c: Cell) => (bottom === undefined || c.r > bottom) && (top === undefined || c.r < top);
  }

  private placeField(name: string, f: LabelField): Slot | null {
    // A field under a block's column (总分 under 得分) is labelled below that block's header: an indicator header
    // named 自评得分 is not the 自评得分 row.
    const where = this.placement(f);
    if (f.above && !this.blockTops.has(f.above)) return null;
    const label = this.idx.find(f.labels, f.match, where);
    if (!label) {
      // `项目名称：xxx` in one cell: the value is the rest of the label's own cell, unless the field's column holds it
      // (`总分：98.76 … 优`: the grade stands under its column), or the field is a later value of that row.
      const inline = f.take === 'self' ? undefined : this.idx.findInline(f.labels, where);
      if (inline) {
        const under = this.underColumn(f, inline.cell);
        if (under && hasText(under.cell)) return under;
        if (f.nth === 1) return { addr: inline.cell.addr, cell: { ...inline.cell, raw: inline.value, text: inline.value } };
      }
      return null;
    }
    if (f.take === 'self') return { addr: label.addr, cell: label };
    const under = this.underColumn(f, label);
    // The total is a figure: words under its column (the grade) with a figure beside the label leave it that figure.
    const words = name === 'total' && under && hasText(under.cell) && !FIGURE.test(under.cell.text) && this.figureBeside(label);
    if (under && !words) return under;
    const s = this.sheet;
    const along = f.take === 'right';
    const first = along ? this.endCol(label) + 1 : this.endRow(label) + 1;
    const limit = along ? s.colCount : Math.min(s.rowCount, first + 20);
    let seen = 0;
    let next = first;
    for (let i = first; i < limit; i++) {
      const cell = along ? s.own(label.r, i) : s.own(i, label.c);
      if (!hasText(cell)) continue;
      if (this.idx.isLabel(cell, this.stops) || this.idx.startsWithLabel(cell, this.stops)) break;
      seen++;
      if (seen === f.nth) return CODE_NAME_FIELDS.has(name) && along ? this.withNameAfterCode(cell, limit) : { addr: cell.addr, cell };
      next = (along ? this.endCol(cell) : this.endRow(cell)) + 1;
    }
    // Empty: point at where the value belongs, so a missing value is still pinned to a cell. Without merges the
    // cell right of the label is often a spacer: the value belongs where the neighbouring fields' values stand.
    const sibling = along && f.nth === 1 ? this.siblingValueColumn(name, label) : null;
    const pos = sibling ?? (f.nth === 1 ? first : next);
    if (pos >= (along ? Math.max(s.colCount, first + 1) : s.rowCount + 1)) return { addr: a1(label.r, first), cell: undefined };
    return along ? slotAt(s, label.r, pos) : slotAt(s, pos, label.c);
  }

  /**
   * Whether the first value right of a label is a figure: `总分(100分) | 100 | 自评等级 | 优`, where the cell under the
   * 得分 column holds the grade, the total stands beside its label.
   */
  private figureBeside(label: Cell): boolean {
    for (let c = this.endCol(label) + 1; c < this.sheet.colCount; c++) {
      const cell = this.sheet.own(label.r, c);
      if (!hasText(cell)) continue;
      return !this.idx.isLabel(cell, this.stops) && FIGURE.test(cell.text);
    }
    return false;
  }

  /**
   * Where the values of the other fields labelled in the same column (项目名称 above 主管部门) stand, right of this
   * label: the column of the first such value found; null when none.
   */
  private siblingValueColumn(name: string, label: Cell): number | null {
    const labelEnd = this.endCol(label);
    for (const [other, alts] of Object.entries(this.m.fields) as [string, Field | undefined][]) {
      const f = alts?.[0];
      if (!f || other === name || f.take !== 'right' || f.column) continue;
      const cell = this.idx.find(f.labels, f.match, (c) => c.c === label.c && c.r !== label.r);
      if (!cell) continue;
      for (let c = this.endCol(cell) + 1; c < this.sheet.colCount; c++) {
        const v = this.sheet.own(cell.r, c);
        if (!hasText(v)) continue;
        if (this.idx.isLabel(v, this.stops) || c <= labelEnd) break;
        return c;
      }
    }
    return null;
  }

  /**
   * The cell in the label's row under the field's block column, right of the label. A merge over that column that
   * starts further left but right of the label is the value's (总分 98.76 merged over 分值 and 得分); one another
   * field was read from (the total merged over 得分 and the grade's column) leaves this field the next cell on.
   */
  private underColumn(f: LabelField, label: Cell): Slot | null {
    const c = f.column ? this.blockColumns.get(f.column) : undefined;
    const labelEnd = this.endCol(label);
    if (c === undefined || c <= labelEnd) return null;
    const r = label.r;
    const m = this.sheet.mergeAt(r, c);
    const slot = m && m.s.r === r && m.s.c > labelEnd ? { addr: a1(r, m.s.c), cell: this.sheet.own(r, m.s.c) } : slotAt(this.sheet, r, c);
    if (!this.taken.has(slot.addr)) return slot;
    for (let i = (m?.e.c ?? c) + 1; i < this.sheet.colCount; i++) {
      const cell = this.sheet.own(r, i);
      if (hasText(cell)) return this.idx.isLabel(cell, this.stops) ? null : { addr: cell.addr, cell };
    }
    return null;
  }

  /** `007` in one cell and the name in the next (`007 | 中国共产党…`): read as `007-中国共产党…`, pinned to the code. */
  private withNameAfterCode(cell: Cell, limit: number): Slot {
    if (!/^\s*\d{2,}\s*$/.test(cell.text)) return { addr: cell.addr, cell };
    for (let c = this.endCol(cell) + 1; c < limit; c++) {
      const name = this.sheet.own(cell.r, c);
      if (!hasText(name)) continue;
      if (this.idx.isLabel(name, this.stops) || /^\s*\d/.test(name.text)) break;
      const text = `${cell.text.trim()}-${name.text.trim()}`;
      return { addr: cell.addr, cell: { ...cell, raw: text, text } };
    }
    return { addr: cell.addr, cell };
  }

  /**
   * Finds a block's columns by header synonyms within a few rows from `top`, or a row or two above it when nothing
   * stands between the header and `top` (执行率 merged down beside a 全年执行情况 group title over 全年预算数…);
   * returns them and the header's last row.
   */
  private columns<K extends string>(
    block: string,
    cols: Partial<Record<K, string[]>>,
    top: number,
    depth: number,
    required: ReadonlySet<string>,
    core: ReadonlySet<string> = required,
  ) {
    const found: Partial<Record<K, number>> = {};
    const headers: Partial<Record<K, string>> = {};
    let bottom = top;
    let first = top;
    const inHeader = (c: Cell) => (c.r >= top && c.r < top + depth) || (c.r < top && c.r >= top - 2 && this.reachesDown(c, top));
    for (const [key, labels] of Object.entries(cols) as [K, string[]][]) {
      const cell = this.idx.find(labels, 'exact', inHeader);
      if (!cell) {
        this.missed.push(`${block}.${key}: ${labels.join(' / ')}${required.has(key) ? '' : OPTIONAL}`);
        continue;
      }
      found[key] = cell.c;
      headers[key] = cell.addr;
      bottom = Math.max(bottom, this.endRow(cell));
      first = Math.min(first, cell.r);
    }
    // An optional column is the block's only near its core ones: a small table of its own to the right of the
    // form (`得分 | 分值` / `总分 | 100`) lends no 分值 column to the fund block.
    const req = Object.entries(found).filter(([k]) => core.has(k)).map(([, c]) => c as number);
    if (req.length) {
      const lo = Math.min(...req) - NEAR_COLUMNS;
      const hi = Math.max(...req) + NEAR_COLUMNS;
      for (const [k, c] of Object.entries(found) as [K, number][])
        if (!core.has(k) && (c < lo || c > hi)) {
          delete found[k];
          this.missed.push(`${block}.${k}: ${cols[k]!.join(' / ')}${OPTIONAL}（离表格太远，未采用）`);
        }
    }
    this.blockTops.set(block, first);
    this.blockBottoms.set(block, bottom);
    for (const k of Object.keys(headers) as K[]) if (found[k] === undefined) delete headers[k];
    return { found, bottom, headers };
  }

  /** Whether a header cell above row `top` stands over it: merged down to it, or with only blank cells between. */
  private reachesDown(cell: Cell, top: number): boolean {
    for (let r = this.endRow(cell) + 1; r <= top; r++) if (hasText(this.sheet.own(r, cell.c)) || this.sheet.mergeAt(r, cell.c)) return false;
    return true;
  }

  /** The row's label: the nearest own text cell left of the first data column (a block label merged down is not own). */
  private rowLabel(r: number, firstDataCol: number, anchor: Cell | undefined): Slot {
    for (let c = firstDataCol - 1; c >= 0; c--) {
      const cell = this.sheet.own(r, c);
      if (hasText(cell) && cell !== anchor) return { addr: cell.addr, cell };
    }
    return { addr: a1(r, Math.max(0, firstDataCol - 1)), cell: undefined };
  }

  /** A fund block written as labelled values: one total row of the amounts found, pinned to their cells. */
  private fundValues(values: NonNullable<Mapping['funds']['values']>): Pick<RawTable, 'fundAnchor' | 'amountUnit' | 'fundColumns' | 'fundRows'> {
    const f = this.m.funds;
    const row: Partial<Record<FundKey, Slot>> = {};
    let label: Slot | null = null;
    for (const [k, field] of Object.entries(values) as [FundKey, LabelField][]) {
      const slot = this.field(`funds.${k}`, [field]);
      if (!slot) continue;
      row[k] = slot;
      label ??= { addr: slot.addr, cell: undefined };
    }
    const keys = Object.keys(row) as FundKey[];
    const anchor = f.anchor ? this.idx.find(f.anchor.labels, f.anchor.match) : undefined;
    const texts = [anchor?.text, ...keys.map((k) => row[k]?.cell?.text)].map((t) => fold(t ?? '')).join(' ');
    const amountUnit = /万元/.test(texts) ? '万元' : /元/.test(texts) ? '元' : (statedUnitAbove(this.sheet, this.sheet.rowCount) ?? f.defaultUnit);
    return {
      fundAnchor: anchor ? { addr: anchor.addr, cell: anchor } : null,
      amountUnit,
      fundColumns: keys,
      fundRows: label ? [{ kind: 'total', label, values: row }] : [],
    };
  }

  funds(): Pick<RawTable, 'fundAnchor' | 'amountUnit' | 'fundColumns' | 'fundRows'> {
    const f = this.m.funds;
    if (f.values) return this.fundValues(f.values);
    const budgetHeader = fundHeader(this.m, this.idx);
    const empty = { fundAnchor: null, amountUnit: f.defaultUnit, fundColumns: [], fundRows: [] };
    if (!budgetHeader) {
      this.missed.push(`funds: ${f.columns.budget!.join(' / ')}`);
      return empty;
    }
    const top = budgetHeader.r;
    const { found, bottom } = this.columns<FundKey>('funds', f.columns, top, 3, REQUIRED_FUND_COLUMNS);
    const keys = Object.keys(found) as FundKey[];
    for (const k of keys) this.blockColumns.set(`funds.${k}`, found[k]!);
    const firstDataCol = Math.min(...keys.map((k) => found[k]!));
    // The block's own label stands beside or above its header, never below its rows: the last one before the header ends.
    const anchor = f.anchor ? this.idx.findAll(f.anchor.labels, f.anchor.match, (c) => c.r <= bottom && c.c < firstDataCol).pop() : undefined;
    this.fundAnchorText = anchor?.text;
    // The block ends where the goal block or the indicators begin, whichever label of theirs comes first.
    const g = this.m.goal;
    const endLabels = [...f.end, ...(g ? [...g.header, ...g.columns.target, ...g.columns.actual] : []), ...(this.m.indicators.columns.level1 ?? [])];
    const rows: RawFundRow[] = [];
    let blank = 0;
    let statedInRow: '元' | '万元' | undefined;
    for (let r = bottom + 1; r < Math.min(this.sheet.rowCount, bottom + 1 + MAX_BLOCK_ROWS); r++) {
      if (this.rowHas(r, endLabels)) break;
      const label = this.rowLabel(r, firstDataCol, anchor);
      const values: Partial<Record<FundKey, Slot>> = {};
      for (const k of keys) values[k] = slotAt(this.sheet, r, found[k]!);
      const anyValue = keys.some((k) => hasText(values[k]!.cell));
      if (!label.cell && !anyValue) {
        // One blank row inside the block is a spacer; two end it.
        if (rows.length && ++blank >= 2) break;
        continue;
      }
      blank = 0;
      // A row of units under the header (（万元） （%） （分）) is part of the header.
      if (!label.cell && isUnitsRow(values, keys)) {
        statedInRow ??= keys.map((k) => amountUnitNote(values[k]?.cell?.text ?? '')).find((u) => u !== null) ?? undefined;
        continue;
      }
      const kind = label.cell && this.idx.isLabel(label.cell, f.totalRow) ? 'total' : 'source';
      // A breakdown written out in words (`按支出性质分:` / `其中:基本支出:1768.16万元` where amounts belong, or
      // `其他资金:2880万元` as the label of an empty row): notes on the total, not a source row with amounts (永州市零陵区 2021).
      if (kind === 'source' && (keys.some((k) => WORDED.test(values[k]?.cell?.text ?? '')) || (!anyValue && AMOUNT_IN_LABEL.test(fold(label.cell?.text ?? ''))))) continue;
      // and its headings, a label and a colon over nothing (`政府性基金拨款:`)
      if (kind === 'source' && !anyValue && /[:：]\s*$/.test(label.cell?.text ?? '')) continue;
      rows.push({ kind, label, values });
    }
    const executedHeader = found.executed === undefined ? '' : (this.sheet.own(top, found.executed)?.text ?? '');
    const unitText = fold(anchor?.text ?? '') + fold(budgetHeader.text) + fold(executedHeader);
    // a unit stated on its own above the fund block or in its header rows
    const amountUnit = /万元/.test(unitText) ? '万元' : /\(元\)|元/.test(unitText) ? '元' : (statedInRow ?? statedUnitAbove(this.sheet, bottom + 1) ?? f.defaultUnit);
    return {
      fundAnchor: anchor ? { addr: anchor.addr, cell: anchor } : null,
      amountUnit,
      fundColumns: keys,
      fundRows: rows,
    };
  }

  goal(): RawTable['goal'] {
    const g = this.m.goal;
    if (!g) return { target: null, actual: null };
    const header = this.idx.find(g.header);
    if (!header) {
      this.missed.push(`goal: ${g.header.join(' / ')}${OPTIONAL}`);
      return { target: null, actual: null };
    }
    const below = (labels: string[]): Slot | null => {
      const h = this.idx.find(labels, 'exact', (c) => c.r >= header.r && c.r <= this.endRow(header));
      if (!h) {
        this.missed.push(`goal: ${labels.join(' / ')}${OPTIONAL}`);
        return null;
      }
      return slotAt(this.sheet, this.endRow(h) + 1, h.c);
    };
    return { target: below(g.columns.target), actual: below(g.columns.actual) };
  }

  indicators(): Pick<RawTable, 'indicatorColumns' | 'indicators' | 'indicatorHeaders' | 'scored'> {
    const t = this.m.indicators;
    const anchor = indicatorHeader(this.m, this.idx);
    if (!anchor) {
      this.missed.push(`indicators: ${t.columns.level3!.join(' / ')}`);
      return { indicatorColumns: [], indicators: [], indicatorHeaders: {}, scored: false };
    }
    const { found, bottom, headers } = this.columns<IndicatorKey>('indicators', t.columns, anchor.r, 2, REQUIRED_INDICATOR_COLUMNS, CORE_INDICATOR_COLUMNS);
    // A target split over 指标性质 / 指标值 / 度量单位: 年度指标值 is the title over the three, not a column of its own.
    if (found.targetOp !== undefined && found.targetValue !== undefined) {
      delete found.target;
      delete headers.target;
    } else {
      delete found.targetOp;
      delete headers.targetOp;
      if (found.target !== undefined || found.targetAdjusted !== undefined || found.targetInitial !== undefined) {
        // 指标值 is a synonym of the split layout's middle column; beside a whole target column it is that column.
        if (found.targetValue === found.target) delete found.targetValue;
      }
    }
    const keys = Object.keys(found) as IndicatorKey[];
    for (const k of keys) this.blockColumns.set(`indicators.${k}`, found[k]!);
    const out: RawIndicator[] = [];
    const carry: Partial<Record<IndicatorKey, Slot>> = {};
    for (let r = bottom + 1; r < Math.min(this.sheet.rowCount, bottom + 1 + MAX_BLOCK_ROWS); r++) {
      if (this.rowHas(r, t.end)) break;
      const values: Partial<Record<IndicatorKey, Slot>> = {};
      for (const k of keys) {
        const grouped = k === 'level1' || k === 'level2';
        let slot = slotAt(this.sheet, r, found[k]!, grouped);
        // Merged 一级/二级 cells and their unmerged copies (blank below the first row) both mean "same as above".
        if (grouped && !hasText(slot.cell) && carry[k]) slot = carry[k]!;
        values[k] = slot;
      }
      const filled = (k: IndicatorKey) => hasText(values[k]?.cell);
      const figures = FIGURE_KEYS.some(filled);
      if (!filled('level3') && !figures) continue;
      // A template's row left as it came (`指标2：` with nothing in it) is no indicator.
      if (!figures && PLACEHOLDER.test(normLabel(values.level3!.cell!.text))) continue;
      // A breakdown of the indicator above (`其中桃树种植面积` under `★补助各类瓜果蔬菜种植面积`), with its own target and
      // actual value but no 分值 or 得分 of its own: part of that indicator, not one to weigh (萧县 2023).
      if (keys.includes('score') && filled('level3') && !filled('weight') && !filled('score') && /^其中/.test(normLabel(values.level3!.cell!.text))) continue;
      // A category the unit did not use: its 二级 label and a 0 under 得分, no indicator, no value, no 分值 (霍邱县 2022).
      if (!filled('level3') && FIGURE_KEYS.every((k) => k === 'score' || !filled(k)) && ZERO.test(values.score?.cell?.text ?? '')) continue;
      // The header again, over a second block of targets (`年度绩效目标2(40分) | 一级指标 | … | 得分`).
      if (filled('level3') && this.idx.isLabel(values.level3!.cell!, t.columns.level3!)) continue;
      // A row of units under the header (（分） under 分值 and 得分) is part of the header.
      if (!filled('level3') && isUnitsRow(values, keys)) continue;
      // A 小计 row sums a group, a 合计 row the table (its label merged across the level columns): no indicators.
      if (this.rowHas(r, t.skipRows)) continue;
      if (values.level1 && filled('level1') && values.level1.addr !== carry.level1?.addr) {
        carry.level1 = values.level1;
        // A new 一级 group starts its own 二级 groups: nothing is carried over from the last one.
        if (!filled('level2') && values.level2 === carry.level2) values.level2 = slotAt(this.sheet, r, found.level2!);
        carry.level2 = undefined;
      }
      if (values.level2 && filled('level2')) carry.level2 = values.level2;
      out.push({ values });
    }
    return { indicatorColumns: keys, indicators: out, indicatorHeaders: headers, scored: keys.includes('score') };
  }

  /**
   * The rate's 分值 as the fund block's labels state it: `得分(20分*执行率)` over the rate score, or the block's own
   * label `预算执行情况(万元)(20分)`.
   */
  private statedRateWeight(): number | null {
    const texts = [this.fundHeaderText('score'), this.fundHeaderText('weight'), this.fundAnchorText].filter((t): t is string => !!t);
    for (const t of texts) {
      const m = /\((\d+(?:\.\d+)?)分/.exec(fold(t).replace(/\s+/g, ''));
      if (m) return Number(m[1]);
    }
    return null;
  }

  private fundHeaderText(k: FundKey): string | undefined {
    const c = this.blockColumns.get(`funds.${k}`);
    const top = this.blockTops.get('funds');
    const bottom = this.blockBottoms.get('funds');
    if (c === undefined || top === undefined || bottom === undefined) return undefined;
    for (let r = top - 2; r <= bottom; r++) {
      const cell = r >= 0 ? this.sheet.at(r, c) : undefined;
      if (cell && /分/.test(cell.text)) return cell.text;
    }
    return undefined;
  }

  /** How the execution rate is scored here (Mapping.scoring). */
  rate(fundColumns: FundKey[], indicators: RawIndicator[]): RawTable['rate'] {
    const s = this.m.scoring;
    const weight = typeof s.rateWeight === 'number' ? s.rateWeight : this.statedRateWeight();
    if (s.rateWeight === null) return { scoring: 'none', weight: null };
    const separate = fundColumns.includes('score') || fundColumns.includes('weight');
    // 预算执行率 as an indicator's own name (`预算执行率`, `预算执行率(%)`), not an indicator of some other rate
    // (`收购价格执行率`).
    const asIndicator = indicators.some((ind) => {
      const cell = ind.values.level3?.cell;
      return !!cell && this.idx.isLabel(cell, s.rateIndicator);
    });
    const scoring: RateScoring = separate || typeof s.rateWeight === 'number' ? 'separate' : asIndicator ? 'indicator' : 'none';
    return { scoring, weight };
  }

  /**
   * The cell under an indicator column in the total's row, below the indicators (`总分 | … | 100 | 94.85`: the 分值
   * total beside the 得分 total); null when the total is stated elsewhere or the column is not there.
   */
  besideTotal(total: Slot, key: IndicatorKey): Slot | null {
    const c = this.blockColumns.get(`indicators.${key}`);
    const bottom = this.blockBottoms.get('indicators');
    const r = Number(/\d+$/.exec(total.addr)![0]) - 1;
    if (c === undefined || bottom === undefined || r <= bottom) return null;
    const slot = slotAt(this.sheet, r, c);
    return slot.addr === total.addr ? null : slot;
  }

  /** Whether a row holds one of the labels, alone in its cell or followed by a colon and a value (`审核人：李四`). */
  private rowHas(r: number, labels: string[]): boolean {
    for (let c = 0; c < this.sheet.colCount; c++) {
      const cell = this.sheet.own(r, c);
      if (hasText(cell) && (this.idx.isLabel(cell, labels) || this.idx.startsWithLabel(cell, labels))) return true;
    }
    return false;
  }

  analysis(): RawTable['analysis'] {
    return Object.entries(this.m.analysis).map(([key, f]) => ({
      key,
      label: normLabel(f.labels[0]!),
      value: this.field(`analysis.${key}`, [f]) ?? null,
    }));
  }
}

/** Reads one sheet through one mapping. The sheet has been matched to the mapping already. */
export function extract(sheet: Sheet, m: Mapping, idx = new LabelIndex(sheet)): RawTable {
  const x = new Extractor(sheet, m, idx);
  // Blocks first: fields may be placed under their columns.
  const funds = x.funds();
  const indicators = x.indicators();
  const fields: RawTable['fields'] = {};
  for (const [k, f] of Object.entries(m.fields) as [keyof Mapping['fields'], Field | undefined][]) {
    // A form with no scores has no 总分 or grade to miss.
    if ((k === 'total' || k === 'grade') && !indicators.scored) continue;
    const slot = x.field(k, f);
    if (slot !== undefined) fields[k] = slot;
  }
  return {
    sheet: sheet.name,
    layout: m.id,
    kind: m.kind,
    fields,
    weightTotal: fields.total ? x.besideTotal(fields.total, 'weight') : null,
    ...funds,
    goal: x.goal(),
    ...indicators,
    rate: x.rate(funds.fundColumns, indicators.indicators),
    directions: m.scoring.directions,
    analysis: x.analysis(),
    missed: x.missed,
    ...(sheet.uncached?.size ? { uncached: [...sheet.uncached] } : {}),
  };
}
