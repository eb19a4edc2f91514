import { fundBalance } from '../../src/rules/fund.js';
import { narrativeMismatch } from '../../src/rules/narrative.js';
import { formRequired } from '../../src/rules/form.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { insurance, spec } from '../helpers/workbooks.js';

// Bugs found in review: each case failed before its fix.

ruleTester(fundBalance, {
  valid: [],
  invalid: [
    {
      name: 'a blank balance when 0.305 is left is not "0"',
      table: spec(insurance, (t) => {
        for (const r of t.funds) r.balance = null;
        t.analysis[0]!.text = t.analysis[0]!.text.replace('，结余资金0.305万元', '');
      }),
      errors: [
        { cell: 'G8', message: '资金总额的资金结(转)余未填写，应为 0.305（7 − 6.695）' },
        { cell: 'G9', message: '市县区财政资金的资金结(转)余未填写，应为 0.305（7 − 6.695）' },
      ],
    },
  ],
});

ruleTester(narrativeMismatch, {
  valid: [
    { name: '66950元 is exactly 6.695万元', table: spec(insurance, (t) => void (t.analysis[0]!.text = t.analysis[0]!.text.replace('实际执行6.695万元', '实际执行66950元'))) },
  ],
  invalid: [
    {
      name: '70000元 stated for an execution of 66950元 is checked to the yuan',
      table: spec(insurance, (t) => void (t.analysis[0]!.text = t.analysis[0]!.text.replace('实际执行6.695万元', '实际执行70000元'))),
      errors: [{ cell: 'E21', message: '分析说明称“实际执行70000元”，与表中全年执行数 6.695 万元 不符', expected: '6.695 万元', actual: '7 万元' }],
    },
  ],
});

ruleTester(formRequired, {
  valid: [],
  invalid: [
    {
      name: 'an empty 总分 is missing, and the grade beside it is not read as the total',
      table: spec(insurance, (t) => void (t.total = null)),
      errors: [{ cell: 'I20', message: '缺少必填项：总分' }],
    },
  ],
});
