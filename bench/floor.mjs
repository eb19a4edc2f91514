/**
 * The floor: read every file with SheetJS, in-process, one thread, with the options the tool's reader uses
 * (SHEETJS_READ_OPTIONS of src/read/xlsx), and nothing else. Prints one JSON line: { ms, files, ok, failed, maxRssMb }.
 *   node bench/floor.mjs READER_JS DIR      READER_JS: .bench/build/dist/read/xlsx.js
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as XLSX from 'xlsx';

const [reader, dir] = process.argv.slice(2);
if (!reader || !dir) throw new Error('usage: floor.mjs READER_JS DIR');
const { SHEETJS_READ_OPTIONS } = await import(pathToFileURL(path.resolve(reader)).href);
const files = readdirSync(dir, { withFileTypes: true, recursive: true })
  .filter((e) => e.isFile() && /\.(xlsx|xls|csv)$/i.test(e.name))
  .map((e) => path.join(e.parentPath, e.name))
  .sort();
const t0 = performance.now();
let ok = 0;
let failed = 0;
let sheets = 0;
for (const f of files) {
  try {
    sheets += XLSX.read(readFileSync(f), SHEETJS_READ_OPTIONS).SheetNames.length;
    ok++;
  } catch {
    failed++;
  }
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, files: files.length, ok, failed, sheets, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
