import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/util/errors.ts';
import { encodeKernelPattern } from '../../src/workload/masks.ts';
import {
  listZoo,
  loadTrace,
  parseTrace,
  resolveTracePath,
  TRACE_DIR,
  writeTrace,
} from '../../src/workload/trace.ts';
import { layerMacs, type Network } from '../../src/workload/types.ts';
import { ZOO, zooFileTexts } from '../../src/workload/zoo.ts';

const totalMacs = (n: Network) => n.layers.reduce((s, l) => s + layerMacs(l), 0);
const count = (n: Network, type: string, kernel?: number) =>
  n.layers.filter(
    (l) => l.type === type && (kernel === undefined || (l.type === 'conv' && l.kernel[0] === kernel)),
  ).length;

describe('workload: zoo', () => {
  it('ships every named trace', () => {
    expect(listZoo()).to.include.members([
      'vgg16-cifar10',
      'vgg16-imagenet',
      'resnet18-cifar10',
      'resnet18-imagenet',
      'resnet50-imagenet',
      'alexnet-imagenet',
      'vgg8-cifar10',
      'tiny',
      'tiny-pruned',
    ]);
  });

  it('the files load to the same networks as the definitions in zoo.ts (make-zoo is up to date)', () => {
    for (const [name, text] of Object.entries(zooFileTexts())) {
      const fromFile = loadTrace(resolveTracePath(name));
      expect(fromFile, name).to.deep.equal(parseTrace(JSON.parse(text), name));
    }
  });

  // Published totals (docs/references.md); dense MACs of one inference, conv + FC.
  const published: [string, number, number][] = [
    ['vgg16-imagenet', 15.47e9, 0.005],
    ['vgg16-cifar10', 0.313e9, 0.005],
    ['resnet18-imagenet', 1.82e9, 0.005],
    ['resnet50-imagenet', 4.1e9, 0.01],
    ['alexnet-imagenet', 0.72e9, 0.015],
  ];
  for (const [name, macs, tolerance] of published)
    it(`${name} has ${macs / 1e9} G MACs (within ${tolerance * 100}%)`, () => {
      const net = loadTrace(resolveTracePath(name));
      expect(Math.abs(totalMacs(net) / macs - 1)).to.be.below(tolerance);
    });

  it('has the published layer counts', () => {
    const vgg = loadTrace(resolveTracePath('vgg16-imagenet'));
    expect([count(vgg, 'conv', 3), count(vgg, 'fc')]).to.deep.equal([13, 3]);
    expect(
      vgg.layers.filter((l) => l.type === 'fc').map((l) => (l.type === 'fc' ? l.inFeatures : 0)),
    ).to.deep.equal([25088, 4096, 4096]);
    const vggC = loadTrace(resolveTracePath('vgg16-cifar10'));
    expect([count(vggC, 'conv', 3), count(vggC, 'fc')]).to.deep.equal([13, 1]);
    const r18 = loadTrace(resolveTracePath('resnet18-imagenet'));
    expect([
      count(r18, 'conv', 7),
      count(r18, 'conv', 3),
      count(r18, 'conv', 1),
      count(r18, 'fc'),
    ]).to.deep.equal([1, 16, 3, 1]);
    expect(count(r18, 'add')).to.equal(8);
    const r50 = loadTrace(resolveTracePath('resnet50-imagenet'));
    expect([count(r50, 'conv'), count(r50, 'conv', 3), count(r50, 'add'), count(r50, 'fc')]).to.deep.equal([
      53, 16, 16, 1,
    ]);
    const alex = loadTrace(resolveTracePath('alexnet-imagenet'));
    expect([count(alex, 'conv'), count(alex, 'fc'), count(alex, 'pool')]).to.deep.equal([5, 3, 3]);
    const vgg8 = loadTrace(resolveTracePath('vgg8-cifar10'));
    expect([count(vgg8, 'conv', 3), count(vgg8, 'fc'), count(vgg8, 'pool')]).to.deep.equal([6, 2, 3]);
    const tiny = loadTrace(resolveTracePath('tiny'));
    expect(tiny.inputShape).to.deep.equal([3, 8, 8]);
    expect(tiny.layers.map((l) => l.type)).to.include.members(['conv', 'pool', 'add', 'fc']);
  });

  it('stores the zoo unpruned, except tiny-pruned which carries masks', () => {
    for (const name of Object.keys(ZOO)) {
      const net = loadTrace(resolveTracePath(name));
      expect(
        net.layers.some((l) => l.type === 'conv' && l.pruning),
        name,
      ).to.equal(false);
    }
    const pruned = loadTrace(resolveTracePath('tiny-pruned'));
    expect(pruned.layers.filter((l) => l.type === 'conv' && l.pruning)).to.have.length(3);
  });
});

