/**
 * Text handling on the way from a cell to a label, a message or a file name is linear: texts of 200,000 characters
 * in the shapes that made backtracking patterns quadratic (a minute for 50,000 colons) go through at once. A
 * relapse shows as a test running into vitest's time limit.
 */
import { describe, expect, it } from 'vitest';
import { normLabel, trimEnd, withoutTrailingNotes } from '../../src/text/index.js';

const OLD_TRAILING_NOTES = /(?:\([^()]*\))+$|%$/;

describe('withoutTrailingNotes', () => {
  it.each(['全年预算数(万元)', '全年执行数(B)', '执行率(B/A)', '执行率%', '执行率(%)(B/A)', '分值', '(万元)', 'a(b', 'a)b)', 'a(b)c', '()', '%', 'x(y(z))', ''])(
    'agrees with the pattern it replaces on %j',
    (s) => expect(withoutTrailingNotes(s)).toBe(s.replace(OLD_TRAILING_NOTES, '')),
  );
  it('takes 200,000 characters of ()()() at once', () => {
    expect(withoutTrailingNotes(`${'()'.repeat(100_000)}x`)).toHaveLength(200_001);
    expect(withoutTrailingNotes('()'.repeat(100_000))).toBe('');
  });
});

describe('normLabel and trimEnd', () => {
  it('drop trailing colons and required-field marks as before', () => {
    expect(normLabel('资金总额：')).toBe('资金总额');
    expect(normLabel('预算单位 *：')).toBe('预算单位');
    expect(normLabel('★项 目 名 称::')).toBe('项目名称');
    expect(trimEnd('a::：', ':：')).toBe('a');
  });
  it('take 200,000 colons, full-width colons or stars followed by a letter at once', () => {
    for (const ch of [":", "：", "*", "★"]) expect(normLabel(`a${ch.repeat(200_000)}x`)).toHaveLength(200_002);
  });
});
