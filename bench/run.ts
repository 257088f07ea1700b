/**
 * `npm run bench [-- filter]`: runs every benchmark suite whose name contains `filter` (all by
 * default). Benchmarks are not tests: they print figures for docs and issue reports.
 * To add a suite, add one line to SUITES; modules are imported only when their suite runs.
 */
interface Suite {
  name: string;
  run: () => Promise<unknown>;
}

const SUITES: Suite[] = [
  { name: 'engine', run: async () => (await import('./engine.ts')).engineBench() },
  { name: 'prune', run: async () => (await import('./prune.ts')).benchPrune() },
  { name: 'mapping', run: async () => (await import('./mapping.ts')).mappingBench() },
  { name: 'sim', run: async () => (await import('./sim.ts')).simBench() },
  { name: 'activations', run: async () => (await import('./sim-activations.ts')).simActivationsBench() },
  { name: 'stream', run: async () => (await import('./stream.ts')).streamBench() },
  { name: 'commands', run: async () => (await import('./commands.ts')).commandsBench() },
  { name: 'capture', run: async () => (await import('./capture.ts')).captureBench() },
];

async function main(): Promise<void> {
  const filter = process.argv[2] ?? '';
  const chosen = SUITES.filter((s) => s.name.includes(filter));
  if (chosen.length === 0) {
    console.error(`no benchmark suite matches '${filter}'; suites: ${SUITES.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  for (const suite of chosen) {
    const start = Date.now();
    await suite.run();
    console.log(`(${suite.name}: ${((Date.now() - start) / 1000).toFixed(1)} s)\n`);
  }
}

await main();
