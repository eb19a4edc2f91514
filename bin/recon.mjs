#!/usr/bin/env node
// Runs the built tool when `npm run build` has made dist/, else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/cli/main.js', import.meta.url);
let main;
if (existsSync(dist)) ({ main } = await import(dist.href));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(new URL('../src/cli/main.ts', import.meta.url).href));
}
process.exitCode = await main(process.argv.slice(2));
