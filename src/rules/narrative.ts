import { Decimal } from '../model/decimal.js';
import { type FundColumn, type NumberField, fold } from '../model/index.js';
import { plain, usable } from './figures.js';
import { defineRule } from './rule.js';
import { computedRate, mainRow } from './table-access.js';

/**
 * Figures the analysis texts state beside their keywords. Between keyword and number only a few
 * non-numeric characters may stand (`年度预算资金7万元`, `执行率为95.64%`), never a sentence break.
 */
interface Claim {
  kind: 'initial' | 'budget' | 'executed' | 'rate' | 'balance';
  pattern: RegExp;
}

const GAP = '[^0-9，。；,;、！!？?]{0,6}?';
const AMOUNT = '(\\d+(?:\\.\\d+)?)\\s*(万元|元)';
const CLAIMS: Claim[] = [
  { kind: 'initial', pattern: new RegExp(`(年初预算)${GAP}${AMOUNT}`, 'g') },
  { kind: 'budget', pattern: new RegExp(`(全年预算|年度预算)${GAP}${AMOUNT}`, 'g') },
  { kind: 'executed', pattern: new RegExp(`(实际执行|实际支付|实际支出|执行数)${GAP}${AMOUNT}`, 'g') },
  { kind: 'rate', pattern: new RegExp(`(执行率)${GAP}(\\d+(?:\\.\\d+)?)\\s*(%)`, 'g') },
  { kind: 'balance', pattern: new RegExp(`(结余|结转)${GAP}${AMOUNT}`, 'g') },
];

const TABLE_NAME: Record<Claim['kind'], string> = {
  initial: '年初预算数',
  budget: '全年预算数',
  executed: '全年执行数',
  rate: '执行率',
  balance: '资金结(转)余',
};

export interface StatedFigure {
  kind: Claim['kind'];
  phrase: string;
  value: Decimal;
  decimals: number;
  unit: string;
}

export function statedFigures(text: string): StatedFigure[] {
  const s = fold(text);
  const out: StatedFigure[] = [];
  for (const c of CLAIMS)
    for (const m of s.matchAll(c.pattern)) {
      const num = m[2]!;
      out.push({ kind: c.kind, phrase: m[0], value: new Decimal(num), decimals: num.split('.')[1]?.length ?? 0, unit: m[3]! });
    }
  return out;
}

export const narrativeMismatch = defineRule({
  meta: {
    id: 'narrative.mismatch',
    severity: 'warning',
    title: '文字说明与表内数据不符',
    docs: 'Figures in the analysis text (年初/全年/年度预算…万元, 实际执行/支付/支出…万元, 执行率…%, 结余…万元) contradict the table.',
    messages: { mismatch: '分析说明称“{phrase}”，与表中{name} {table}{unit} 不符' },
  },
  check(t, ctx) {
    const row = mainRow(t);
    if (!row) return;
    const field = (k: FundColumn): NumberField | undefined => row.values[k];
    const tableValue = (kind: Claim['kind']): Decimal | null => {
      if (kind === 'rate') return usable(field('rate')) ?? computedRate(row);
      if (kind === 'initial') return usable(field('initial')) ?? usable(field('declared')) ?? usable(field('budget'));
      if (kind === 'balance') {
        const b = usable(field('balance'));
        if (b) return b;
        const budget = usable(field('budget'));
        const executed = usable(field('executed'));
        return budget && executed ? budget.minus(executed) : null;
      }
      return usable(field(kind));
    };
    for (const a of t.analysis) {
      if (!a.text.value) continue;
      for (const f of statedFigures(a.text.value)) {
        const inTable = tableValue(f.kind);
        if (!inTable) continue;
        // Compare in the text's own unit and precision: 66950 元 is checked to the yuan, 95.6428…% stated as 95.64% agrees.
        const unit = f.kind === 'rate' ? '%' : t.amountUnit;
        const actual = f.kind === 'rate' || f.unit === t.amountUnit ? inTable : f.unit === '元' ? inTable.times(10000) : inTable.div(10000);
        if (actual.toDecimalPlaces(f.decimals, Decimal.ROUND_HALF_UP).eq(f.value)) continue;
        const stated = f.kind === 'rate' || f.unit === t.amountUnit ? f.value : f.unit === '元' ? f.value.div(10000) : f.value.times(10000);
        ctx.report({
          messageId: 'mismatch',
          cell: a.text.cell,
          data: { phrase: f.phrase, name: TABLE_NAME[f.kind], table: plain(inTable), unit: unit === '%' ? '%' : ` ${unit}` },
          expected: `${plain(inTable)}${unit === '%' ? '%' : unit}`,
          actual: `${plain(stated)}${unit === '%' ? '%' : unit}`,
        });
      }
    }
  },
});

export const narrativeRules = [narrativeMismatch];
