/**
 * In-memory form of a network trace, after loading and validation. The JSON file format
 * (versioned, masks stored compactly) is converted to and from these types by the trace loader.
 *
 * Shapes are [channels, height, width]. A layer's `inputs` name the layers it reads from; the
 * network input is called `input`.
 */

import type { ActivationSet } from './activations.ts';

export type Shape3 = [channels: number, height: number, width: number];

/** Pattern pruning of one conv layer (docs/design.md §1). */
export interface ConvPruning {
  /**
   * The pattern library: each pattern is the sorted list of kept positions of the kh x kw kernel,
   * as row-major indices `ky * kw + kx`.
   */
  patterns: number[][];
  /**
   * Per kernel, indexed `f * cinPerGroup + c` (f = output filter, c = input channel within its
   * group): the pattern id, or PRUNED when connectivity pruning removed the whole kernel.
   */
  kernelPattern: Uint8Array;
}

/** Marks a kernel removed by connectivity pruning in `ConvPruning.kernelPattern`. */
export const PRUNED = 255;

interface LayerBase {
  name: string;
  /** Producer layers; `input` is the network input. */
  inputs: string[];
  inShape: Shape3;
  outShape: Shape3;
  /** Fraction of input activations that are zero, for activation-sparsity what-ifs (0..1). */
  zeroInputFraction?: number;
}

export interface ConvLayer extends LayerBase {
  type: 'conv';
  cin: number;
  cout: number;
  kernel: [kh: number, kw: number];
  stride: [sy: number, sx: number];
  padding: [py: number, px: number];
  groups: number;
  /** Absent when the trace is unpruned (dense weights). */
  pruning?: ConvPruning;
}

/** Fully connected layer; its input is the flattened producer output. */
export interface FcLayer extends LayerBase {
  type: 'fc';
  inFeatures: number;
  outFeatures: number;
}

export interface PoolLayer extends LayerBase {
  type: 'pool';
  mode: 'max' | 'avg';
  kernel: [kh: number, kw: number];
  stride: [sy: number, sx: number];
  padding: [py: number, px: number];
  /** Global pooling reduces the whole map to 1x1. */
  global: boolean;
  /** Output size rounded up instead of down (ONNX / PyTorch `ceil_mode`); absent means floor. */
  ceilMode?: boolean;
}

/** Element-wise sum of two or more producers (residual connection); [C, 1, 1] producers broadcast. */
export interface AddLayer extends LayerBase {
  type: 'add';
}

/** Channel concatenation of two or more producers. */
export interface ConcatLayer extends LayerBase {
  type: 'concat';
}

/**
 * Element-wise product of two producers (squeeze-excitation's channel scale, gating). A producer of
 * shape [C, 1, 1] is broadcast over the other's map.
 */
export interface MulLayer extends LayerBase {
  type: 'mul';
}

/**
 * A map enlarged by whole factors `scale` = [sy, sx]: `nearest` copies the input value, `bilinear`
 * interpolates its 2x2 neighbours, `depthToSpace` moves channel groups into space (input
 * [C * sy * sx, H, W] -> [C, H * sy, W * sx]: the scatter of a transposed convolution, docs/traces.md).
 */
export interface ResizeLayer extends LayerBase {
  type: 'resize';
  mode: 'nearest' | 'bilinear' | 'depthToSpace';
  scale: [sy: number, sx: number];
}

/** The channel range [start, end) of the producer (ONNX Split / Slice along channels). */
export interface SliceLayer extends LayerBase {
  type: 'slice';
  channels: [start: number, end: number];
}

export type Layer =
  ConvLayer | FcLayer | PoolLayer | AddLayer | ConcatLayer | MulLayer | ResizeLayer | SliceLayer;

/** Layers whose weights live on crossbars. */
export type WeightLayer = ConvLayer | FcLayer;

export interface Network {
  name: string;
  /** Where the network comes from and which variant it is (free text, optional). */
  description?: string;
  /** The network input, [channels, height, width]. */
  inputShape: Shape3;
  /** Layers in a topological order (each layer's producers come before it). */
  layers: Layer[];
  /** Captured input activations of the weight layers, when the trace carries them (activations.ts). */
  activations?: ActivationSet;
  /** The model file the trace was imported from, when it carries weights (docs/traces.md "source"). */
  source?: TraceSource;
  /** The sidecar file the activations were read from (docs/traces.md "activations"). */
  activationsFile?: FileRef;
  /** What the activations were captured from (free text: input file, preprocessing, quantisation). */
  activationsInput?: string;
}

/** A file a trace refers to: absolute path in memory (relative to the trace in the file) and its hash. */
export interface FileRef {
  path: string;
  /** SHA-256 of the file's bytes, hex: a changed or different file is detected. */
  sha256: string;
}

/** Where a trace came from: an ONNX model whose initializers are the trained weights. */
export interface TraceSource extends FileRef {
  format: 'onnx';
}

export function isWeightLayer(layer: Layer): layer is WeightLayer {
  return layer.type === 'conv' || layer.type === 'fc';
}

/** Multiply-accumulates of one inference of a weight layer (dense count, pruning ignored). */
export function layerMacs(layer: Layer): number {
  if (layer.type === 'conv') {
    const [, oh, ow] = layer.outShape;
    return (layer.cin / layer.groups) * layer.kernel[0] * layer.kernel[1] * layer.cout * oh * ow;
  }
  if (layer.type === 'fc') return layer.inFeatures * layer.outFeatures;
  return 0;
}
