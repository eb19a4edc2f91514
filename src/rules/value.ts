import { defineRule } from './rule.js';

export const valueUnreadable = defineRule({
  meta: {
    id: 'value.unreadable',
    severity: 'error',
    title: '数值无法识别',
    description: '需要数字之处无法识别为数字（如“六点六九五”），依赖它的核对已跳过',
    docs: 'A number is required and the text cannot be read as one; the rules that need it are skipped.',
    messages: {
      unreadable: '{field}须为数字，表中“{text}”无法识别为数值，相关校验已跳过',
      uncached: '{field}是公式，但文件中没有保存计算结果（多为软件导出、未经 Excel 保存的文件）：请在 Excel 或 WPS 中打开、保存后重新报送，相关校验已跳过',
    },
  },
  check(t, ctx) {
    for (const n of t.notes)
      if (n.state === 'unreadable')
        ctx.report(
          n.uncached
            ? { messageId: 'uncached', cell: n.cell, data: { field: n.field }, expected: null, actual: null }
            : { messageId: 'unreadable', cell: n.cell, data: { field: n.field, text: n.text }, expected: null, actual: null },
        );
  },
});

export const valueDirty = defineRule({
  meta: {
    id: 'value.dirty',
    severity: 'info',
    title: '数值含多余字符',
    description: '数字带有多余字符（如“100%.”），已按识别出的数字核对',
    docs: 'A number was recovered from text with stray characters.',
    messages: { dirty: '{field}“{text}”含多余字符，按 {value} 处理' },
  },
  check(t, ctx) {
    for (const n of t.notes)
      if (n.state === 'dirty')
        ctx.report({
          messageId: 'dirty',
          cell: n.cell,
          data: { field: n.field, text: n.text, value: n.value?.toFixed() ?? '' },
          expected: n.value?.toFixed() ?? null,
          actual: n.text,
        });
  },
});

export const valueRules = [valueUnreadable, valueDirty];
