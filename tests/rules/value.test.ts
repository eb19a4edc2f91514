import { describe, expect, it } from 'vitest';
import { type Finding, checkTable, defaultRulesConfig, tableRules } from '../../src/rules/index.js';
import { valueDirty, valueUnreadable } from '../../src/rules/value.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { type TableSpec, insurance, roundTrip, spec, wageTable } from '../helpers/workbooks.js';

/*
 * The insurance seed table in the seed layout: fund rows 8–9 (E 全年预算数, F 全年执行数, G 结余, H 执行率,
 * I 得分), indicators 14–19 (H 分值, I 得分), 总分 I20. The wage table has `100%.` as text in H9.
 */

/** 全年执行数 of the total row in words. */
const executedInWords = spec(insurance, (t) => {
  t.funds[0]!.executed = '六点六九五';
});

/** The wage seed table with its text brought in line with the table (the seed's 258.03 is narrative's case). */
const wageConsistent = spec(wageTable, (t) => {
  t.analysis[0]!.text = t.analysis[0]!.text.replace('全年预算资金258.03万元', '全年预算资金86.8万元');
});

ruleTester(valueUnreadable, {
  valid: [
    { name: 'the seed insurance table', table: insurance },
    { name: 'full-width numbers are numbers', table: insurance, render: { fullWidthNumbers: true } },
    { name: 'a dirty value is read, not unreadable: 100%.', table: wageConsistent },
    { name: '— and 无 are empty, not unreadable', table: spec(insurance, (t) => void Object.assign(t.funds[1]!, { declared: '—', initial: '无' })) },
  ],
  invalid: [
    {
      name: '全年执行数 六点六九五: the arithmetic on that row is skipped, nothing else is reported',
      table: executedInWords,
      errors: [
        {
          cell: 'F8',
          message: '资金总额·全年执行数须为数字，表中“六点六九五”无法识别为数值，相关校验已跳过',
          expected: null,
          actual: null,
        },
      ],
    },
    {
      name: 'an indicator score in words: 总分 is not checked',
      table: spec(insurance, (t) => void (t.indicators[5]!.score = '九点八')),
      errors: [{ cell: 'I19', message: '网格员满意度·得分须为数字，表中“九点八”无法识别为数值，相关校验已跳过' }],
    },
    {
      name: '总分 in words: the grade is not checked',
      table: spec(insurance, (t) => void (t.total = '九十八点七六')),
      errors: [{ cell: 'I20', message: '总分须为数字，表中“九十八点七六”无法识别为数值，相关校验已跳过' }],
    },
    {
      name: 'two numbers in one cell cannot be told apart: 7或6.695 in the source row',
      table: spec(insurance, (t) => void (t.funds[1]!.executed = '7或6.695')),
      errors: [{ cell: 'F9', message: '市县区财政资金·全年执行数须为数字，表中“7或6.695”无法识别为数值，相关校验已跳过' }],
    },
    {
      name: 'the central layout: 全年执行数 in E7',
      table: executedInWords,
      layout: 'central',
      errors: [{ cell: 'E7', message: '年度资金总额·全年执行数须为数字，表中“六点六九五”无法识别为数值，相关校验已跳过' }],
    },
  ],
});

describe('value.unreadable: the rules that need the value are skipped, not crashed', () => {
  const table = roundTrip(executedInWords);

  it('no rule throws on the table', () => {
    for (const rule of tableRules) {
      const found: unknown[] = [];
      // a variable, not a literal: the context may carry more than these (a ledger, when the run has one)
      const ctx = { params: defaultRulesConfig, ledger: null, report: (r: unknown) => void found.push(r) };
      expect(() => rule.check(table, ctx), rule.meta.id).not.toThrow();
    }
  });

  it('no fund.balance, fund.rate, fund.rate-score or fund.sum finding on the total row', () => {
    const all: Finding[] = checkTable(table, tableRules, defaultRulesConfig);
    const onRow8 = all.filter((f) => f.rule.startsWith('fund.') && /^[A-Z]+8$/.test(f.cell ?? ''));
    expect(onRow8).toEqual([]);
    expect(all.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.cell}`)).toEqual(['value.unreadable F8']);
  });

  it('the source row is still checked: a wrong rate there is reported', () => {
    const t: TableSpec = spec(executedInWords, (s) => void (s.funds[1]!.rate = 96.54));
    const all = checkTable(roundTrip(t), tableRules, defaultRulesConfig);
    expect(all.filter((f) => f.rule === 'fund.rate').map((f) => `${f.cell} ${f.message}`)).toEqual([
      'H9 市县区财政资金的执行率应为 95.64%（6.695 ÷ 7 × 100），表中为 96.54%',
    ]);
  });
});

ruleTester(valueDirty, {
  valid: [
    { name: 'the seed insurance table', table: insurance },
    { name: 'thousands separators are clean: 1,203.66', table: spec(insurance, (t) => void (t.funds[1]!.declared = '1,203.66')) },
    { name: 'a percent sign in the rate column is clean: 95.64%', table: spec(insurance, (t) => void (t.funds[1]!.rate = '95.64%')) },
  ],
  invalid: [
    {
      name: 'the seed wage table: 100%. in the source row rate',
      table: wageConsistent,
      errors: [{ cell: 'H9', message: '市县区财政资金·执行率“100%.”含多余字符，按 100 处理', expected: '100', actual: '100%.' }],
    },
    {
      name: '6.695万元 in 全年执行数 is read as 6.695 and the arithmetic still holds',
      table: spec(insurance, (t) => void (t.funds[0]!.executed = '6.695万元')),
      errors: [{ cell: 'F8', message: '资金总额·全年执行数“6.695万元”含多余字符，按 6.695 处理', expected: '6.695', actual: '6.695万元' }],
    },
    {
      name: 'the central layout: 其中：当年财政拨款 rate in G8',
      table: wageConsistent,
      layout: 'central',
      errors: [{ cell: 'G8', message: '其中当年财政拨款·执行率“100%.”含多余字符，按 100 处理' }],
    },
  ],
});
