#!/usr/bin/env node
// Runs the built tool (dist/). A dist/ that is missing, or was built from other sources than src/ holds now, is
// built again first (esbuild, a runtime dependency: about half a second), so the CLI never runs stale code and needs
// no TypeScript loader at run time.
import { build, isFresh } from '../scripts/build.mjs';

if (!isFresh()) {
  try {
    await build();
  } catch (err) {
    console.error(`无法编译程序 (cannot build dist/)：${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
}
const { main } = await import(new URL('../dist/cli/main.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
