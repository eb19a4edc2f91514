import { fundRate } from '../../src/rules/fund.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { insurance, spec } from '../helpers/workbooks.js';

ruleTester(fundRate, {
  valid: [
    { name: 'the seed insurance table: 6.695 ÷ 7 = 95.642857…% reported as 95.64', table: insurance },
    { name: 'a fraction in a percent-formatted cell', table: insurance, render: { percentFractions: true } },
  ],
  invalid: [
    {
      name: 'total row rate mistyped as 96.54',
      table: spec(insurance, (t) => {
        t.funds[0]!.rate = 96.54;
        // keep the analysis text in step, so only the arithmetic rule is broken
        t.analysis[0]!.text = t.analysis[0]!.text.replace('95.64%', '96.54%');
      }),
      errors: [{ cell: 'H8', message: '资金总额的执行率应为 95.64%（6.695 ÷ 7 × 100），表中为 96.54%', expected: '95.64%', actual: '96.54%' }],
    },
  ],
});
