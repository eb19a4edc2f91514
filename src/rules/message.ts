import { isDecimal } from '../model/index.js';
import type { Report } from './types.js';

/** Fills `{name}` placeholders; a placeholder with no value is left visible so a bad template shows in tests. */
export function fill(template: string, data: Report['data'] = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = data[key];
    if (v === undefined || v === null) return whole;
    return isDecimal(v) ? v.toFixed() : String(v);
  });
}
