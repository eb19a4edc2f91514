import { Decimal } from '../model/index.js';
import { FUND_COLUMN_NAMES, type FundColumn, type NumberField, type ProjectTable, fold } from '../model/index.js';
import { agrees, asShown, checkFigure, plain, shown, usable } from './figures.js';
import { defineRule } from './rule.js';
import { allRows, cappedRate, computedRate, mainRow, rateOf, rateScore, rateScoredApart, rateWeight, rowName } from './table-access.js';
import { type AmountKey, blameFor, blamedCell, impliedAmounts, sourcesSum } from './fund-blame.js';

const AMOUNT_COLUMNS: FundColumn[] = ['declared', 'initial', 'budget', 'executed', 'balance'];

export const fundSum = defineRule({
  meta: {
    id: 'fund.sum',
    severity: 'error',
    title: '资金合计不符',
    description: '资金总额行的各金额等于各资金来源行之和；能判断哪一格有误时指出该格，否则请核对',
    docs: 'Per amount column, the total row equals the sum of its source rows; the wrong cell is named only where the evidence (the ledger, the figures beside it) singles it out.',
    messages: {
      sum: '{row}的{column}应为 {expected}（{terms}），表中为 {actual}',
      sumLedger: '{row}的{column}应为 {expected}（{terms}，与预算系统台账一致），表中为 {actual}',
      source: '{row}的{column}与资金总额不符，应为 {expected}（{how}），表中为 {actual}{follows}',
      sourceLedger: '{row}的{column}与资金总额不符，应为 {expected}（{how}；资金总额与预算系统台账一致），表中为 {actual}{follows}',
      sourceBlank: '{row}的{column}未填写，应为 {expected}（{how}）',
      unresolved: '{row}的{column} {actual} 与各来源行之和 {sum}（{terms}）不符，请核对资金总额与各来源行，无法判断哪一格有误',
      unresolvedLedger: '{row}的{column} {actual} 与各来源行之和 {sum}（{terms}）不符；资金总额与预算系统台账一致，请核对各来源行',
    },
  },
  check(t, ctx) {
    const total = t.funds.total;
    if (!total || t.funds.sources.length === 0) return;
    // A balance that is not its row's budget − executed is fund.balance's to report; summed, it would point at a
    // right total (a wrong source balance) or say the same twice (a wrong total balance).
    const balancesHold = allRows(t).every((r) => {
      const b = usable(r.values.budget);
      const e = usable(r.values.executed);
      const f = r.values.balance;
      if (!b || !e || !f) return true;
      // a blank balance where something is left is fund.balance's too
      if (f.state === 'empty') return b.minus(e).isZero();
      return !usable(f) || agrees(b.minus(e), f, ctx.params.tolerance);
    });
    // …and a balance total that differs because a budget or executed amount does says nothing new either.
    const amountsAdd = !blameFor(t, 'budget', ctx) && !blameFor(t, 'executed', ctx);
    const totalBlamed = [blamedCell(t, 'budget', ctx), blamedCell(t, 'executed', ctx)].some((b) => b?.row === total);
    const unit = ` ${t.amountUnit}`;
    for (const col of AMOUNT_COLUMNS) {
      if (col === 'balance' && !(balancesHold && amountsAdd)) continue;
      if (col === 'budget' || col === 'executed') {
        sumOrBlame(t, col, ctx);
        continue;
      }
      const reported = total.values[col];
      const summed = sourcesSum(t, col);
      if (!reported || !usable(reported) || !summed || agrees(summed.sum, reported, ctx.params.tolerance)) continue;
      const data = { row: rowName(total), column: FUND_COLUMN_NAMES[col], terms: summed.values.map(plain).join(' + ') };
      // A balance total is budget − executed, known once those add up: that one is the total's. Of the others nothing
      // tells whether the total or a source is wrong.
      // So is the 年初预算数 of a total the evidence already blames for its 全年预算数 or 全年执行数.
      if (col === 'balance' || totalBlamed) {
        checkFigure(ctx, { messageId: 'sum', reported, computed: summed.sum, exact: true, data, suffix: unit });
        continue;
      }
      // A source left blank where the total leaves an amount for it is the one cell that says nothing; a source the
      // evidence blames for its 全年预算数 or 全年执行数 is the one whose other amounts were copied wrong with it.
      const blanks = t.funds.sources.filter((r) => r.values[col]?.state === 'empty');
      const whole = usable(reported)!;
      const blamedSource = [blamedCell(t, 'budget', ctx), blamedCell(t, 'executed', ctx)].find((b) => b && b.row !== total)?.row;
      const suspect = blanks.length === 1 && whole.gt(summed.sum) ? blanks[0] : blamedSource;
      const takes = suspect ? whole.minus(summed.sum).plus(usable(suspect.values[col]) ?? 0) : null;
      if (suspect && takes && !takes.isNegative()) {
        const row = suspect;
        const others = t.funds.sources.filter((r) => r !== row).map((r) => usable(r.values[col]) ?? new Decimal(0));
        const how = `资金总额 ${plain(whole)}${others.map((v) => ` − ${plain(v)}`).join('')}`;
        checkFigure(ctx, {
          messageId: 'source',
          reported: row.values[col]!,
          computed: takes,
          exact: true,
          data: { ...data, row: rowName(row), how, follows: '' },
          blank: { messageId: 'sourceBlank', exact: true },
          suffix: unit,
        });
        continue;
      }
      unresolved(ctx, reported, summed.sum, { ...data, actual: asShown(reported) }, unit, 'unresolved');
    }
  },
});

