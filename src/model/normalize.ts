import type { RawTable, Slot } from '../map/index.js';
import type { FundKey } from '../map/index.js';
import { isExcelError, isNoValue, parseComparison, parseNumber, splitCodeName } from './values.js';
import { Decimal } from './decimal.js';
import { fold } from '../text/index.js';
import {
  type CodeName,
  type FundColumn,
  type FundRow,
  type IndicatorValue,
  type NumberField,
  type ProjectTable,
  type TextField,
  type ValueNote,
} from './schema.js';

/** Chinese names of the columns, for messages that say which figure is meant. */
export const FUND_COLUMN_NAMES: Record<FundColumn, string> = {
  declared: '目标申报数',
  initial: '年初预算数',
  budget: '全年预算数',
  executed: '全年执行数',
  balance: '资金结(转)余',
  rate: '执行率',
  weight: '分值',
  score: '得分',
};

function text(slot: Slot | null | undefined): TextField {
  if (!slot) return { value: null, cell: null };
  const t = slot.cell?.text.trim();
  // A cached #REF! is no project name either: what the formula pointed at is gone.
  return { value: t && !isNoValue(t) && !isExcelError(t) ? t : null, cell: slot.addr };
}

function codeName(slot: Slot | null | undefined): CodeName {
  const t = text(slot);
  if (!t.value) return { ...t, code: null, name: null };
  return { ...t, ...splitCodeName(t.value) };
}

function indicatorValue(slot: Slot | null | undefined): IndicatorValue {
  const t = text(slot);
  return { ...t, comparison: t.value ? parseComparison(t.value) : null };
}

/** What a 指标性质 cell says in signs: `正向` is “higher is better”, `反向` “lower is better”; `定性` adds nothing. */
function opSign(op: string): string {
  const s = fold(op).replace(/\s+/g, '');
  if (/^正向/.test(s)) return '≥';
  if (/^反向/.test(s)) return '≤';
  if (/^(定性|定量|其他|—|-|\/)/.test(s)) return '';
  return s;
}

/**
 * A target read as one text: the 年度指标值 cell, or a target split over 指标性质 / 指标值 / 度量单位 (`≧ | 735 | 人次`)
 * put together (`≧735人次`), pinned to the figure's cell. A 度量单位 column adds its unit to a bare figure.
 */
function splitTarget(op: Slot | undefined, value: Slot | undefined, unit: Slot | undefined): IndicatorValue {
  const v = text(value);
  if (!v.value) return indicatorValue(value ?? null);
  const sign = op ? opSign(text(op).value ?? '') : '';
  const u = text(unit).value ?? '';
  const whole = `${sign}${v.value}${u && /\d$/.test(v.value) ? u : ''}`;
  return { ...v, value: whole, comparison: parseComparison(whole) };
}

/** `指标1：培训人数` → 培训人数: the template's placeholder in front of the name a department wrote after it. */
function indicatorName(slot: Slot | null | undefined): TextField {
  const t = text(slot);
  if (!t.value) return t;
  const name = t.value.replace(/^指标\s*\d+\s*[:：]\s*/, '');
  return { ...t, value: name || null };
}

const AMOUNT_KEYS: ReadonlySet<string> = new Set(['declared', 'initial', 'budget', 'executed', 'balance']);

class Normalizer {
  readonly notes: ValueNote[] = [];

  constructor(private readonly uncached: ReadonlySet<string> = new Set()) {}

  num(slot: Slot | null | undefined, field: string, kind: 'plain' | 'percent' = 'plain', amountUnit?: '元' | '万元'): NumberField {
    if (!slot) return { value: null, state: 'absent', decimals: 0, text: '', cell: null };
    if ((!slot.cell || slot.cell.text === '') && this.uncached.has(slot.addr)) {
      // Not blank: a formula stands there, and the file kept no result of it to read.
      this.notes.push({ state: 'unreadable', uncached: true, field, cell: slot.addr, text: '', value: null });
      return { value: null, state: 'unreadable', decimals: 0, text: '', cell: slot.addr };
    }
    let p = parseNumber(slot.cell, kind);
    const t = slot.cell?.text ?? '';
    // `70000元` written into a table in 万元 (or `7万元` into one in 元): the amount in the table's unit.
    const unit = amountUnit && p.value && p.state === 'dirty' ? /(万元|元)$/.exec(fold(t).trim())?.[1] : undefined;
    if (unit && unit !== amountUnit && p.value)
      p = unit === '元' ? { ...p, value: p.value.div(10000), decimals: p.decimals + 4 } : { ...p, value: p.value.times(10000), decimals: Math.max(p.decimals - 4, 0) };
    if (p.state === 'dirty' || p.state === 'unreadable')
      this.notes.push({ state: p.state, field, cell: slot.addr, text: t, value: p.value });
    return { value: p.value, state: p.state, decimals: p.decimals, text: t, cell: slot.addr };
  }
}

