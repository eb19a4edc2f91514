import { describe, expect, it } from 'vitest';
import { checkTable, tableRules } from '../../src/rules/index.js';
import { type TableSpec, insurance, roundTrip, spec, wageTable } from '../helpers/workbooks.js';

/*
 * One wrong cell, one finding: a figure computed from a wrong cell is no second error, and no finding tells the
 * user to change a cell that is right. The insurance seed table: fund rows 8 (资金总额) and 9 (市县区财政资金),
 * E 全年预算数, F 全年执行数, G 结余, H 执行率, I 得分; indicators 14–19 (I14 得分 20), 总分 I20; text E21.
 */
function found(table: TableSpec, withInfo = false): string[] {
  return checkTable(roundTrip(table), tableRules)
    .filter((f) => withInfo || f.severity !== 'info')
    .map((f) => `${f.rule} ${f.cell} ${f.message}`);
}

describe('one wrong cell gives one finding', () => {
  it('a wrong balance in the total row: fund.balance only, not also fund.sum of the balances', () => {
    expect(found(spec(insurance, (t) => void (t.funds[0]!.balance = 0.405)))).toEqual(['fund.balance G8 资金总额的资金结(转)余应为 0.305（7 − 6.695），表中为 0.405']);
  });

  it('a wrong balance in a source row: fund.balance there, and no fund.sum telling the right total to change', () => {
    expect(found(spec(insurance, (t) => void (t.funds[1]!.balance = 0.35)))).toEqual(['fund.balance G9 市县区财政资金的资金结(转)余应为 0.305（7 − 6.695），表中为 0.35']);
  });

  it('a wrong 全年预算数 in the total row: fund.sum only; its balance, rate, rate score and the text rest on the sources', () => {
    expect(found(spec(insurance, (t) => void (t.funds[0]!.budget = 8)))).toEqual(['fund.sum E8 资金总额的全年预算数应为 7（7），表中为 8']);
  });

  it('a wrong 全年预算数 in the only source row: fund.sum at that cell (its balance and rate fit the total), nothing else', () => {
    expect(found(spec(insurance, (t) => void (t.funds[1]!.budget = 8)))).toEqual(['fund.sum E9 市县区财政资金的全年预算数与资金总额不符，应为 7（资金总额 7），表中为 8']);
  });

  it('a balance left blank in a source row: fund.balance there only, not a balance sum of 0 at the total', () => {
    expect(found(spec(insurance, (t) => void (t.funds[1]!.balance = null)))).toEqual(['fund.balance G9 市县区财政资金的资金结(转)余未填写，应为 0.305（7 − 6.695）']);
  });

  it('a source left blank where an amount belongs: fund.sum at the blank cell, not at the right total', () => {
    expect(found(spec(insurance, (t) => void (t.funds[1]!.executed = null)))).toEqual(['fund.sum F9 市县区财政资金的全年执行数未填写，应为 6.695（资金总额 6.695）']);
  });

  it('a wrong source amount whose row is consistent in itself: the source, as the total’s figures and the text say 7', () => {
    // 8 and 1.305 / 83.69 / 8.37 in the source row fit each other; the total row fits its own 7, and so does the text
    // (年度预算资金7万元): the source is the one to correct, its balance, rate and score with it.
    const consistent = spec(insurance, (t) => void Object.assign(t.funds[1]!, { budget: 8, balance: 1.305, rate: 83.69, score: 8.37 }));
    expect(found(consistent)).toEqual(['fund.sum E9 市县区财政资金的全年预算数与资金总额不符，应为 7（资金总额 7），表中为 8；该行的资金结(转)余、执行率、得分随之改正']);
  });

  it('the same with nothing to say which is right (no text, total and source each consistent): checked, not prescribed', () => {
    const consistent = spec(insurance, (t) => {
      Object.assign(t.funds[1]!, { budget: 8, balance: 1.305, rate: 83.69, score: 8.37 });
      t.analysis[0]!.text = '项目按计划实施。';
    });
    expect(found(consistent)).toEqual(['fund.sum E8 资金总额的全年预算数 7 与各来源行之和 8（8）不符，请核对资金总额与各来源行，无法判断哪一格有误']);
  });

  it('two wrong cells, two findings: the total executed amount and a source balance', () => {
    const two = spec(insurance, (t) => {
      t.funds[0]!.executed = 6.8;
      t.funds[1]!.balance = 0.35;
    });
    expect(found(two)).toEqual([
      'fund.sum F8 资金总额的全年执行数应为 6.695（6.695），表中为 6.8',
      'fund.balance G9 市县区财政资金的资金结(转)余应为 0.305（7 − 6.695），表中为 0.35',
    ]);
  });

  it('a wrong total executed amount and a 总分 that adds the rate score it implies: score.total too', () => {
    const both = spec(insurance, (t) => {
      t.funds[0]!.executed = 6.8;
      t.total = 98.91;
    });
    expect(found(both)).toEqual(['fund.sum F8 资金总额的全年执行数应为 6.695（6.695），表中为 6.8', 'score.total I20 总分应为 98.76（指标得分 89.2 + 执行率得分 9.56），表中为 98.91']);
  });

  it('a wrong 执行率得分 beside a right 总分: fund.rate-score only, not score.total on the right total', () => {
    expect(found(spec(insurance, (t) => void (t.funds[0]!.score = 9.65)))).toEqual(['fund.rate-score I8 资金总额的执行率得分应为 9.56（10 × 95.64%），表中为 9.65']);
  });

  it('a wrong 执行率得分 that the 总分 adds: still fund.rate-score only', () => {
    expect(
      found(
        spec(insurance, (t) => {
          t.funds[0]!.score = 9.65;
          t.total = 98.85;
        }),
      ),
    ).toEqual(['fund.rate-score I8 资金总额的执行率得分应为 9.56（10 × 95.64%），表中为 9.65']);
  });

  it('a blank 全年预算数 in the total row: form.required, and the text still checked against what the sources say', () => {
    const blank = spec(wageTable, (t) => void (t.funds[0]!.budget = null));
    const f = found(blank);
    expect(f.filter((x) => x.startsWith('form.required'))).toHaveLength(1);
    expect(f.filter((x) => x.startsWith('narrative.mismatch'))).toEqual([expect.stringContaining('全年预算资金258.03万元')]);
  });

  it('a negative score: score.range, and no deduction note beside it', () => {
    const negative = spec(insurance, (t) => {
      t.indicators[0]!.score = -20;
      t.total = 58.76;
      t.grade = '差';
      t.indicators[0]!.reason = '未完成';
    });
    expect(found(negative, true).filter((f) => /I14/.test(f))).toEqual([expect.stringMatching(/^score\.range I14 /)]);
  });
});