type Ctx = Parameters<typeof checkFigure>[0] & { ledger: Parameters<typeof blameFor>[2]['ledger'] };

/** The figures disagree and nothing says which cell is wrong: the total's cell, no value prescribed. */
function unresolved(ctx: Ctx, reported: NumberField, sum: Decimal, data: Record<string, string>, unit: string, messageId: string): void {
  ctx.report({ messageId, cell: reported.cell, data: { ...data, sum: plain(sum) }, expected: null, actual: `${asShown(reported)}${unit}` });
}

/**
 * 全年预算数 and 全年执行数: fund.sum names the cell the evidence shows to be wrong (fund-blame.ts), or asks for the
 * figures to be checked. A source row's balance, rate and rate score that follow from its wrong amount are to be
 * corrected with it: the message says so.
 */
function sumOrBlame(t: ProjectTable, col: AmountKey, ctx: Ctx): void {
  const b = blameFor(t, col, ctx);
  if (!b) return;
  const unit = ` ${t.amountUnit}`;
  const reported = b.row.values[col]!;
  const data = { row: rowName(b.row), column: FUND_COLUMN_NAMES[col], terms: b.terms.map(plain).join(' + ') };
  if (b.kind === 'unresolved') {
    unresolved(ctx, reported, b.sum, { ...data, actual: asShown(reported) }, unit, b.ledger ? 'unresolvedLedger' : 'unresolved');
    return;
  }
  if (b.row === t.funds.total) {
    checkFigure(ctx, { messageId: b.ledger ? 'sumLedger' : 'sum', reported, computed: b.expected, exact: true, data, suffix: unit });
    return;
  }
  const how = `资金总额 ${plain(b.total ?? new Decimal(0))}${b.terms.map((v) => ` − ${plain(v)}`).join('')}`;
  // Its balance, rate and rate score were worked out from the wrong amount: they are corrected with it.
  const derived = b.derivedFollow ? (['balance', 'rate', 'score'] as const).filter((k) => usable(b.row.values[k])).map((k) => FUND_COLUMN_NAMES[k]) : [];
  checkFigure(ctx, {
    messageId: b.ledger ? 'sourceLedger' : 'source',
    reported,
    computed: b.expected,
    exact: true,
    data: { ...data, how, follows: derived.length ? `；该行的${derived.join('、')}随之改正` : '' },
    blank: { messageId: 'sourceBlank', exact: true },
    suffix: unit,
  });
}

export const fundBalance = defineRule({
  meta: {
    id: 'fund.balance',
    severity: 'error',
    title: '结余计算错误',
    description: '资金结(转)余 = 全年预算数 − 全年执行数（逐行）',
    docs: '资金结(转)余 = 全年预算数 − 全年执行数, per row.',
    messages: {
      balance: '{row}的资金结(转)余应为 {expected}（{budget} − {executed}），表中为 {actual}',
      blank: '{row}的资金结(转)余未填写，应为 {expected}（{budget} − {executed}）',
    },
  },
  check(t, ctx) {
    for (const row of allRows(t)) {
      const reported = row.values.balance;
      const budget = usable(row.values.budget);
      const executed = usable(row.values.executed);
      if (!reported || !budget || !executed) continue;
      checkFigure(ctx, {
        messageId: 'balance',
        reported,
        computed: budget.minus(executed),
        exact: true,
        data: { row: rowName(row), budget: plain(budget), executed: plain(executed) },
        blank: { messageId: 'blank', exact: true },
        suffix: ` ${t.amountUnit}`,
        alternatives: () => {
          const implied = impliedAmounts(t, row, ctx);
          return implied ? [implied.budget.minus(implied.executed)] : [];
        },
      });
    }
  },
});

/**
 * A rate written as a fraction in a cell that shows no percent (`1` or `0.9564` under 执行率, the percent format
 * lost when the workbook was copied or exported): read as 100% or 95.64%, not as 1%.
 */
function fractionAgrees(rate: Decimal, reported: NumberField, tolerance: Decimal): boolean {
  const v = usable(reported);
  if (!v || !writtenAsFraction(reported)) return false;
  // Compared as the fraction it is, at the decimals it shows: `0.9564` is 95.64%, and `0.1` is 14.46% to one decimal of
  // the fraction. A whole `1` is 100%, not any rate from 50% up: nobody rounds a rate to the whole fraction.
  if (reported.decimals === 0) return agrees(rate, { ...reported, value: v.times(100) }, tolerance);
  return agrees(rate.div(100), reported, tolerance.div(100));
}

