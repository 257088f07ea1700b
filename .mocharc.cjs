// Mocha runs TypeScript through tsx; the summary reporter prints the closing "N passed, N failed" line.
// No `spec` here: mocha adds a config spec to the files on its command line, so `npx mocha test/x.test.ts`
// would run everything. The whole suite's glob is in package.json's `test` script.
module.exports = {
  'node-option': ['import=tsx'],
  // Property tests (fast-check) run with a fixed seed; FC_SEED overrides it (test/fast-check-seed.ts).
  // The prune cache in a temporary folder, never ~/.cache (test/temp-cache.cjs).
  require: ['./test/fast-check-seed.ts', './test/temp-cache.cjs'],
  // The packed-tarball test builds dist/ and installs it: `npm run test:api` (run by .ci/run).
  ignore: ['test/package/**'],
  reporter: './test/reporter.cjs',
  timeout: 60000,
};
