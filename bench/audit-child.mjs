/**
 * Runs `recon audit …` in this process through the CLI's entry and prints one JSON line on stdout:
 * { ms, exitCode, maxRssMb }. maxRSS is this process alone: bench/run.ts samples its reader processes too.
 * Plain JS on purpose: the reader processes then run the built tool, not TypeScript through tsx.
 *   node bench/audit-child.mjs MAIN_JS <audit args…>     MAIN_JS: .bench/build/dist/cli/main.js or src/cli/main.ts (with --import tsx)
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) throw new Error('usage: audit-child.mjs MAIN args…');
const dir = path.dirname(path.resolve(entry));
const ext = path.extname(entry);
const { main } = await import(pathToFileURL(path.resolve(entry)).href);
// Load the audit command's modules before the clock starts, as the floor loads SheetJS before its clock.
await import(pathToFileURL(path.join(dir, `audit${ext}`)).href);
const t0 = performance.now();
const log = console.log;
console.log = () => {};
const exitCode = await main(['audit', ...args, '--quiet']);
const ms = performance.now() - t0;
console.log = log;
console.log(JSON.stringify({ ms, exitCode, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