/** A rate cell that shows a fraction of one (`0.958`, `1`), not a percentage: no % sign, and no more than 1.5. */
function writtenAsFraction(reported: NumberField): boolean {
  const v = usable(reported);
  return !!v && v.gt(0) && v.lte(1.5) && !/%/.test(fold(reported.text));
}

export const fundRate = defineRule({
  meta: {
    id: 'fund.rate',
    severity: 'error',
    title: '执行率计算错误',
    description: '执行率 = 全年执行数 ÷ 全年预算数 × 100（逐行；预算为 0 时不计）',
    docs: '执行率 = 全年执行数 ÷ 全年预算数 × 100, per row (no rate when 全年预算数 is 0).',
    messages: {
      rate: '{row}的执行率应为 {expected}%（{executed} ÷ {budget} × 100），表中为 {actual}%',
      fraction: '{row}的执行率应为 {expected}（{executed} ÷ {budget}，即 {percent}%），表中为 {actual}',
      blank: '{row}的执行率未填写，应为 {expected}%（{executed} ÷ {budget} × 100）',
    },
  },
  check(t, ctx) {
    const main = mainRow(t);
    for (const row of allRows(t)) {
      const reported = row.values.rate;
      const rate = computedRate(row);
      if (!reported || !rate) continue;
      if (fractionAgrees(rate, reported, ctx.params.tolerance)) continue;
      // A rate the table writes as a fraction (0.958) is told as a fraction, at its decimals, not as "0.958%".
      // A whole `1` is 100%, and said so.
      const whole = writtenAsFraction(reported) && reported.decimals === 0;
      const fraction = writtenAsFraction(reported) && !whole;
      const scale = fraction ? new Decimal(100) : new Decimal(1);
      const at = fraction ? { params: { tolerance: ctx.params.tolerance.div(100) }, report: ctx.report.bind(ctx) } : ctx;
      checkFigure(at, {
        messageId: fraction ? 'fraction' : 'rate',
        reported: whole ? { ...reported, value: usable(reported)!.times(100) } : reported,
        computed: rate.div(scale),
        alternatives: () => {
          const implied = impliedAmounts(t, row, ctx);
          const r = implied ? rateOf(implied.budget, implied.executed) : null;
          return [r ? r.div(scale) : null];
        },
        data: { row: rowName(row), executed: plain(usable(row.values.executed)!), budget: plain(usable(row.values.budget)!), percent: shown(rate, 2) },
        suffix: fraction ? '' : '%',
        // Only the row that stands for the project must carry a rate: templates leave it blank under 其中.
        ...(row === main ? { blank: { messageId: 'blank', exact: false } } : {}),
      });
    }
  },
});

export const fundRateScore = defineRule({
  meta: {
    id: 'fund.rate-score',
    severity: 'error',
    title: '执行率得分错误',
    description: '执行率得分 = 执行率分值 × min(执行率, 100%)（执行率单独计分的表）',
    docs: '执行率得分 = 分值 (10 unless the table says otherwise) × min(computed rate, 100%).',
    messages: {
      score: '{row}的执行率得分应为 {expected}（{weight} × {rate}%），表中为 {actual}',
      blank: '{row}的执行率得分未填写，应为 {expected}（{weight} × {rate}%）',
    },
  },
  check(t, ctx) {
    if (!rateScoredApart(t)) return;
    const weight = rateWeight(t, ctx.params).value;
    const main = mainRow(t);
    for (const row of allRows(t)) {
      const reported = row.values.score;
      const capped = cappedRate(row);
      if (!reported || !capped) continue;
      checkFigure(ctx, {
        messageId: 'score',
        reported,
        computed: rateScore(weight, capped),
        alternatives: () => {
          const implied = impliedAmounts(t, row, ctx);
          const impliedRate = implied ? rateOf(implied.budget, implied.executed) : null;
          return impliedRate ? [rateScore(weight, Decimal.min(impliedRate, 100))] : [];
        },
        data: { row: rowName(row), weight: plain(weight), rate: shown(capped, 2) },
        suffix: ' 分',
        ...(row === main ? { blank: { messageId: 'blank', exact: false } } : {}),
      });
    }
  },
});

export const fundOverExecution = defineRule({
  meta: {
    id: 'fund.over-execution',
    severity: 'warning',
    title: '超预算执行',
    description: '全年执行数超过全年预算数，须说明原因',
    docs: '全年执行数 > 全年预算数.',
    messages: { over: '{row}的全年执行数 {executed} 超过全年预算数 {budget}，请说明原因' },
  },
  check(t, ctx) {
    for (const row of allRows(t)) {
      const budget = usable(row.values.budget);
      const executed = usable(row.values.executed);
      if (!budget || !executed || !executed.gt(budget)) continue;
      ctx.report({
        messageId: 'over',
        cell: row.values.executed!.cell,
        data: { row: rowName(row), executed: plain(executed), budget: plain(budget) },
        expected: `≤ ${plain(budget)} ${t.amountUnit}`,
        actual: `${plain(executed)} ${t.amountUnit}`,
      });
    }
  },
});

export const fundRules = [fundSum, fundBalance, fundRate, fundRateScore, fundOverExecution];
