// `npm run build`: the published JavaScript + declarations of src/ in dist/ (tsconfig.build.json),
// plus the files tsc does not emit: the piscina worker entry (plain JS) and the ONNX schema.
// The repository runs src/ through tsx and never needs this; `npm pack` ships dist/.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const file of ['sweep/worker-entry.js', 'workload/onnx/onnx-subset.proto', 'report/client.js'])
  cpSync(join(root, 'src', file), join(dist, file));