/** Turns what the map stage found into the typed model; the cell-value rules of SPEC.md are applied here, once. */
export function normalize(raw: RawTable, file: string): ProjectTable {
  const n = new Normalizer(new Set(raw.uncached ?? []));
  const fundRow = (r: RawTable['fundRows'][number]): FundRow => {
    const label = text(r.label);
    const rowName = label.value ? fold(label.value).replace(/[\s:：]+/g, '') : r.kind === 'total' ? '资金总额' : '资金来源';
    const values: FundRow['values'] = {};
    for (const k of raw.fundColumns as FundKey[])
      values[k] = n.num(r.values[k], `${rowName}·${FUND_COLUMN_NAMES[k]}`, k === 'rate' ? 'percent' : 'plain', AMOUNT_KEYS.has(k) ? raw.amountUnit : undefined);
    return { kind: r.kind, label, values };
  };
  const rows = raw.fundRows.map(fundRow);
  const indicators = raw.indicators.map((ind, i) => {
    const v = ind.values;
    const level3 = indicatorName(v.level3);
    const name = level3.value ?? `第${i + 1}个指标`;
    const targetInitial = v.targetInitial ? indicatorValue(v.targetInitial) : null;
    const targetAdjusted = v.targetAdjusted ? indicatorValue(v.targetAdjusted) : null;
    const annual = v.targetValue || (v.target && v.targetUnit) ? splitTarget(v.targetOp, v.targetValue ?? v.target, v.targetUnit) : v.target ? indicatorValue(v.target) : null;
    const target = [targetAdjusted, annual, targetInitial].find((t) => t?.value) ?? targetAdjusted ?? annual ?? targetInitial ?? indicatorValue(null);
    return {
      level1: text(v.level1),
      level2: text(v.level2),
      level3,
      targetInitial,
      targetAdjusted,
      target,
      actual: indicatorValue(v.actual),
      // A weight written as a share of the hundred points (`20%`) is 20 points.
      weight: n.num(v.weight, `${name}·分值`, 'percent'),
      score: n.num(v.score, `${name}·得分`),
      reason: text(v.reason),
    };
  });
  const f = raw.fields;
  const table: ProjectTable = {
    file,
    sheet: raw.sheet,
    layout: raw.layout,
    kind: raw.kind,
    has: { project: f.project !== undefined, unit: f.unit !== undefined, total: f.total !== undefined },
    scored: raw.scored,
    rate: { scoring: raw.rate.scoring, weight: raw.rate.weight === null ? null : new Decimal(raw.rate.weight) },
    title: text(f.title),
    project: text(f.project),
    projectCode: text(f.projectCode),
    department: codeName(f.department),
    unit: codeName(f.unit),
    amountUnit: raw.amountUnit,
    funds: {
      columns: raw.fundColumns,
      total: rows.find((r) => r.kind === 'total') ?? null,
      sources: rows.filter((r) => r.kind === 'source'),
    },
    goal: { target: text(raw.goal.target), actual: text(raw.goal.actual) },
    indicatorColumns: raw.indicatorColumns,
    indicatorHeaders: { ...raw.indicatorHeaders },
    indicators,
    total: n.num(f.total, '总分'),
    weightTotal: raw.weightTotal ? n.num(raw.weightTotal, '分值合计') : null,
    grade: f.grade === undefined ? null : text(f.grade),
    analysis: raw.analysis.map((a) => ({ key: a.key, label: a.label, text: text(a.value) })),
    notes: n.notes,
    directions: raw.directions,
  };
  // Built field by field under the schema's own type; tests/read check it against the zod schema, which a
  // per-table parse here repeated at a tenth of the audit's time.
  return table;
}
