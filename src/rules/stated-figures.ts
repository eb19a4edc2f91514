import { Decimal } from '../model/index.js';
import { type ProjectTable, fold } from '../model/index.js';

/**
 * Figures the analysis texts state beside their keywords. Between keyword and number only a few
 * non-numeric characters may stand (`年度预算资金7万元`, `执行率为95.64%`), never a sentence break.
 */
export interface Claim {
  kind: 'initial' | 'budget' | 'executed' | 'rate' | 'balance';
  pattern: RegExp;
}

const GAP = '[^0-9，。；,;、！!？?]{0,6}?';
// A budget keyword followed by 执行/支出/支付/结余/到位/下达 speaks of another figure (全年预算执行数6.695万元).
const BUDGET_GAP = '[^0-9，。；,;、！!？?执支付结余到下]{0,6}?';
const NUMBER = '(-?(?:\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:\\.\\d+)?))';
const AMOUNT = `${NUMBER}\\s*(万元|元)`;
const CLAIMS: Claim[] = [
  { kind: 'initial', pattern: new RegExp(`(年初预算)${BUDGET_GAP}${AMOUNT}`, 'g') },
  { kind: 'budget', pattern: new RegExp(`(全年预算|年度预算)${BUDGET_GAP}${AMOUNT}`, 'g') },
  { kind: 'executed', pattern: new RegExp(`(实际执行|实际支付|实际支出|执行数)${GAP}${AMOUNT}`, 'g') },
  { kind: 'rate', pattern: new RegExp(`(执行率)${GAP}${NUMBER}\\s*(%)`, 'g') },
  { kind: 'balance', pattern: new RegExp(`(结余|结转)${GAP}${AMOUNT}`, 'g') },
];

export interface StatedFigure {
  kind: Claim['kind'];
  phrase: string;
  value: Decimal;
  decimals: number;
  unit: string;
}

/** A text that names none of the figures (most 效益/满意度 paragraphs) is not searched five times over. */
const MAY_STATE = /[0-9０-９]/;
const KEYWORDS = /预算|执行|支付|支出|结余|结转/;

export function statedFigures(text: string): StatedFigure[] {
  if (!MAY_STATE.test(text) || !KEYWORDS.test(text)) return [];
  // A keyword broken by a space or a line break (`实际 支付`, `预算执行\n率`) is still the keyword.
  const s = fold(text).replace(/(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])/g, '');
  const out: StatedFigure[] = [];
  for (const c of CLAIMS)
    for (const m of s.matchAll(c.pattern)) {
      const num = m[2]!.replace(/,/g, '');
      out.push({ kind: c.kind, phrase: m[0].replace(/\s+/g, ''), value: new Decimal(num), decimals: num.split('.')[1]?.length ?? 0, unit: m[3]! });
    }
  return out;
}


const WAN = new Decimal(10000);

/**
 * Whether the analysis texts state an amount of this kind as `value` (in the table's unit, to the text's decimals):
 * the text is a witness of which figure a department meant (`年度预算资金7万元` beside a total of 7).
 */
export function textStates(t: ProjectTable, kind: 'budget' | 'executed', value: Decimal): boolean {
  for (const a of t.analysis) {
    if (!a.text.value) continue;
    for (const f of statedFigures(a.text.value)) {
      if (f.kind !== kind) continue;
      const inTable = f.unit === t.amountUnit ? f.value : f.unit === '元' ? f.value.div(WAN) : f.value.times(WAN);
      if (inTable.eq(value) || (f.unit === t.amountUnit && value.toDecimalPlaces(f.decimals, Decimal.ROUND_HALF_UP).eq(f.value))) return true;
    }
  }
  return false;
}
