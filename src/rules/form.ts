import type { NumberField, TextField } from '../model/index.js';
import { defineRule } from './rule.js';
import { mainRow } from './table-access.js';

export const formRequired = defineRule({
  meta: {
    id: 'form.required',
    severity: 'error',
    title: '必填项缺失',
    description: '项目名称、主管部门、预算单位、全年预算数、全年执行数、绩效指标、总分必须填写（表式中没有的不要求）',
    docs: 'Project name, department, unit, 全年预算数, 全年执行数, indicators and 总分 are present, where the form has them (a 部门整体 table: 部门名称; a form with no scores: no 总分).',
    messages: { missing: '缺少必填项：{field}' },
  },
  check(t, ctx) {
    const missingText = (f: TextField) => !f.value;
    // Unreadable numbers are value.unreadable's to report; here only what is not there at all.
    const missingNumber = (f: NumberField | undefined) => !f || f.state === 'empty' || f.state === 'absent';
    const row = mainRow(t);
    const department = t.kind === 'department';
    const checks: [string, boolean, string | null][] = [
      ...(t.has.project ? [['项目名称', missingText(t.project), t.project.cell] as [string, boolean, string | null]] : []),
      [department ? '部门名称' : '主管部门', missingText(t.department), t.department.cell],
      ...(t.has.unit ? [['预算单位（实施单位）', missingText(t.unit), t.unit.cell] as [string, boolean, string | null]] : []),
      ['全年预算数', missingNumber(row?.values.budget), row?.values.budget?.cell ?? null],
      ['全年执行数', missingNumber(row?.values.executed), row?.values.executed?.cell ?? null],
      ['绩效指标', t.indicators.length === 0, null],
      // A form with no scores (绩效目标自评表) has no 总分 to fill in.
      ...(t.has.total ? [['总分', missingNumber(t.total), t.total.cell] as [string, boolean, string | null]] : []),
    ];
    for (const [field, missing, cell] of checks)
      if (missing) ctx.report({ messageId: 'missing', cell, data: { field }, expected: null, actual: '（空）' });
  },
});

export const formUnitCode = defineRule({
  meta: {
    id: 'form.unit-code',
    severity: 'warning',
    title: '单位编码与部门编码不符',
    description: '预算单位编码应以主管部门编码开头（007001 在 007 之下）',
    docs: "The unit's code extends the department's code (007001 under 007).",
    messages: { code: '预算单位编码 {unit} 不在主管部门编码 {department} 之下' },
  },
  check(t, ctx) {
    const d = t.department.code;
    const u = t.unit.code;
    if (!d || !u || u.startsWith(d)) return;
    ctx.report({ messageId: 'code', cell: t.unit.cell, data: { unit: u, department: d }, expected: `${d}开头的编码`, actual: u });
  },
});

export const formRules = [formRequired, formUnitCode];
