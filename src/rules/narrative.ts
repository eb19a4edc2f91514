import { Decimal } from '../model/index.js';
import { FUND_COLUMN_NAMES, type FundColumn, type FundRow, type NumberField, type ProjectTable } from '../model/index.js';
import { asShown, plain, shown, usable } from './figures.js';
import { defineRule } from './rule.js';
import { computedRate, mainRow } from './table-access.js';
import { type Evidence, impliedAmounts, sourcesSum } from './fund-blame.js';
import { type Claim, type StatedFigure, statedFigures } from './stated-figures.js';

const TABLE_NAME: Record<Claim['kind'], string> = {
  initial: '年初预算数',
  budget: '全年预算数',
  executed: '全年执行数',
  rate: '执行率',
  balance: '资金结(转)余',
};

/** What the table says of a figure the text states: its value, how to show it, and how precisely it is known. */
interface TableFigure {
  value: Decimal;
  /** How the report shows it (made only for a figure that is reported): `95.60`, `0.305（7 − 6.695）`. */
  shown: () => string;
  /** Decimals the table shows; null when the figure is exact (an amount, or a rate computed from two amounts). */
  decimals: number | null;
  /** The table's name for it, where it is not the one the text's keyword suggests. */
  name?: string;
}

/**
 * What the table says of a figure, the first as the report shows it. A rate or balance is also what the table's
 * amounts make of it: a text that states the right 执行率 beside a wrong one in the table contradicts only the
 * table's arithmetic (fund.rate says so), and `结余0.305万元` agrees with a 0.31 that fund.balance accepts.
 */
function tableFigures(t: ProjectTable, row: FundRow, kind: Claim['kind'], ev: Evidence): TableFigure[] {
  const field = (k: FundColumn): NumberField | undefined => row.values[k];
  const reported = (f: NumberField | undefined, precise: boolean): TableFigure | null => {
    const v = usable(f);
    return v ? { value: v, shown: () => asShown(f!), decimals: precise ? null : f!.decimals } : null;
  };
  const present = (...figures: (TableFigure | null)[]) => figures.filter((f): f is TableFigure => f !== null);
  switch (kind) {
    case 'rate': {
      const rate = computedRate(row);
      const computed = rate ? { value: rate, shown: () => `${shown(rate, 2)}（${plain(usable(field('executed'))!)} ÷ ${plain(usable(field('budget'))!)} × 100）`, decimals: null } : null;
      // A rate the table shows rounded (96) stands for a text more precise than it only when nothing better is known:
      // with the amounts at hand, the text's 96.4% is checked against 95.64%, not against the rounded 96.
      return present(reported(field('rate'), !!computed), computed);
    }
    case 'initial': {
      // 年初预算 in the text, compared with the first of these the table has, and named after it.
      const col = (['initial', 'declared', 'budget'] as const).find((k) => usable(field(k)));
      const first = col ? reported(field(col), true) : null;
      return present(first ? { ...first, name: FUND_COLUMN_NAMES[col!] } : null);
    }
    case 'balance': {
      const budget = usable(field('budget'));
      const executed = usable(field('executed'));
      const left = budget && executed ? budget.minus(executed) : null;
      const computed = left ? { value: left, shown: () => `${plain(left)}（${plain(budget!)} − ${plain(executed!)}）`, decimals: null } : null;
      return present(reported(field('balance'), true), computed);
    }
    default: {
      // A text stating the amount the sources add up to, beside a wrong total (fund.sum's), is right; beside a blank
      // total (form.required's), the sources' sum is what the table says.
      const own = reported(field(kind), true);
      const implied = own ? impliedAmounts(t, row, ev)?.[kind] : row === t.funds.total && t.funds.sources.length ? sourcesSum(t, kind)?.sum : null;
      return present(own, implied ? { value: implied, shown: () => plain(implied), decimals: null } : null);
    }
  }
}

const ONE = new Decimal(1);
const WAN = new Decimal(10000);
const PER_WAN = ONE.div(WAN);

/**
 * SPEC.md's rounding rule between two figures: the text agrees when the table's figure, rounded to the text's
 * decimals, equals it; a rate the table itself shows rounded (96 for 95.64…%) also agrees with a text that is more
 * precise (95.64%) when both round alike at the table's precision.
 */
function statedAgrees(f: StatedFigure, inTable: Decimal, tableDecimals: number | null, tolerance: Decimal): boolean {
  if (inTable.eq(f.value)) return true;
  const close = (a: Decimal, b: Decimal) => a.minus(b).abs().lte(tolerance);
  if (close(inTable.toDecimalPlaces(f.decimals, Decimal.ROUND_HALF_UP), f.value)) return true;
  if (tableDecimals === null || tableDecimals >= f.decimals) return false;
  return close(f.value.toDecimalPlaces(tableDecimals, Decimal.ROUND_HALF_UP), inTable.toDecimalPlaces(tableDecimals, Decimal.ROUND_HALF_UP));
}

export const narrativeMismatch = defineRule({
  meta: {
    id: 'narrative.mismatch',
    severity: 'warning',
    title: '文字说明与表内数据不符',
    description: '分析说明中的预算、执行、执行率、结余等数字与表内数据不符',
    docs: 'Figures in the analysis text (年初/全年/年度预算…万元, 实际执行/支付/支出…万元, 执行率…%, 结余…万元) contradict the table.',
    messages: { mismatch: '分析说明称“{phrase}”，与表中{name} {table} 不符' },
  },
  check(t, ctx) {
    const row = mainRow(t);
    if (!row) return;
    for (const a of t.analysis) {
      if (!a.text.value) continue;
      for (const f of statedFigures(a.text.value)) {
        const figures = tableFigures(t, row, f.kind, ctx);
        const fig = figures[0];
        if (!fig) continue;
        // Compared in the text's own unit: 66950 元 is checked to the yuan against 6.695 万元.
        const isRate = f.kind === 'rate';
        const factor = isRate || f.unit === t.amountUnit ? ONE : f.unit === '元' ? WAN : PER_WAN;
        const same = factor === ONE;
        const tolerance = same ? ctx.params.tolerance : ctx.params.tolerance.times(factor);
        if (figures.some((g) => statedAgrees(f, same ? g.value : g.value.times(factor), same ? g.decimals : null, tolerance))) continue;
        const unit = isRate ? '%' : t.amountUnit;
        // `0.305 万元（7 − 6.695）`: the unit goes with the figure, before how it was computed.
        const [figure = '', how = ''] = fig.shown().split(/(?=（)/);
        ctx.report({
          messageId: 'mismatch',
          cell: a.text.cell,
          data: { phrase: f.phrase, name: fig.name ?? TABLE_NAME[f.kind], table: `${figure}${isRate ? '%' : ` ${unit}`}${how}` },
          expected: `${figure}${isRate ? '%' : ` ${unit}`}`,
          actual: `${plain(f.value.div(factor))}${isRate ? '%' : ` ${unit}`}`,
        });
      }
    }
  },
});

export const narrativeRules = [narrativeMismatch];
