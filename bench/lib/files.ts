import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Every workbook under a folder (the same extensions the tool discovers), sorted. */
export function listWorkbooks(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !/\.(xlsx|xls|csv)$/i.test(e.name)) continue;
    out.push(path.join(e.parentPath, e.name));
  }
  return out.sort();
}
