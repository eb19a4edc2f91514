import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { insideDir, neutralize, safeFileName } from '../../src/report/index.js';

describe('neutralize', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ['+1', '+1'],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\t=1', `'\t=1`],
    ['\r=1', `'\r=1`],
    ['+cmd|x', `'+cmd|x`],
    ['-', `'-`],
  ])('%j → %j', (input, out) => {
    expect(neutralize(input)).toBe(out);
  });

  it.each(['-0.3', '+5', '-12.5%', '95.64%', '7', '网格员', '', ' =1', 'a=1'])('leaves %j alone', (text) => {
    expect(neutralize(text)).toBe(text);
  });
});

describe('safeFileName', () => {
  it.each([
    ['政法委', '政法委'],
    ['../../x', '_._x'],
    ['a/b\\c:d', 'a_b_c_d'],
    ['a*b?c"d<e>f|g', 'a_b_c_d_e_f_g'],
    ['  .hidden. ', 'hidden'],
    ['x\u0000y\u001fz\u007f', 'xyz'],
    ['a....b', 'a.b'],
    ['', '未知部门'],
    ['...', '未知部门'],
    ['CON', 'CON_'],
    ['nul', 'nul_'],
    ['com1.txt', 'com1_.txt'],
    ['COM10', 'COM10'],
    ['CONSOLE', 'CONSOLE'],
  ])('%j → %j', (input, out) => {
    expect(safeFileName(input)).toBe(out);
  });

  it('uses the fallback for names that come out empty', () => {
    expect(safeFileName('..', 'x')).toBe('x');
  });

  it('caps at 80 code points and 200 UTF-8 bytes without splitting a surrogate pair', () => {
    expect(safeFileName('a'.repeat(100))).toBe('a'.repeat(80));
    const out = safeFileName('𠀀'.repeat(100));
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(200);
    expect(out).toBe('𠀀'.repeat(50));
    expect(safeFileName('部'.repeat(100))).toBe('部'.repeat(66));
  });

  it('drops bidi overrides and zero-width characters that disguise a name', () => {
    expect(safeFileName('报告\u202Excod.exe')).toBe('报告xcod.exe');
    expect(safeFileName('财\u200B政\uFEFF局\u2066')).toBe('财政局');
    expect(safeFileName('\u202E\u200B')).toBe('未知部门');
  });

  it('handles a name of 200,000 spaces or dots in one pass', () => {
    expect(safeFileName(' '.repeat(200_000))).toBe('未知部门');
    expect(safeFileName('.'.repeat(200_000))).toBe('未知部门');
    expect(safeFileName(`a${' '.repeat(200_000)}b`)).toBe('a');
  });
});

describe('insideDir', () => {
  const root = path.resolve('/tmp/out-root');
  it('resolves paths inside the root', () => {
    expect(insideDir(root, 'corrections', 'a.csv')).toBe(path.join(root, 'corrections', 'a.csv'));
    expect(insideDir(root, '..foo')).toBe(path.join(root, '..foo'));
  });
  it('throws for paths that leave the root', () => {
    expect(() => insideDir(root, '..', 'x')).toThrow(/escapes/);
    expect(() => insideDir(root, 'a', '../../x')).toThrow(/escapes/);
    expect(() => insideDir(root, '/etc/passwd')).toThrow(/escapes/);
    expect(() => insideDir(root, '..')).toThrow(/escapes/);
  });
});
