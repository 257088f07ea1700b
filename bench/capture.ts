/**
 * Capture benchmark: `ousim capture` on VGG-16 ImageNet (torchvision's layout, 138 M random He-uniform
 * weights, 553 MB of ONNX) with the bundled sample image: wall time of each step and the peak resident
 * memory of the capturing process. The model is built once into the temp folder by a child process
 * (so its memory does not count) and kept there for later runs.
 *
 * Run: npm run bench -- capture   (or npx tsx bench/capture.ts)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { OnnxBuilder } from '../test/workload/onnx-builder.ts';
import { encodeActivations } from '../src/workload/activation-file.ts';
import { captureActivations } from '../src/workload/capture/capture.ts';
import { IMAGENET_MEAN, IMAGENET_STD } from '../src/workload/capture/image.ts';
import { sha256File, sha256Of } from '../src/workload/file-ref.ts';
import { importOnnx } from '../src/workload/onnx/import.ts';
import { readOnnxFile } from '../src/workload/onnx/model.ts';
import { loadTrace, writeTrace } from '../src/workload/trace.ts';
import { projectRoot } from '../src/util/paths.ts';

const DIR = join(tmpdir(), 'ousim-bench-vgg16');
const MODEL = join(DIR, 'vgg16-random.onnx');
const TRACE = join(DIR, 'vgg16.json');
const CAPTURED = join(DIR, 'vgg16-act.json');

/** Seeded He-uniform weights: U(-a, a), a = sqrt(6 / fan_in), from a 32-bit LCG (fast, reproducible). */
function heUniform(n: number, fanIn: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  const a = Math.sqrt(6 / fanIn);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 * a - a;
  }
  return out;
}

function buildVgg16(): void {
  const b = new OnnxBuilder();
  let x = b.input('input', [1, 3, 224, 224]);
  const cfg = [
    64,
    64,
    'M',
    128,
    128,
    'M',
    256,
    256,
    256,
    'M',
    512,
    512,
    512,
    'M',
    512,
    512,
    512,
    'M',
  ] as const;
  let cin = 3;
  let index = 0;
  cfg.forEach((v, i) => {
    if (v === 'M') {
      x = b.node('MaxPool', `/features/features.${i}/MaxPool`, [x], {
        kernel_shape: [2, 2],
        strides: [2, 2],
      })[0];
      return;
    }
    x = b.conv(`features.${i}`, x, cin, v, 3, { pad: 1, weights: heUniform(v * cin * 9, cin * 9, ++index) });
    x = b.node('Relu', `/features/features.${i}/Relu`, [x])[0];
    cin = v;
  });
  x = b.node('Flatten', '/Flatten', [x], { axis: 1 })[0];
  [
    [25088, 4096],
    [4096, 4096],
    [4096, 1000],
  ].forEach(([inF, outF], i) => {
    const w = b.initializer(`classifier.${3 * i}.weight`, [outF, inF], heUniform(outF * inF, inF, 100 + i));
    x = b.node('Gemm', `/classifier/classifier.${3 * i}/Gemm`, [x, w], { transB: 1 })[0];
    if (i < 2) x = b.node('Relu', `/classifier/classifier.${3 * i + 1}/Relu`, [x])[0];
  });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(MODEL, b.encode(x));
  const network = importOnnx(readOnnxFile(MODEL), 'vgg16-random', MODEL).network;
  // As `ousim import` does: the trace remembers the model, whose weights then prune it.
  network.source = { format: 'onnx', path: MODEL, sha256: sha256File(MODEL) };
  writeFileSync(TRACE, writeTrace(network, DIR));
}

export async function captureBench(): Promise<void> {
  if (!existsSync(MODEL) || !existsSync(TRACE)) {
    const made = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--make'], {
      stdio: 'inherit',
    });
    if (made.status !== 0) throw new Error('building the VGG-16 model failed');
  }
  const t0 = performance.now();
  const network = loadTrace(TRACE);
  const result = await captureActivations({
    model: MODEL,
    input: join(projectRoot, 'samples', 'receipt.png'),
    network,
    tracePath: TRACE,
    bits: 8,
    preprocess: { mean: IMAGENET_MEAN, std: IMAGENET_STD, channelOrder: 'rgb' },
  });
  const t1 = performance.now();
  const { bytes } = encodeActivations(
    result.activations,
    network.layers.map((l) => l.name),
  );
  const binPath = join(DIR, 'vgg16-act.bin');
  writeFileSync(binPath, bytes);
  // The captured trace, for timing simulations on real activations (compare --traces <this>).
  const captured = {
    ...network,
    activations: result.activations,
    activationsInput: result.input,
    activationsFile: { path: binPath, sha256: sha256Of(bytes) },
  };
  writeFileSync(CAPTURED, writeTrace(captured, DIR));
  const t2 = performance.now();
  const values = [...result.activations.values()].reduce((s, a) => s + a.codes.length, 0);
  console.log(
    `capture: VGG-16 ImageNet (random weights), ${result.activations.size} weight layers, ${values} values`,
  );
  console.log(
    `  import + onnxruntime + quantise: ${((t1 - t0) / 1000).toFixed(1)} s (onnxruntime ${result.inferenceSeconds.toFixed(1)} s, of which session creation ${result.sessionSeconds.toFixed(1)} s)`,
  );
  console.log(
    `  encode + write sidecar (${(bytes.length / 1e6).toFixed(1)} MB): ${((t2 - t1) / 1000).toFixed(1)} s`,
  );
  console.log(
    `  total ${((t2 - t0) / 1000).toFixed(1)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === '--make') buildVgg16();
  else await captureBench();
}
