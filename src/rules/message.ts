import { isDecimal } from '../model/index.js';
import { clip } from '../text/index.js';
import type { Report } from './types.js';

/**
 * Fills `{name}` placeholders; a placeholder with no value is left visible so a bad template shows in tests. Text from
 * a workbook is clipped (a 100 KB cell copied into every finding once made a 419 MB findings.json).
 */
export function fill(template: string, data: Report['data'] = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = data[key];
    if (v === undefined || v === null) return whole;
    return clip(isDecimal(v) ? v.toFixed() : String(v));
  });
}
