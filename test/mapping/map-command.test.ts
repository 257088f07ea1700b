import { expect } from 'chai';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { mapCommand } from '../../src/cli/commands/map.ts';
import { loadArch, weightSlices } from '../../src/config/arch.ts';
import { InputError } from '../../src/util/errors.ts';
import { loadTrace, resolveTracePath } from '../../src/workload/trace.ts';

async function runMap(args: string[]): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'ousim-map-'));
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  try {
    await yargs([...args, '--out', out])
      .command(mapCommand)
      .strict()
      .fail((m, e) => {
        throw e ?? new Error(m);
      })
      .parseAsync();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

function readCsv(path: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const keys = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])));
}

describe('ousim map', function () {
  this.timeout(60000);

  it('writes dense layers whose crossbars follow the closed form, and totals that add up', async () => {
    const out = await runMap(['map', '--trace', 'tiny', '--mapping', 'dense']);
    const layers = readCsv(join(out, 'layers.csv'));
    const summary = readCsv(join(out, 'summary.csv'));
    const arch = loadArch('paper');
    const network = loadTrace(resolveTracePath('tiny'));
    const slices = weightSlices(arch);
    for (const row of layers) {
      const layer = network.layers.find((l) => l.name === row.layer)!;
      if (layer.type !== 'conv' || layer.groups !== 1) continue;
      const expected =
        Math.ceil((layer.cin * layer.kernel[0] * layer.kernel[1]) / arch.crossbar.rows) *
        Math.ceil((layer.cout * slices) / arch.crossbar.cols);
      expect(Number(row.crossbars)).to.equal(expected);
    }
    expect(summary).to.have.length(1);
    expect(Number(summary[0].crossbars)).to.equal(layers.reduce((s, r) => s + Number(r.crossbars), 0));
    expect(existsSync(join(out, 'config.resolved.json'))).to.equal(true);
  });

  it('pattern needs fewer crossbars than dense on a pruned trace, with index bits', async () => {
    const trace = ['map', '--trace', 'vgg8-cifar10'];
    const dense = readCsv(join(await runMap([...trace, '--mapping', 'dense']), 'summary.csv'))[0];
    const pattern = readCsv(join(await runMap(trace), 'summary.csv'))[0];
    expect(Number(pattern.crossbars_3x3)).to.be.below(Number(dense.crossbars_3x3));
    expect(Number(pattern.index_bits)).to.be.above(0);
    expect(Number(dense.index_bits)).to.equal(0);
  });

  it('rejects an unknown trace with an InputError', async () => {
    let error: unknown;
    try {
      await runMap(['map', '--trace', 'no-such-net']);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(InputError);
  });
});
