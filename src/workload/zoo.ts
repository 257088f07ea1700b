/**
 * Definitions of the shipped network zoo. `scripts/make-zoo.ts` writes them to `traces/<name>.json`
 * (shapes only, unpruned; pruning comes from `--set pattern.*` and `--seed`), and the tests check
 * the files against these definitions and against published MAC totals (docs/references.md).
 *
 * Layers the crossbars never see are left out: ReLU, batch norm (folded into the conv at inference),
 * dropout, and torchvision's adaptive average pools that are the identity at 224x224.
 */
import { TraceBuilder } from './builder.ts';
import { pruneNetwork } from './prune.ts';
import { parseTrace, writeTrace } from './trace.ts';
import type { TraceFile } from './trace-format.ts';

/** VGG-16 stages: output channels of each 3x3 conv, 'M' for a 2x2 max pool. */
const VGG16_STAGES = [
  [64, 64],
  [128, 128],
  [256, 256, 256],
  [512, 512, 512],
  [512, 512, 512],
];

function vggFeatures(b: TraceBuilder, stages: number[][]): void {
  stages.forEach((stage, s) => {
    stage.forEach((cout, i) => b.conv(`conv${s + 1}_${i + 1}`, cout, 3, { padding: 1 }));
    b.maxPool(`pool${s + 1}`, 2);
  });
}

function vgg16Imagenet(): TraceFile {
  const b = new TraceBuilder(
    'vgg16-imagenet',
    [3, 224, 224],
    'VGG-16 (torchvision vgg16, Simonyan & Zisserman 2015), ImageNet 224x224: 13 conv 3x3 + FC 25088-4096-4096-1000; 15.47 G MACs',
  );
  vggFeatures(b, VGG16_STAGES);
  b.fc('fc6', 4096);
  b.fc('fc7', 4096);
  b.fc('fc8', 1000);
  return b.build();
}

function vgg16Cifar(): TraceFile {
  const b = new TraceBuilder(
    'vgg16-cifar10',
    [3, 32, 32],
    'VGG-16 for CIFAR-10 (the common variant, as in PatDNN): 13 conv 3x3 + FC 512-10; 0.313 G MACs',
  );
  vggFeatures(b, VGG16_STAGES);
  b.fc('fc', 10);
  return b.build();
}

/** A residual block: appends its layers after `b.current`, which has `cin` channels. */
type ResidualBlock = (b: TraceBuilder, prefix: string, cin: number, width: number, stride: number) => void;

/** The shortcut of a residual block: the block input, or a 1x1 conv when the shape changes. */
function shortcut(b: TraceBuilder, prefix: string, input: string, cin: number, cout: number, stride: number) {
  if (stride === 1 && cin === cout) return input;
  return b.conv(`${prefix}.downsample.0`, cout, 1, { stride, from: input });
}

/** ResNet basic block (two 3x3 convs); torchvision's export order: conv1, conv2, downsample, add. */
const basicBlock: ResidualBlock = (b, prefix, cin, width, stride) => {
  const input = b.current;
  b.conv(`${prefix}.conv1`, width, 3, { stride, padding: 1 });
  const main = b.conv(`${prefix}.conv2`, width, 3, { padding: 1 });
  b.add(`${prefix}.add`, [main, shortcut(b, prefix, input, cin, width, stride)]);
};

/** ResNet-50 bottleneck block (torchvision v1.5: the stride sits on the 3x3 conv). */
const bottleneck: ResidualBlock = (b, prefix, cin, width, stride) => {
  const input = b.current;
  b.conv(`${prefix}.conv1`, width, 1);
  b.conv(`${prefix}.conv2`, width, 3, { stride, padding: 1 });
  const main = b.conv(`${prefix}.conv3`, width * 4, 1);
  b.add(`${prefix}.add`, [main, shortcut(b, prefix, input, cin, width * 4, stride)]);
};

/** The four ResNet stages (widths 64..512), the first block of stages 2-4 with stride 2. */
function resnetStages(b: TraceBuilder, blocks: number[], block: ResidualBlock, expansion: number): void {
  let channels = 64;
  blocks.forEach((count, s) => {
    const width = 64 * 2 ** s;
    for (let i = 0; i < count; i++) {
      block(b, `layer${s + 1}.${i}`, channels, width, i === 0 && s > 0 ? 2 : 1);
      channels = width * expansion;
    }
  });
}

function resnet18Imagenet(): TraceFile {
  const b = new TraceBuilder(
    'resnet18-imagenet',
    [3, 224, 224],
    'ResNet-18 (torchvision resnet18, He et al. 2016), ImageNet 224x224: conv 7x7, 16 conv 3x3, 3 downsample 1x1, FC; 1.82 G MACs',
  );
  b.conv('conv1', 64, 7, { stride: 2, padding: 3 });
  b.maxPool('maxpool', 3, 2, 1);
  resnetStages(b, [2, 2, 2, 2], basicBlock, 1);
  b.globalAvgPool('avgpool');
  b.fc('fc', 1000);
  return b.build();
}