describe('workload: trace format', () => {
  it('writes what it reads, byte for byte, for every zoo trace', () => {
    for (const name of listZoo()) {
      const text = readFileSync(join(TRACE_DIR, `${name}.json`), 'utf8');
      expect(writeTrace(loadTrace(resolveTracePath(name))), name).to.equal(text);
    }
  });

  it('infers shapes and defaults (square shorthand, inputs = previous layer)', () => {
    const net = parseTrace(
      {
        format: 'ousim-trace',
        version: 1,
        name: 'n',
        inputShape: [3, 10, 10],
        layers: [
          { name: 'a', type: 'conv', cout: 4, kernel: 3 },
          { name: 'b', type: 'conv', cout: 4, kernel: 3, padding: 1, stride: 2 },
          { name: 'p', type: 'pool', mode: 'avg', kernel: 2 },
          { name: 'c', type: 'concat', inputs: ['p', 'p'] },
          { name: 'g', type: 'pool', mode: 'max', global: true },
          { name: 'f', type: 'fc', outFeatures: 5 },
        ],
      },
      'test',
    );
    expect(net.layers.map((l) => l.outShape)).to.deep.equal([
      [4, 8, 8],
      [4, 4, 4],
      [4, 2, 2],
      [8, 2, 2],
      [8, 1, 1],
      [5, 1, 1],
    ]);
    expect(net.layers[1].inputs).to.deep.equal(['a']);
    expect(net.layers[0].inputs).to.deep.equal(['input']);
  });

  const base = () => ({
    format: 'ousim-trace',
    version: 1,
    name: 'broken',
    inputShape: [2, 4, 4],
    layers: [
      { name: 'c1', type: 'conv', cout: 2, kernel: 3, padding: 1 } as Record<string, unknown>,
      { name: 'c2', type: 'conv', cout: 2, kernel: 3, padding: 1 } as Record<string, unknown>,
    ],
  });
  const mask = (ids: number[]) => encodeKernelPattern(Uint8Array.from(ids));
  const broken: [string, (d: ReturnType<typeof base>) => void, RegExp][] = [
    ['a shape that does not chain', (d) => (d.layers[1].cin = 3), /layers\[1\]\.cin \(layer 'c2'\)/],
    ['a wrong outShape', (d) => (d.layers[0].outShape = [2, 3, 3]), /layers\[0\]\.outShape \(layer 'c1'\)/],
    [
      'an unknown producer',
      (d) => (d.layers[1].inputs = ['nope']),
      /layers\[1\]\.inputs \(layer 'c2'\).*'nope'/,
    ],
    ['a duplicate name', (d) => (d.layers[1].name = 'c1'), /layers\[1\]\.name/],
    ['a misspelt field', (d) => (d.layers[0].kernal = 3), /layers\[0\]\.kernal \(layer 'c1'\): unknown key/],
    ['a missing field', (d) => delete d.layers[0].cout, /layers\[0\]\.cout \(layer 'c1'\)/],
    [
      'a mask of the wrong length',
      (d) => (d.layers[1].pruning = { patterns: [[1, 4, 5, 7]], kernels: mask([0, 0, 0]) }),
      /layers\[1\]\.pruning\.kernels \(layer 'c2'\).*4 kernels/,
    ],
    [
      'a pattern id that does not exist',
      (d) => (d.layers[1].pruning = { patterns: [[1, 4, 5, 7]], kernels: mask([0, 1, 0, 255]) }),
      /pruning\.kernels.*pattern id 1/,
    ],
    [
      'a pattern without the centre',
      (d) => (d.layers[1].pruning = { patterns: [[0, 1, 2, 3]], kernels: mask([0, 0, 0, 0]) }),
      /pruning\.patterns\[0\].*centre/,
    ],
    [
      'a pattern position outside the kernel',
      (d) => (d.layers[1].pruning = { patterns: [[4, 9]], kernels: mask([0, 0, 0, 0]) }),
      /pruning\.patterns\[0\].*outside/,
    ],
    [
      'an add of different shapes',
      (d) => {
        d.layers.push({ name: 'd', type: 'conv', cout: 2, kernel: 3, stride: 2, padding: 1 });
        d.layers.push({ name: 'a', type: 'add', inputs: ['c2', 'd'] });
      },
      /layers\[3\]\.inputs \(layer 'a'\).*'d' has shape \[2, 2, 2\]/,
    ],
  ];
  for (const [what, breakIt, message] of broken)
    it(`rejects ${what}, naming file, layer and field`, () => {
      const doc = base();
      breakIt(doc);
      const dir = mkdtempSync(join(tmpdir(), 'ousim-trace-'));
      const path = join(dir, 'broken.json');
      writeFileSync(path, JSON.stringify(doc));
      expect(() => loadTrace(path))
        .to.throw(InputError, message)
        .with.property('message')
        .that.contains(path);
    });

  it('accepts the unbroken base document (so the cases above fail for their own reason)', () => {
    const doc = base();
    doc.layers[1].pruning = { patterns: [[1, 4, 5, 7]], kernels: mask([0, 255, 0, 0]) };
    expect(parseTrace(doc, 'base').layers).to.have.length(2);
  });

  it('resolves zoo names and paths, and lists the zoo for an unknown name', () => {
    expect(resolveTracePath('tiny')).to.equal(join(TRACE_DIR, 'tiny.json'));
    expect(resolveTracePath(join(TRACE_DIR, 'tiny.json'))).to.equal(join(TRACE_DIR, 'tiny.json'));
    expect(() => resolveTracePath('no-such-net')).to.throw(InputError, /vgg16-cifar10/);
  });
});

describe('workload: docs/traces.md', () => {
  it('its example trace is valid', () => {
    const text = readFileSync(join(TRACE_DIR, '..', 'docs', 'traces.md'), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(text)?.[1];
    expect(example).to.be.a('string');
    const net = parseTrace(JSON.parse(example ?? ''), 'docs/traces.md');
    expect(net.layers.map((l) => l.outShape)).to.deep.equal(
      loadTrace(resolveTracePath('tiny')).layers.map((l) => l.outShape),
    );
    expect(net.layers[2].zeroInputFraction).to.equal(0.5);
  });
});
