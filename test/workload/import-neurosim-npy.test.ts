import { expect } from 'chai';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/util/errors.ts';
import { importNeuroSim } from '../../src/workload/neurosim.ts';
import { pruneNetwork } from '../../src/workload/prune.ts';
import { loadTrace, resolveTracePath, writeTrace } from '../../src/workload/trace.ts';
import type { Layer } from '../../src/workload/types.ts';
import { npyFolderWeights } from '../../src/workload/weights/files.ts';
import { parseNpy } from '../../src/workload/weights/npy.ts';

/** DNN+NeuroSim's VGG-8 layer file (IFM_H, IFM_W, Cin, K_H, K_W, Cout, pool, stride). */
const VGG8_CSV = `32,32,3,3,3,128,0,1
32,32,128,3,3,128,1,1
16,16,128,3,3,256,0,1
16,16,256,3,3,256,1,1
8,8,256,3,3,512,0,1
8,8,512,3,3,512,1,1
1,1,8192,1,1,1024,0,1
1,1,1024,1,1,10,0,1
`;

/** A layer without its name and producer names, for comparing structure. */
const shapeOf = (l: Layer) => ({ ...l, name: '', inputs: [] });

describe('workload: NeuroSim import', () => {
  it("imports NeuroSim's VGG-8 NetWork.csv as the zoo's vgg8-cifar10, layer for layer", () => {
    const imported = importNeuroSim(VGG8_CSV, 'vgg8', 'NetWork.csv');
    const zoo = loadTrace(resolveTracePath('vgg8-cifar10'));
    expect(imported.inputShape).to.deep.equal([3, 32, 32]);
    expect(imported.layers.map(shapeOf)).to.deep.equal(zoo.layers.map(shapeOf));
  });

  it('handles stride 2 with same padding and a header row', () => {
    const net = importNeuroSim(
      'IFM_H,IFM_W,Cin,K_H,K_W,Cout,pool,stride\n9,9,3,3,3,4,0,2\n5,5,4,1,1,6,1,1\n',
      'n',
      'x.csv',
    );
    expect(net.layers.map((l) => l.outShape)).to.deep.equal([
      [4, 5, 5],
      [6, 5, 5],
      [6, 2, 2],
    ]);
  });

  it('rejects a row that does not chain, naming the line and column', () => {
    const bad = VGG8_CSV.replace('16,16,128,3,3,256', '16,16,64,3,3,256');
    expect(() => importNeuroSim(bad, 'vgg8', 'NetWork.csv')).to.throw(
      InputError,
      /NetWork\.csv: line 3, column 1 \(IFM_H\)/,
    );
    expect(() => importNeuroSim('32,32,3,3,3\n', 'n', 'a.csv')).to.throw(InputError, /line 1.*8 columns/);
    expect(() => importNeuroSim('32,32,3,3,x,8,0,1\n', 'n', 'a.csv')).to.throw(
      InputError,
      /line 1, column 5 \(K_W\)/,
    );
  });

  it('refuses an empty cell (Number would read it as 0) and numbers not in decimal', () => {
    expect(() => importNeuroSim('8,8,3,3,3,4,,1\n', 'n', 'a.csv')).to.throw(
      InputError,
      /^a\.csv: line 1, column 7 \(pool\): empty cell/,
    );
    for (const cell of ['0x4', '1e1', '4.0', 'Infinity', '+4', '-4'])
      expect(() => importNeuroSim(`8,8,3,3,3,${cell},0,1\n`, 'n', 'a.csv'), cell)
        .to.throw(InputError, /^a\.csv: line 1, column 6 \(Cout\): /)
        .with.property('message')
        .that.contains(`'${cell}'`);
    expect(importNeuroSim('8,8,3,3,3,4,0,1\n', 'n', 'a.csv').layers[0]).to.include({ cout: 4 });
  });
});

/** A .npy file (format 1.0) written the way numpy.save does, for the reader to parse. */
function npy(shape: number[], data: number[], descr = '<f4', fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Pad so that magic + length + header is a multiple of 64, ending in a newline.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const body = descr === '<f8' ? new Float64Array(data) : new Float32Array(data);
  const out = new Uint8Array(10 + header.length + body.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(body.buffer), 10 + header.length);
  return out;
}

describe('workload: .npy weights', () => {
  it('reads float32 and float64 C-order arrays', () => {
    const a = parseNpy(npy([2, 3], [1, 2, 3, 4, 5, 6.5]), 'a.npy');
    expect(a.shape).to.deep.equal([2, 3]);
    expect(Array.from(a.data)).to.deep.equal([1, 2, 3, 4, 5, 6.5]);
    const b = parseNpy(npy([3], [0.1, 0.2, 0.3], '<f8'), 'b.npy');
    expect(Array.from(b.data)).to.deep.equal([0.1, 0.2, 0.3]);
  });

  it('rejects other dtypes, Fortran order and truncated data', () => {
    expect(() => parseNpy(npy([2], [1, 2], '<i4'), 'c.npy')).to.throw(InputError, /c\.npy: descr/);
    expect(() => parseNpy(npy([2], [1, 2], '<f4', true), 'c.npy')).to.throw(InputError, /fortran_order/);
    expect(() => parseNpy(npy([3], [1, 2]), 'c.npy')).to.throw(InputError, /needs 12/);
    expect(() => parseNpy(new Uint8Array(20), 'c.npy')).to.throw(InputError, /magic/);
  });

  it('prunes tiny from a folder of <layer>.npy files as from the same weights in memory', () => {
    const net = loadTrace(resolveTracePath('tiny'));
    const dir = mkdtempSync(join(tmpdir(), 'ousim-npy-'));
    const weights: Record<string, number[]> = {};
    for (const l of net.layers) {
      if (l.type !== 'conv') continue;
      const n = l.cout * l.cin * 9;
      weights[l.name] = Array.from({ length: n }, (_, i) => Math.cos(i * 0.37 + l.cout));
      writeFileSync(join(dir, `${l.name}.npy`), npy([l.cout, l.cin, 3, 3], weights[l.name], '<f8'));
    }
    const options = { size: 4, count: 3, connectivity: 2 };
    const fromFiles = pruneNetwork(net, options, 1, npyFolderWeights(dir));
    const inMemory = pruneNetwork(net, options, 1, { origin: 'mem', convWeights: (l) => weights[l.name] });
    expect(writeTrace(fromFiles.network)).to.equal(writeTrace(inMemory.network));

    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(() => pruneNetwork(net, options, 1, npyFolderWeights(empty))).to.throw(InputError, /conv1\.npy/);
    writeFileSync(join(empty, 'conv1.npy'), npy([8, 3, 3, 2], new Array<number>(144).fill(1)));
    expect(() => pruneNetwork(net, options, 1, npyFolderWeights(empty))).to.throw(
      InputError,
      /\[8, 3, 3, 2\].*\[8, 3, 3, 3\]/,
    );
  });
});
