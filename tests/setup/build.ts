/**
 * vitest's global set-up: dist/ built from src/ as it is (scripts/build.mjs; nothing to do when it is fresh), so
 * that the suite's audits start the built reader processes, as the tool does, instead of compiling TypeScript in
 * each (a second per process under tsx). vitest.config.ts points RECON_READER_SCRIPT at it.
 */
// @ts-expect-error: a plain ES module without types
import { build } from '../../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await (build as () => Promise<void>)();
}
