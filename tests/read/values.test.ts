import { describe, expect, it } from 'vitest';
import { isNoValue, parseComparison, parseNumberText } from '../../src/model/values.js';

describe('cell values as SPEC.md reads them', () => {
  it.each([
    ['1,203.66', 'ok', '1203.66', 2],
    ['８６．８', 'ok', '86.8', 1],
    ['−0.7', 'ok', '-0.7', 1],
    ['－0.305', 'ok', '-0.305', 3],
    ['100%.', 'dirty', '100', 0],
    ['约 −0.7 万元', 'dirty', '-0.7', 1],
    ['(0.70)', 'ok', '-0.7', 2],
    ['（1,203.66）', 'ok', '-1203.66', 2],
    ['6.695\u200b', 'ok', '6.695', 3],
  ])('%s reads as %s %s (%i decimals)', (text, state, value, decimals) => {
    const p = parseNumberText(text);
    expect([p.state, p.value?.toFixed() ?? null, p.decimals]).toEqual([state, value, decimals]);
  });

  it('reads 六点六九五 as unreadable and the no-value marks as empty', () => {
    expect(parseNumberText('六点六九五').state).toBe('unreadable');
    for (const mark of ['', '—', '-', '/', '无', ' ／ ', '——']) expect([mark, parseNumberText(mark).state]).toEqual([mark, 'empty']);
  });

  it('knows the no-value marks in text fields too', () => {
    expect(['—', '/', '无', ' - ', '／'].every(isNoValue)).toBe(true);
    expect(['无人机', '—期', '雪亮工程'].some(isNoValue)).toBe(false);
  });

  it.each([
    ['不低于95%', '>=', '95', '%'],
    ['大于等于95%', '>=', '95', '%'],
    ['≥95%以上', '>=', '95', '%'],
    ['95%及以上', '>=', '95', '%'],
    ['达到100%', '>=', '100', '%'],
    ['不超过340元', '<=', '340', '元'],
    ['小于等于340元', '<=', '340', '元'],
    ['340元以下', '<=', '340', '元'],
    ['低于5个', '<', '5', '个'],
  ])('a target written in words: %s is %s %s %s', (text, op, value, unit) => {
    const c = parseComparison(text);
    expect([c?.op, c?.value.toFixed(), c?.unit]).toEqual([op, value, unit]);
  });

  it('leaves qualitative targets unjudged', () => {
    expect(['达到预期目标', '按时完成', '及时'].map(parseComparison)).toEqual([null, null, null]);
  });
});
