import type { Reporter, TestModule } from 'vitest/node';

/** In CI a skipped or todo test is a failure: nothing may be called done that did not run. */
export default class NoSkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (process.env.CI !== 'true') return;
    const skipped: string[] = [];
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'skipped' || state === 'pending') skipped.push(`${module.moduleId} › ${test.fullName}`);
      }
    }
    if (skipped.length > 0) {
      console.error(`\n${skipped.length} test(s) skipped, which CI does not allow:\n  ${skipped.join('\n  ')}`);
      process.exitCode = 1;
    }
  }
}
