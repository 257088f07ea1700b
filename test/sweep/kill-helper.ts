// Runs a slow stand-in sweep into argv[2], for the kill test (test/sweep/kill.test.ts).
import { runSweep } from '../../src/sweep/runner.ts';
import { fakeBackend, killTestOptions } from './fake-backend.ts';

await runSweep(killTestOptions(process.argv[2]), fakeBackend({ delayMs: 40 }));
