// Mocha runs TypeScript through tsx; the summary reporter prints the closing "N passed, N failed" line.
module.exports = {
  'node-option': ['import=tsx'],
  spec: ['test/**/*.test.ts'],
  reporter: './test/reporter.cjs',
  timeout: 60000,
};
