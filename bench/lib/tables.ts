/**
 * One synthetic 项目支出绩效自评表: a design (free choices: amounts, indicators, scores), the figures derived from it
 * exactly as the rules of SPEC.md compute them (decimal.js, half-up), and at most one injected fault with the
 * findings it must raise, cell by cell.
 */
import { Decimal } from '../../src/model/decimal.js';
import { centralLayoutCells, renderCentralLayout } from '../../scripts/render-central-layout.js';
import type { RenderOptions, TableCells } from '../../scripts/render-common.js';
import { renderSeedLayout, seedLayoutCells } from '../../scripts/render-seed-layout.js';
import { ANALYSIS_LABELS } from '../../scripts/seed-tables.js';
import type { AnalysisSpec, CellSpec, TableSpec } from '../../scripts/table-spec.js';
import type { WorkSheet } from 'xlsx';
import type { Rng } from './rng.js';
import * as N from './names.js';

export type Layout = 'seed' | 'central';

/** Faults a single table can carry (batch.duplicate is a table too: a second copy of a clean one). */
export const TABLE_FAULTS = [
  'fund.sum',
  'fund.balance',
  'fund.rate',
  'fund.rate-score',
  'fund.over-execution',
  'score.weights-total',
  'score.level-weights',
  'score.level-label',
  'score.range',
  'score.total',
  'score.grade',
  'indicator.reason-missing',
  'indicator.target-not-met',
  'indicator.met-but-deducted',
  'form.required',
  'form.unit-code',
  'narrative.mismatch',
  'value.unreadable',
  'value.dirty',
  'ledger.mismatch',
  'ledger.unknown-project',
] as const;
export type TableFault = (typeof TABLE_FAULTS)[number];

/** Faults that need a column or block only the seed layout has (balance, grade, analysis texts). */
export const SEED_ONLY: ReadonlySet<string> = new Set(['fund.balance', 'score.grade', 'narrative.mismatch']);

export const SEVERITY: Record<string, 'error' | 'warning' | 'info'> = {
  'fund.sum': 'error',
  'fund.balance': 'error',
  'fund.rate': 'error',
  'fund.rate-score': 'error',
  'fund.over-execution': 'warning',
  'score.weights-total': 'error',
  'score.level-weights': 'warning',
  'score.level-label': 'error',
  'score.range': 'error',
  'score.total': 'error',
  'score.grade': 'error',
  'indicator.reason-missing': 'warning',
  'indicator.target-not-met': 'warning',
  'indicator.met-but-deducted': 'info',
  'form.required': 'error',
  'form.unit-code': 'warning',
  'narrative.mismatch': 'warning',
  'value.unreadable': 'error',
  'value.dirty': 'info',
  'ledger.mismatch': 'error',
  'ledger.missing-submission': 'warning',
  'ledger.unknown-project': 'warning',
  'batch.duplicate': 'warning',
  'file.unreadable': 'error',
  'file.unrecognized': 'error',
};

/** A finding the tool must raise; file and sheet are filled in by the corpus writer. */
export interface ExpectedAt {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  cell: string | null;
}

export interface Unit {
  deptCode: string;
  deptName: string;
  code: string;
  name: string;
}

interface FundDesign {
  label: string;
  initial: Decimal;
  budget: Decimal;
  executed: Decimal;
}

interface IndicatorDesign {
  level1: string;
  level2: string;
  level3: string;
  target: string;
  actual: string;
  weight: Decimal;
  score: Decimal;
  reason: string;
}

export interface Design {
  layout: Layout;
  project: string;
  unit: Unit;
  /** The unit code written in the table and the ledger (differs from unit.code only for form.unit-code). */
  unitCode: string;
  sources: FundDesign[];
  indicators: IndicatorDesign[];
  /** Write `产出指标（50分）`-style labels; `statedOverride` replaces one group's stated weight. */
  statedWeights: boolean;
  statedOverride: { level1: string; weight: number } | null;
  rateFixed2: boolean;
  goal: { target: string; actual: string };
  options: RenderOptions;
}

/** Every figure of a fund row as the rules compute it. */
export interface RowFigures {
  declared: Decimal;
  initial: Decimal;
  budget: Decimal;
  executed: Decimal;
  balance: Decimal;
  /** Exact executed ÷ budget × 100. */
  rateExact: Decimal;
  /** Rounded half-up to 2 decimals, as written in the table. */
  rate: Decimal;
  score: Decimal;
}

