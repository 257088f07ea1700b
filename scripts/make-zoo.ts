/**
 * Writes the network zoo, `traces/<name>.json`, from the definitions in src/workload/zoo.ts.
 * Run: npx tsx scripts/make-zoo.ts   (the tests check that the files match the definitions)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TRACE_DIR } from '../src/workload/trace.ts';
import { zooFileTexts } from '../src/workload/zoo.ts';

mkdirSync(TRACE_DIR, { recursive: true });
for (const [name, text] of Object.entries(zooFileTexts())) {
  writeFileSync(join(TRACE_DIR, `${name}.json`), text);
  process.stdout.write(`traces/${name}.json (${text.length} bytes)\n`);
}
