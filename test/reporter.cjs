// Mocha's spec reporter plus one closing line, "N passed, N failed", that CI reads.
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => (passed += 1));
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, () => (failed += 1));
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const pending = runner.stats ? runner.stats.pending : 0;
      console.log(`${passed} passed, ${failed} failed` + (pending ? `, ${pending} skipped` : ''));
    });
  }
}
module.exports = SummaryReporter;