export interface Figures {
  rows: RowFigures[];
  total: Decimal;
  grade: string;
}

const D = (v: string | number | Decimal) => new Decimal(v);
const ZERO = D(0);
const HUNDRED = D(100);
const RATE_WEIGHT = D(10);

/** A Decimal as the number typed into the cell (≤ 4 decimals, so the double's shortest form is the same text). */
export function num(d: Decimal): number {
  return Number(d.toFixed());
}

/** A random amount in [min, max] with the given decimals. */
function amount(rng: Rng, min: number, max: number, decimals: number): Decimal {
  const scale = 10 ** decimals;
  return D(rng.int(Math.round(min * scale), Math.round(max * scale))).div(scale);
}

function round2(d: Decimal): Decimal {
  return d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

export function gradeOf(total: Decimal): string {
  if (total.gte(90)) return '优';
  if (total.gte(80)) return '良';
  if (total.gte(60)) return '中';
  return '差';
}

/** Splits `total` (a multiple of 5) into `parts` multiples of 5, each at least 5. */
function splitWeights(rng: Rng, total: number, parts: number): number[] {
  const out = Array.from({ length: parts }, () => 5);
  for (let left = total - 5 * parts; left > 0; left -= 5) out[rng.int(0, parts - 1)]! += 5;
  return out;
}

const CHINESE_DIGITS = '〇一二三四五六七八九';

/** `6.695` → `六点六九五`: a figure no reader can take for a number. */
export function chineseNumerals(d: Decimal): string {
  return [...d.toFixed()].map((ch) => (ch === '.' ? '点' : ch === '-' ? '负' : (CHINESE_DIGITS[Number(ch)] ?? ch))).join('');
}

function indicator(rng: Rng, level1: string, level2: string, weight: number): IndicatorDesign {
  let level3: string;
  let target: string;
  let actual: string;
  switch (level2) {
    case '数量指标': {
      const [what, unit] = rng.pick(N.COUNTS);
      const n = rng.int(3, 500);
      level3 = what;
      if (rng.chance(0.5)) {
        target = `＝${n}${unit}`;
        actual = `＝${n}${unit}`;
      } else {
        target = `≥${n}${unit}`;
        actual = `${n + rng.int(0, 20)}${unit}`;
      }
      break;
    }
    case '质量指标':
      level3 = rng.pick(N.QUALITIES);
      if (rng.chance(0.5)) {
        target = '＝100%';
        actual = '＝100%';
      } else {
        const t = rng.int(85, 98);
        target = `≥${t}%`;
        actual = `${rng.int(t, 100)}%`;
      }
      break;
    case '时效指标':
      level3 = rng.pick(N.TIMELINESS);
      target = '及时';
      actual = rng.pick(['及时', '达成预期指标']);
      break;
    case '成本指标': {
      level3 = rng.pick(N.COSTS);
      const t = rng.int(20, 900);
      target = `≤${t}万元`;
      actual = `≤${rng.int(Math.max(1, t - 50), t)}万元`;
      break;
    }
    case '社会效益指标':
      level3 = rng.pick(N.SOCIAL);
      target = rng.pick(N.QUALITATIVE_TARGETS.slice(1));
      actual = '达成预期指标';
      break;
    case '可持续影响指标':
      level3 = rng.pick(N.SUSTAIN);
      target = '长期';
      actual = '达成预期指标';
      break;
    default: {
      level3 = rng.pick(N.SATISFACTION);
      const t = rng.pick([85, 90, 95]);
      target = `≥${t}%`;
      actual = `${rng.int(t, 99)}%`;
    }
  }
  return { level1, level2, level3, target, actual, weight: D(weight), score: D(weight), reason: '' };
}

/** Makes an indicator qualitative, so that neither target rule can judge it. */
function qualitative(ind: IndicatorDesign, rng: Rng): void {
  ind.target = rng.pick(N.QUALITATIVE_TARGETS);
  ind.actual = rng.pick(['达成预期指标', '基本达成预期指标']);
}

/** A clean deduction: a reason is given, and the target is qualitative or really not met. */
function deduct(ind: IndicatorDesign, rng: Rng, big: boolean): void {
  const w = ind.weight.toNumber();
  const d = big ? amount(rng, w * 0.2, w * 0.6, 1) : D(rng.pick([0.2, 0.25, 0.5, 1, 1.5, 2])).clamp(0.1, w / 2);
  ind.score = ind.weight.minus(d);
  ind.reason = rng.pick(N.REASONS);
  if (/%$/.test(ind.target) && rng.chance(0.5)) {
    // a percentage target missed: 实际 below the target, honestly deducted
    const t = Number(/(\d+)/.exec(ind.target)?.[1] ?? 95);
    ind.target = `≥${Math.min(t, 98)}%`;
    ind.actual = `${Math.min(t, 98) - rng.int(1, 5)}%`;
  } else qualitative(ind, rng);
}

export function designTable(rng: Rng, layout: Layout, project: string, unit: Unit): Design {
  const sourceCount = rng.weighted([
    [1, 5],
    [2, 3],
    [3, 1],
  ] as const);
  const sources: FundDesign[] = [];
  for (let i = 0; i < sourceCount; i++) {
    const decimals = rng.int(2, 4);
    const budget = amount(rng, 0.5, i === 0 ? 900 : 300, decimals);
    const full = rng.chance(0.3);
    const executed = full ? budget : amount(rng, budget.toNumber() * 0.82, budget.toNumber(), rng.int(2, 4)).clamp(0, budget);
    const initial = rng.chance(0.7) ? budget : amount(rng, budget.toNumber() * 0.8, budget.toNumber() * 1.2, 2);
    sources.push({ label: N.FUND_SOURCES[i]!, initial, budget, executed });
  }

  const output: [string, number][] = [['数量指标', 1]];
  if (rng.chance(0.4)) output.push(['数量指标', 1]);
  output.push(['质量指标', 1], ['时效指标', 1]);
  if (rng.chance(0.5)) output.push(['成本指标', 1]);
  const benefit: string[] = ['社会效益指标'];
  if (rng.chance(0.5)) benefit.push('可持续影响指标');
  const ow = splitWeights(rng, 50, output.length);
  const bw = splitWeights(rng, 30, benefit.length);
  const indicators: IndicatorDesign[] = [
    ...output.map(([l2], i) => indicator(rng, N.OUT, l2, ow[i]!)),
    ...benefit.map((l2, i) => indicator(rng, N.BEN, l2, bw[i]!)),
    indicator(rng, N.SAT, '服务对象满意度指标', 10),
  ];
  const big = rng.chance(0.1);
  for (const ind of indicators) if (rng.chance(big ? 0.6 : 0.2)) deduct(ind, rng, big);

  return {
    layout,
    project,
    unit,
    unitCode: unit.code,
    sources,
    indicators,
    statedWeights: rng.chance(0.15),
    statedOverride: null,
    rateFixed2: rng.chance(0.3),
    goal: {
      target: `按计划完成${project}各项任务，资金使用规范，效益充分发挥。`,
      actual: `已按计划完成${project}各项任务，资金使用规范。`,
    },
    options: {
      offsetRows: rng.weighted([
        [0, 6],
        [1, 2],
        [2, 1],
        [3, 1],
      ] as const),
      offsetCols: rng.weighted([
        [0, 8],
        [1, 1],
        [2, 1],
      ] as const),
      noMerges: rng.chance(0.25),
      messyLabels: rng.chance(0.3),
      fullWidthNumbers: rng.chance(0.08),
      percentFractions: rng.chance(0.2),
    },
  };
}

function rowFigures(initial: Decimal, budget: Decimal, executed: Decimal): RowFigures {
  const rateExact = budget.isZero() ? ZERO : executed.div(budget).times(100);
  return {
    declared: initial,
    initial,
    budget,
    executed,
    balance: budget.minus(executed),
    rateExact,
    rate: round2(rateExact),
    score: round2(RATE_WEIGHT.times(Decimal.min(rateExact, HUNDRED)).div(100)),
  };
}

export function figures(d: Design): Figures {
  const sum = (k: 'initial' | 'budget' | 'executed') => d.sources.reduce((a, s) => a.plus(s[k]), ZERO);
  const rows = [rowFigures(sum('initial'), sum('budget'), sum('executed')), ...d.sources.map((s) => rowFigures(s.initial, s.budget, s.executed))];
  const total = d.indicators.reduce((a, i) => a.plus(i.score), ZERO).plus(rows[0]!.score);
  return { rows, total, grade: gradeOf(total) };
}

function rateCell(d: Design, rate: Decimal): CellSpec {
  return d.rateFixed2 ? { v: num(rate), z: '0.00' } : num(rate);
}

const LEVEL_WEIGHT: Record<string, number> = { [N.OUT]: 50, [N.BEN]: 30, [N.SAT]: 10 };

function level1Label(d: Design, level1: string): string {
  if (!d.statedWeights) return level1;
  const w = d.statedOverride?.level1 === level1 ? d.statedOverride.weight : LEVEL_WEIGHT[level1];
  return `${level1}（${w}分）`;
}

/** The implementation analysis: states the figures of the total row, the way submitters write them. */
function implementationText(d: Design, f: Figures, wrong: { kind: 'budget' | 'executed' | 'rate'; value: string } | null): string {
  const r = f.rows[0]!;
  const fig = (kind: 'budget' | 'executed' | 'rate', v: string) => (wrong?.kind === kind ? wrong.value : v);
  const parts = [
    `${d.project}年初预算${r.initial.toFixed()}万元`,
    `全年预算资金${fig('budget', r.budget.toFixed())}万元`,
    `实际支出${fig('executed', r.executed.toFixed())}万元`,
    `预算执行率${fig('rate', r.rate.toFixed(2))}%`,
    `结余资金${r.balance.toFixed()}万元`,
  ];
  return `${parts.join('，')}。`;
}

function analysis(d: Design, f: Figures, wrong: Parameters<typeof implementationText>[2]): AnalysisSpec[] {
  const L = ANALYSIS_LABELS;
  return [
    { label: L.budget, text: implementationText(d, f, wrong), group: 'self' },
    { label: L.output, text: '各项产出指标均按计划完成，质量符合要求。', group: 'self' },
    { label: L.benefit, text: '项目实施取得了良好的社会效益，群众获得感明显增强。', group: 'self' },
    { label: L.satisfaction, text: '经问卷调查，服务对象对项目实施情况总体满意。', group: 'self' },
    { label: L.experience, text: '加强项目全过程管理，规范资金使用。', group: 'other' },
    { label: L.problems, text: '项目前期准备时间较紧，部分环节衔接不够顺畅。', group: 'other' },
    { label: L.next, text: '进一步加强绩效目标管理，提高资金使用效益。', group: 'other' },
  ];
}

/** The TableSpec a submitter would have filled in from the design, every figure consistent. */
export function toSpec(d: Design, f: Figures, wrongText: Parameters<typeof implementationText>[2] = null): TableSpec {
  const seed = d.layout === 'seed';
  return {
    title: `${d.project}项目支出绩效自评表`,
    year: '（2022年度）',
    project: d.project,
    department: `${d.unit.deptCode}-${N.COUNTY}${d.unit.deptName}`,
    unit: `${d.unitCode}-${d.unit.name}`,
    fundBlockLabel: '项目资金预算安排及执行进度（万元）',
    funds: f.rows.map((r, i) => ({
      label: i === 0 ? '资金总额：' : d.sources[i - 1]!.label,
      declared: num(r.declared),
      initial: num(r.initial),
      budget: num(r.budget),
      executed: num(r.executed),
      balance: num(r.balance),
      rate: rateCell(d, r.rate),
      score: num(r.score),
    })),
    goal: d.goal,
    indicators: d.indicators.map((x) => ({
      level1: level1Label(d, x.level1),
      level2: x.level2,
      level3: x.level3,
      targetInitial: x.target,
      targetAdjusted: x.target,
      actual: x.actual,
      weight: num(x.weight),
      score: num(x.score),
      reason: x.reason,
    })),
    total: num(f.total),
    grade: seed ? f.grade : null,
    analysis: seed ? analysis(d, f, wrongText) : [],
    note: seed ? '备注：“全年预算数”如年初预算未调整，取预算编制数；如有调整，取调整后的预算数。' : '',
  };
}

export function render(d: Design, spec: TableSpec): WorkSheet {
  return d.layout === 'seed' ? renderSeedLayout(spec, d.options) : renderCentralLayout(spec, d.options);
}

export function cellsOf(d: Design, spec: TableSpec): TableCells {
  return d.layout === 'seed' ? seedLayoutCells(spec, d.options) : centralLayoutCells(spec, d.options);
}

/** What the ledger must say about a table: its figures, or a deliberately different one, or nothing. */
export interface LedgerPlan {
  include: boolean;
  budget: Decimal;
  executed: Decimal;
}

export interface BuiltTable {
  design: Design;
  spec: TableSpec;
  cells: TableCells;
  fault: TableFault | null;
  variant: string | null;
  expected: ExpectedAt[];
  ledger: LedgerPlan;
}

const at = (rule: string, cell: string | null): ExpectedAt => ({ rule, severity: SEVERITY[rule]!, cell });

/** A change of at least `min` with two decimals, so no rounding can hide it. */
function delta(rng: Rng, min = 1.11, max = 4.99): Decimal {
  return amount(rng, min, max, 2);
}

function fullIndicator(ind: IndicatorDesign): boolean {
  return ind.score.eq(ind.weight);
}

/** Makes an indicator full-score with a target it meets (or cannot be judged on). */
function makeFull(ind: IndicatorDesign, rng: Rng): void {
  ind.score = ind.weight;
  ind.reason = '';
  qualitative(ind, rng);
}

/**
 * Builds a table with at most one fault. Faults that change the design (weights, scores, executions) are applied
 * before the figures are derived, so everything else stays consistent; faults in one figure or text are applied
 * to the finished spec.
 */
export function buildTable(rng: Rng, d: Design, fault: TableFault | null): BuiltTable {
  const expected: ExpectedAt[] = [];
  let variant: string | null = null;
  let post: ((spec: TableSpec, f: Figures, c: () => TableCells) => void) | null = null;
  const wrongText: Parameters<typeof implementationText>[2] = null;
  const ledger = { include: true, budget: ZERO, executed: ZERO };
  let ledgerEdit: ((f: Figures) => void) | null = null;
  const pickSource = (f: Figures) => rng.int(1, f.rows.length - 1);
  const pickIndicator = (pred: (i: IndicatorDesign) => boolean = () => true) => {
    const idx = d.indicators.map((x, i) => (pred(x) ? i : -1)).filter((i) => i >= 0);
    return idx.length ? rng.pick(idx) : rng.int(0, d.indicators.length - 1);
  };
  if (fault && ['score.weights-total', 'score.level-weights', 'score.level-label'].includes(fault)) d.statedWeights = false;

  switch (fault) {
    case null:
      break;
    case 'fund.sum':
      // a source's 年初预算数 changed after the total was added up
      post = (spec, f, c) => {
        const k = pickSource(f);
        spec.funds[k]!.initial = num(f.rows[k]!.initial.plus(delta(rng, 1.11, 20)));
        expected.push(at('fund.sum', c().funds[0]!.initial));
      };
      break;
    case 'fund.balance':
      // a source row's balance miscalculated: one finding, in its row (the balance column's sum then says nothing new)
      post = (spec, f, c) => {
        const k = pickSource(f);
        spec.funds[k]!.balance = num(f.rows[k]!.balance.plus(delta(rng)));
        expected.push(at('fund.balance', c().funds[k]!.balance));
      };
      break;
    case 'fund.rate':
      post = (spec, f, c) => {
        const k = pickSource(f);
        const r = f.rows[k]!.rate;
        let wrong = r.gte(10) ? r.minus(delta(rng)) : r.plus(delta(rng));
        if (wrong.isInteger()) wrong = wrong.plus(0.01);
        spec.funds[k]!.rate = rateCell(d, wrong);
        expected.push(at('fund.rate', c().funds[k]!.rate));
      };
      break;
    case 'fund.rate-score':
      post = (spec, f, c) => {
        const k = pickSource(f);
        const s = f.rows[k]!.score;
        const dd = delta(rng, 0.51, 1.99);
        spec.funds[k]!.score = num(s.gte(2.5) ? s.minus(dd) : s.plus(dd));
        expected.push(at('fund.rate-score', c().funds[k]!.score));
      };
      break;
    case 'fund.over-execution': {
      // source 1 spends more than its budget; source 2 less, so the total stays within budget
      if (d.sources.length < 2) d.sources.push({ label: N.FUND_SOURCES[1]!, initial: D(0), budget: D(0), executed: D(0) });
      const a = d.sources[0]!;
      const b = d.sources[1]!;
      const over = amount(rng, Math.max(0.05, a.budget.toNumber() * 0.02), Math.max(0.1, a.budget.toNumber() * 0.08), 2);
      a.executed = a.budget.plus(over);
      if (b.budget.lt(over.times(3))) {
        b.budget = over.times(3).plus(amount(rng, 1, 50, 2));
        b.initial = b.budget;
      }
      b.executed = b.budget.minus(over.times(2)).toDecimalPlaces(2, Decimal.ROUND_DOWN);
      post = (_spec, _f, c) => expected.push(at('fund.over-execution', c().funds[1]!.executed));
      break;
    }
    case 'score.weights-total': {
      const i = pickIndicator(fullIndicator);
      makeFull(d.indicators[i]!, rng);
      d.indicators[i]!.weight = d.indicators[i]!.weight.plus(5);
      d.indicators[i]!.score = d.indicators[i]!.weight;
      post = (_spec, _f, c) => {
        const cells = c();
        expected.push(at('score.weights-total', cells.weightHeader), at('score.level-weights', cells.indicators[i]!.level1));
      };
      break;
    }
    case 'score.level-weights': {
      // 5 points moved from 产出 to 效益: the sum is still 90, each level is off
      const i = pickIndicator((x) => x.level1 === N.OUT && x.weight.gte(10));
      const j = pickIndicator((x) => x.level1 === N.BEN);
      for (const k of [i, j]) makeFull(d.indicators[k]!, rng);
      d.indicators[i]!.weight = d.indicators[i]!.weight.minus(5);
      d.indicators[j]!.weight = d.indicators[j]!.weight.plus(5);
      d.indicators[i]!.score = d.indicators[i]!.weight;
      d.indicators[j]!.score = d.indicators[j]!.weight;
      post = (_spec, _f, c) => expected.push(at('score.level-weights', c().indicators[i]!.level1), at('score.level-weights', c().indicators[j]!.level1));
      break;
    }
    case 'score.level-label': {
      const level = rng.pick([N.OUT, N.BEN, N.SAT]);
      d.statedWeights = true;
      d.statedOverride = { level1: level, weight: LEVEL_WEIGHT[level]! + rng.pick([-5, 5, 10]) };
      const i = d.indicators.findIndex((x) => x.level1 === level);
      post = (_spec, _f, c) => expected.push(at('score.level-label', c().indicators[i]!.level1));
      break;
    }
    case 'score.range': {
      const i = pickIndicator();
      makeFull(d.indicators[i]!, rng);
      d.indicators[i]!.score = d.indicators[i]!.weight.plus(amount(rng, 0.5, 3, 1));
      post = (_spec, _f, c) => expected.push(at('score.range', c().indicators[i]!.score));
      break;
    }
    case 'score.total':
      post = (spec, f, c) => {
        const dd = delta(rng);
        const wrong = f.total.gte(50) ? f.total.minus(dd) : f.total.plus(dd);
        spec.total = num(wrong);
        // the grade fits the total as written: only the sum is wrong
        if (spec.grade !== null) spec.grade = gradeOf(wrong);
        expected.push(at('score.total', c().total));
      };
      break;
    case 'score.grade':
      post = (spec, f, c) => {
        spec.grade = rng.pick(['优', '良', '中', '差'].filter((g) => g !== f.grade));
        expected.push(at('score.grade', c().grade));
      };
      break;
    case 'indicator.reason-missing': {
      const i = pickIndicator();
      const ind = d.indicators[i]!;
      qualitative(ind, rng);
      ind.score = ind.weight.minus(rng.pick([0.5, 1, 1.5, 2]));
      ind.reason = '';
      post = (_spec, _f, c) => expected.push(at('indicator.reason-missing', c().indicators[i]!.reason));
      break;
    }
    case 'indicator.target-not-met': {
      const i = pickIndicator();
      const ind = d.indicators[i]!;
      const t = rng.int(90, 98);
      ind.target = `≥${t}%`;
      ind.actual = `${t - rng.int(1, 6)}%`;
      ind.score = ind.weight;
      ind.reason = '';
      post = (_spec, _f, c) => expected.push(at('indicator.target-not-met', c().indicators[i]!.actual));
      break;
    }
    case 'indicator.met-but-deducted': {
      const i = pickIndicator();
      const ind = d.indicators[i]!;
      const t = rng.int(85, 95);
      ind.target = `≥${t}%`;
      ind.actual = `${t + rng.int(0, 4)}%`;
      ind.score = ind.weight.minus(rng.pick([0.2, 0.5, 1]));
      ind.reason = rng.pick(N.REASONS);
      post = (_spec, _f, c) => expected.push(at('indicator.met-but-deducted', c().indicators[i]!.score));
      break;
    }
    case 'form.required':
      if (rng.chance(0.5)) {
        variant = 'total-blank';
        post = (spec, _f, c) => {
          spec.total = null;
          expected.push(at('form.required', c().total));
        };
      } else {
        variant = 'executed-blank';
        post = (spec, _f, c) => {
          spec.funds[0]!.executed = null;
          expected.push(at('form.required', c().funds[0]!.executed));
        };
      }
      break;
    case 'form.unit-code':
      // a code outside the department's range (9xx is no department's)
      d.unitCode = `9${String(rng.int(10, 99))}${d.unit.code.slice(-3)}`;
      post = (_spec, _f, c) => expected.push(at('form.unit-code', c().unit));
      break;
    case 'narrative.mismatch': {
      const kind = rng.pick(['budget', 'executed', 'rate'] as const);
      variant = kind;
      post = (spec, f, c) => {
        const r = f.rows[0]!;
        const base = kind === 'budget' ? r.budget : kind === 'executed' ? r.executed : r.rate;
        const wrong = kind === 'rate' ? base.minus(delta(rng)).abs().toFixed(2) : base.plus(delta(rng, 1.11, 200)).toFixed(2);
        spec.analysis = analysis(d, f, { kind, value: wrong });
        expected.push(at('narrative.mismatch', c().analysis[0]!));
      };
      break;
    }
    case 'value.unreadable':
      if (rng.chance(0.5)) {
        variant = 'executed';
        post = (spec, f, c) => {
          spec.funds[0]!.executed = chineseNumerals(f.rows[0]!.executed);
          expected.push(at('value.unreadable', c().funds[0]!.executed));
        };
      } else {
        variant = 'indicator-score';
        post = (spec, _f, c) => {
          const i = rng.int(0, spec.indicators.length - 1);
          spec.indicators[i]!.score = chineseNumerals(d.indicators[i]!.score);
          expected.push(at('value.unreadable', c().indicators[i]!.score));
        };
      }
      break;
    case 'value.dirty':
      if (rng.chance(0.5)) {
        variant = 'rate';
        post = (spec, f, c) => {
          spec.funds[0]!.rate = `${f.rows[0]!.rate.toFixed(2)}%.`;
          expected.push(at('value.dirty', c().funds[0]!.rate));
        };
      } else {
        variant = 'indicator-score';
        post = (spec, _f, c) => {
          const i = rng.int(0, spec.indicators.length - 1);
          spec.indicators[i]!.score = `${d.indicators[i]!.score.toFixed()}分`;
          expected.push(at('value.dirty', c().indicators[i]!.score));
        };
      }
      break;
    case 'ledger.mismatch':
      variant = rng.pick(['budget', 'executed']);
      ledgerEdit = (f) => {
        const dd = delta(rng, 1, 50);
        if (variant === 'budget') ledger.budget = f.rows[0]!.budget.plus(dd);
        else ledger.executed = f.rows[0]!.executed.plus(dd);
      };
      post = (_spec, _f, c) => expected.push(at('ledger.mismatch', variant === 'budget' ? c().funds[0]!.budget : c().funds[0]!.executed));
      break;
    case 'ledger.unknown-project':
      ledger.include = false;
      post = (_spec, _f, c) => expected.push(at('ledger.unknown-project', c().project));
      break;
  }

  const f = figures(d);
  ledger.budget = f.rows[0]!.budget;
  ledger.executed = f.rows[0]!.executed;
  ledgerEdit?.(f);
  const spec = toSpec(d, f, wrongText);
  let cells: TableCells | null = null;
  const c = () => (cells ??= cellsOf(d, spec));
  post?.(spec, f, c);
  // geometry never depends on a fault's values, only on the numbers of rows
  return { design: d, spec, cells: c(), fault, variant, expected, ledger };
}
