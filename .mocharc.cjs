// Mocha runs TypeScript through tsx; the summary reporter prints the closing "N passed, N failed" line.
module.exports = {
  'node-option': ['import=tsx'],
  // The prune cache in a temporary folder, never ~/.cache (test/temp-cache.cjs).
  require: ['./test/temp-cache.cjs'],
  spec: ['test/**/*.test.ts'],
  // The packed-tarball test builds dist/ and installs it: `npm run test:api` (run by .ci/run).
  ignore: ['test/package/**'],
  reporter: './test/reporter.cjs',
  timeout: 60000,
};
