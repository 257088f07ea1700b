/**
 * `ousim import`: network shapes from DNN+NeuroSim's NetWork.csv or from an ONNX model, written as a
 * trace (docs/traces.md). Operators that do not use the crossbars are listed in one warning.
 */
import { basename, extname, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { checkFileTarget, writeFileAtomic } from '../../output/atomic.ts';
import { importModel, writeTrace } from '../../api/index.ts';
import { layerMacs } from '../../workload/types.ts';

interface ImportArgs {
  from: string;
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
      .option('name', { type: 'string', describe: 'network name in the trace (default: the file name)' })
      .option('out', { type: 'string', describe: 'trace file to write (default: <name>.json)' })
      .example('$0 import --from resnet18.onnx --name resnet18 --out traces/my-resnet18.json', '')
      .example('$0 import --from NetWork.csv --name vgg8 --out vgg8.json', ''),
  handler: (args) => {
    const name = args.name ?? basename(args.from, extname(args.from));
    const out = resolve(args.out ?? `${name}.json`);
    checkFileTarget(out);
    const { network, warnings } = importModel(args.from, { name });
    for (const warning of warnings) process.stderr.write(`ousim: warning: ${warning}\n`);
    // A half-written trace never appears under its name.
    writeFileAtomic(out, writeTrace(network));
    const convs = network.layers.filter((l) => l.type === 'conv').length;
    const fcs = network.layers.filter((l) => l.type === 'fc').length;
    const macs = network.layers.reduce((s, l) => s + layerMacs(l), 0);
    process.stdout.write(
      `ousim import: ${name}: ${network.layers.length} layers (${convs} conv, ${fcs} fc), ` +
        `${macs >= 1e8 ? `${(macs / 1e9).toFixed(3)} G` : `${(macs / 1e6).toFixed(3)} M`} MACs -> ${out}\n`,
    );
  },
};
