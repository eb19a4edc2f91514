import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // vitest's report, then the plain count line (.ci/run names its own reporters and prints the line itself)
    reporters: ['default', './tests/setup/count-line.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One test file per core (vitest's default leaves one core idle): most of a file's time is spent waiting for the
    // reader processes of its audits, which run beside it.
    maxWorkers: os.availableParallelism(),
    // The reader processes of the suite's audits: the built one (tests/setup/build.ts makes dist/ fresh first).
    globalSetup: ['tests/setup/build.ts'],
    env: { RECON_READER_SCRIPT: fileURLToPath(new URL('./dist/audit/child.js', import.meta.url)) },
  },
});