function resnet18Cifar(): TraceFile {
  const b = new TraceBuilder(
    'resnet18-cifar10',
    [3, 32, 32],
    'ResNet-18 for CIFAR-10 (the common variant of kuangliu/pytorch-cifar): conv 3x3 stem, stride 1, no max pool; then the torchvision stages, global average pool, FC 512-10; 0.56 G MACs',
  );
  b.conv('conv1', 64, 3, { padding: 1 });
  resnetStages(b, [2, 2, 2, 2], basicBlock, 1);
  b.globalAvgPool('avgpool');
  b.fc('fc', 10);
  return b.build();
}

function resnet50Imagenet(): TraceFile {
  const b = new TraceBuilder(
    'resnet50-imagenet',
    [3, 224, 224],
    'ResNet-50 (torchvision resnet50, v1.5: stride on the 3x3 conv), ImageNet 224x224: bottleneck blocks [3, 4, 6, 3]; 4.09 G MACs',
  );
  b.conv('conv1', 64, 7, { stride: 2, padding: 3 });
  b.maxPool('maxpool', 3, 2, 1);
  resnetStages(b, [3, 4, 6, 3], bottleneck, 4);
  b.globalAvgPool('avgpool');
  b.fc('fc', 1000);
  return b.build();
}

function alexnetImagenet(): TraceFile {
  const b = new TraceBuilder(
    'alexnet-imagenet',
    [3, 224, 224],
    'AlexNet, torchvision variant (one tower, groups=1, 64-192-384-256-256 channels, from the "one weird trick" paper), ImageNet 224x224; 0.71 G MACs',
  );
  b.conv('conv1', 64, 11, { stride: 4, padding: 2 });
  b.maxPool('pool1', 3, 2);
  b.conv('conv2', 192, 5, { padding: 2 });
  b.maxPool('pool2', 3, 2);
  b.conv('conv3', 384, 3, { padding: 1 });
  b.conv('conv4', 256, 3, { padding: 1 });
  b.conv('conv5', 256, 3, { padding: 1 });
  b.maxPool('pool5', 3, 2);
  b.fc('fc6', 4096);
  b.fc('fc7', 4096);
  b.fc('fc8', 1000);
  return b.build();
}

function vgg8Cifar(): TraceFile {
  const b = new TraceBuilder(
    'vgg8-cifar10',
    [3, 32, 32],
    "DNN+NeuroSim's VGG-8 for CIFAR-10 (its NetWork_VGG8.csv): conv 3x3 128-128-M-256-256-M-512-512-M, FC 8192-1024-10; 0.62 G MACs",
  );
  vggFeatures(b, [
    [128, 128],
    [256, 256],
    [512, 512],
  ]);
  b.fc('fc1', 1024);
  b.fc('fc2', 10);
  return b.build();
}

/**
 * A tiny network for cycle-by-cycle (OU fidelity) tests: three 3x3 convs (one with stride 2),
 * a residual add, a max pool and an FC on a 3x8x8 input.
 */
function tiny(): TraceFile {
  const b = new TraceBuilder(
    'tiny',
    [3, 8, 8],
    'tiny test network: conv 3x3, conv 3x3 stride 2, conv 3x3, residual add, max pool 2x2, FC 32-10',
  );
  b.conv('conv1', 8, 3, { padding: 1 });
  const down = b.conv('conv2', 8, 3, { stride: 2, padding: 1 });
  const main = b.conv('conv3', 8, 3, { padding: 1 });
  b.add('add', [main, down]);
  b.maxPool('pool', 2);
  b.fc('fc', 10);
  return b.build();
}

/** The unpruned zoo: trace name -> definition. */
export const ZOO: Record<string, () => TraceFile> = {
  'alexnet-imagenet': alexnetImagenet,
  'resnet18-cifar10': resnet18Cifar,
  'resnet18-imagenet': resnet18Imagenet,
  'resnet50-imagenet': resnet50Imagenet,
  tiny,
  'vgg16-cifar10': vgg16Cifar,
  'vgg16-imagenet': vgg16Imagenet,
  'vgg8-cifar10': vgg8Cifar,
};

/** How `tiny-pruned`, the example of the masked format, is made from `tiny`. */
export const TINY_PRUNED = { from: 'tiny', size: 4, count: 4, connectivity: 2, seed: 1 } as const;

/** The text of every zoo file, `traces/<name>.json`, as make-zoo writes it. */
export function zooFileTexts(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, build] of Object.entries(ZOO))
    out[name] = writeTrace(parseTrace(build(), `zoo '${name}'`));
  const { from, seed, ...options } = TINY_PRUNED;
  const base = parseTrace(ZOO[from](), `zoo '${from}'`);
  const { network } = pruneNetwork(base, options, seed);
  out['tiny-pruned'] = writeTrace({
    ...network,
    name: 'tiny-pruned',
    description: `tiny, pattern-pruned (size ${options.size}, ${options.count} patterns, connectivity ${options.connectivity}, seed ${seed}, synthetic weights): the example of the masked format`,
  });
  return out;
}
