/**
 * Ends `npm test` with the plain line `N passed, N failed` (what .ci/run prints from vitest's JSON), after vitest's
 * own summary.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class CountLine implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    for (const m of modules)
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
      }
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
  }
}
