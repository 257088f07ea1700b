// `npm run build`: the published JavaScript + declarations of src/ in dist/ (tsconfig.build.json),
// plus the files tsc does not emit: the piscina worker entry (plain JS) and the ONNX schema.
// dist/build-stamp.json records the hash of src/ it was built from: bin/ousim.js and the sweep worker
// run dist/ only while src/ still has that hash (bin/compiled.js), tsx otherwise. `npm pack` ships dist/.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP_FILE, sourceHash } from '../bin/compiled.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// Hashed before compiling: an edit made while tsc runs leaves a stamp that no longer matches (stale).
const stamp = { sourceHash: sourceHash(join(root, 'src')) };
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const file of ['sweep/worker-entry.js', 'workload/onnx/onnx-subset.proto', 'report/client.js'])
  cpSync(join(root, 'src', file), join(dist, file));
writeFileSync(join(dist, STAMP_FILE), `${JSON.stringify(stamp)}\n`);
