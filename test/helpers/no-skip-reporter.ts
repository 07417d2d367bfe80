import type { Reporter, TestModule } from 'vitest/node';

/**
 * Closes the run with a plain `N passed, N failed` line that any CI can read, and in CI turns a
 * skipped or todo test into a failure: nothing may be called done that did not run.
 */
export default class NoSkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    let passed = 0;
    let failed = 0;
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped.push(`${module.moduleId} › ${test.fullName}`);
      }
    }
    const mustFail = process.env.CI === 'true' && skipped.length > 0;
    if (mustFail) {
      console.error(`\n${skipped.length} test(s) skipped, which CI does not allow:\n  ${skipped.join('\n  ')}`);
      process.exitCode = 1;
    }
    console.log(`\ntests: ${passed} passed, ${failed} failed${skipped.length > 0 ? `, ${skipped.length} skipped` : ''}`);
  }
}
