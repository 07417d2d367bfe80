import type { Reporter, TestModule } from 'vitest/node';

/**
 * Closes the run with a plain `N passed, N failed` line that any CI can read, and in CI turns a
 * skipped or todo test into a failure: nothing may be called done that did not run. A test that did
 * not run because its file failed (a `beforeAll` that threw, a file that did not load) is counted as
 * failed, and such a file without tests counts as one failure, so the line never says `0 failed`
 * for a run that failed.
 */
export default class NoSkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    let passed = 0;
    let failed = 0;
    for (const module of modules) {
      const fileFailed = module.state() === 'failed';
      let tests = 0;
      for (const test of module.children.allTests()) {
        tests += 1;
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed' || fileFailed) failed += 1;
        else skipped.push(`${module.moduleId} › ${test.fullName}`);
      }
      if (fileFailed && tests === 0) failed += 1;
    }
    const mustFail = process.env.CI === 'true' && skipped.length > 0;
    if (mustFail) {
      console.error(`\n${skipped.length} test(s) skipped, which CI does not allow:\n  ${skipped.join('\n  ')}`);
      process.exitCode = 1;
    }
    console.log(`\ntests: ${passed} passed, ${failed} failed${skipped.length > 0 ? `, ${skipped.length} skipped` : ''}`);
  }
}
