import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Finding } from '../../src/rules/types.js';

export function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'fund.rate',
    severity: 'error',
    file: '政法委/2022.xlsx',
    sheet: '网格员',
    cell: 'H7',
    department: '政法委',
    unit: '政法委机关',
    project: '网格员意外伤害保险',
    message: '执行率应为 95.64%（6.695 ÷ 7），表中为 96.54%',
    expected: '95.64%',
    actual: '96.54%',
    key: `007|007001|网格员意外伤害保险|${over.rule ?? 'fund.rate'}|${over.cell ?? 'H7'}`,
    ...over,
  };
}

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'perf-recon-report-'));
}

export const TITLES: Record<string, string> = {
  'fund.rate': '执行率计算',
  'fund.sum': '资金合计',
  'score.total': '总分合计',
  'file.unreadable': '文件无法读取',
  'file.unrecognized': '文件无法识别',
  'form.required': '必填项缺失',
};

/** Deterministic shuffle (a fixed LCG) so failures are reproducible. */
export function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
