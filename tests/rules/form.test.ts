import { formRequired, formUnitCode } from '../../src/rules/form.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { type TableSpec, insurance, spec } from '../helpers/workbooks.js';

/*
 * The insurance seed table in the seed layout: 项目名称 C4, 主管部门及代码 C5, 预算单位 H5, 全年预算数 E8,
 * 全年执行数 F8 (the total row stands for the project), 总分 I20. Central layout: 项目名称 B4, 主管部门 B5,
 * 实施单位 F5, fund rows 7–8 (D 全年预算数, E 全年执行数).
 */

/** The implementation text without figures, for cases that remove a figure the text would otherwise state. */
function plainText(t: TableSpec): void {
  t.analysis[0]!.text = '网格员意外伤害保险费按方案执行，年度财政已收回结余。';
}

ruleTester(formRequired, {
  valid: [
    { name: 'the seed insurance table', table: insurance },
    { name: 'the central layout', table: insurance, layout: 'central' },
    { name: 'messy labels, no merges, shifted', table: insurance, render: { messyLabels: true, noMerges: true, offsetRows: 3, offsetCols: 2 } },
    {
      name: 'a budget of 0 is present, not missing',
      table: spec(insurance, (t) => {
        for (const f of t.funds) Object.assign(f, { declared: 0, initial: 0, budget: 0, executed: 0, balance: 0, rate: 0, score: 0 });
      }),
    },
  ],
  invalid: [
    {
      name: 'no project name',
      table: spec(insurance, (t) => void (t.project = '')),
      errors: [{ cell: 'C4', message: '缺少必填项：项目名称', expected: null, actual: '（空）' }],
    },
    {
      name: 'a project name that is only a dash (— means no value)',
      table: spec(insurance, (t) => void (t.project = '—')),
      errors: [{ cell: 'C4', message: '缺少必填项：项目名称', expected: null, actual: '（空）' }],
    },
    {
      name: 'a unit given as / (no value)',
      table: spec(insurance, (t) => void (t.unit = ' / ')),
      errors: [{ cell: 'H5', message: '缺少必填项：预算单位（实施单位）', expected: null, actual: '（空）' }],
    },
    {
      name: 'no department',
      table: spec(insurance, (t) => void (t.department = '')),
      errors: [{ cell: 'C5', message: '缺少必填项：主管部门', expected: null, actual: '（空）' }],
    },
    {
      name: 'no unit',
      table: spec(insurance, (t) => void (t.unit = '')),
      errors: [{ cell: 'H5', message: '缺少必填项：预算单位（实施单位）', expected: null, actual: '（空）' }],
    },
    {
      name: 'no 全年预算数 on the total row',
      table: spec(insurance, (t) => {
        t.funds[0]!.budget = null;
        plainText(t);
      }),
      errors: [{ cell: 'E8', message: '缺少必填项：全年预算数', expected: null, actual: '（空）' }],
    },
    {
      name: 'no 全年执行数 on the total row',
      table: spec(insurance, (t) => {
        t.funds[0]!.executed = null;
        plainText(t);
      }),
      errors: [{ cell: 'F8', message: '缺少必填项：全年执行数', expected: null, actual: '（空）' }],
    },
    {
      name: 'no indicators at all: no cell fits',
      table: spec(insurance, (t) => void (t.indicators = [])),
      errors: [{ cell: null, message: '缺少必填项：绩效指标', expected: null, actual: '（空）' }],
    },
    {
      name: 'no 总分 (and no grade beside it)',
      table: spec(insurance, (t) => {
        t.total = null;
        t.grade = null;
      }),
      errors: [{ cell: 'I20', message: '缺少必填项：总分', expected: null, actual: '（空）' }],
    },
    {
      name: '总分 written as — is empty',
      table: spec(insurance, (t) => void (t.total = '—')),
      errors: [{ cell: 'I20', message: '缺少必填项：总分' }],
    },
    {
      name: 'central layout: no 实施单位',
      table: spec(insurance, (t) => void (t.unit = '')),
      layout: 'central',
      errors: [{ cell: 'F5', message: '缺少必填项：预算单位（实施单位）' }],
    },
    {
      name: 'central layout: no 全年预算数',
      table: spec(insurance, (t) => void (t.funds[0]!.budget = null)),
      layout: 'central',
      errors: [{ cell: 'D7', message: '缺少必填项：全年预算数' }],
    },
    {
      name: 'shifted by 3 rows and 2 columns: no project name and no 总分',
      table: spec(insurance, (t) => {
        t.project = '';
        t.total = null;
        t.grade = null;
      }),
      render: { offsetRows: 3, offsetCols: 2 },
      errors: [
        { cell: 'E7', message: '缺少必填项：项目名称' },
        { cell: 'K23', message: '缺少必填项：总分' },
      ],
    },
  ],
});

ruleTester(formUnitCode, {
  valid: [
    { name: 'the seed insurance table: 007001 under 007', table: insurance },
    { name: 'a unit without a code is not judged', table: spec(insurance, (t) => void (t.unit = '中国共产党大同市云州区委员会政法委员会')) },
    { name: 'a department without a code is not judged', table: spec(insurance, (t) => void (t.department = '中国共产党大同市云州区委员会政法委员会')) },
    { name: 'full-width codes: ００７００１ under ００７', table: insurance, render: { fullWidthNumbers: true } },
    { name: 'the central layout', table: insurance, layout: 'central' },
  ],
  invalid: [
    {
      name: '008001 under 007',
      table: spec(insurance, (t) => void (t.unit = '008001-中国共产党大同市云州区委员会政法委员会')),
      errors: [{ cell: 'H5', message: '预算单位编码 008001 不在主管部门编码 007 之下', expected: '007开头的编码', actual: '008001' }],
    },
    {
      name: 'the department code inside, not at the start: 001007 under 007',
      table: spec(insurance, (t) => void (t.unit = '001007-政法委机关')),
      errors: [{ cell: 'H5', message: '预算单位编码 001007 不在主管部门编码 007 之下', expected: '007开头的编码', actual: '001007' }],
    },
    {
      name: 'a unit code shorter than its department code: 00 under 007',
      table: spec(insurance, (t) => void (t.unit = '00-政法委机关')),
      errors: [{ cell: 'H5', message: '预算单位编码 00 不在主管部门编码 007 之下', expected: '007开头的编码', actual: '00' }],
    },
    {
      name: 'central layout: 实施单位 in F5',
      table: spec(insurance, (t) => void (t.unit = '101001-政法委机关')),
      layout: 'central',
      errors: [{ cell: 'F5', message: '预算单位编码 101001 不在主管部门编码 007 之下' }],
    },
  ],
});
