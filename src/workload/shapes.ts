/**
 * Shape inference: from a layer's parameters and its producers' output shapes to the in-memory
 * layer with `inShape` / `outShape`. Every mismatch is an InputError naming the field.
 */
import { InputError } from '../util/errors.ts';
import type { ParsedLayerSpec } from './trace-format.ts';
import type { Layer, Shape3 } from './types.ts';

/** Names one field of one layer in error messages: `layers[3].cin (layer 'conv2')`. */
export type FieldNamer = (field: string) => string;

/** Square shorthand to a pair. */
export function toPair(value: number | [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/**
 * Output length of a sliding window (PyTorch / ONNX rule). In ceil mode the last window must
 * still start inside the input or its left padding.
 */
export function windowOutput(
  size: number,
  kernel: number,
  stride: number,
  pad: number,
  ceil = false,
): number {
  const span = size + 2 * pad - kernel;
  if (span < 0) return 0;
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceil && (out - 1) * stride >= size + pad) out -= 1;
  return out;
}

function sameShape(a: Shape3, b: Shape3): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

function show(s: Shape3): string {
  return `[${s.join(', ')}]`;
}

/**
 * Build the in-memory layer from its spec and the output shapes of its producers
 * (`producerShapes[i]` belongs to `inputs[i]`).
 */
export function inferLayer(
  spec: ParsedLayerSpec,
  inputs: string[],
  producerShapes: Shape3[],
  source: string,
  where: FieldNamer,
): Layer {
  const single = (): Shape3 => {
    if (producerShapes.length !== 1)
      throw new InputError(
        source,
        where('inputs'),
        `a ${spec.type} layer reads one producer, got ${producerShapes.length}`,
      );
    return producerShapes[0];
  };
  const base = { name: spec.name, inputs };
  let layer: Layer;
  switch (spec.type) {
    case 'conv': {
      const inShape = single();
      const kernel = toPair(spec.kernel);
      const stride = toPair(spec.stride);
      const padding = toPair(spec.padding);
      const cin = spec.cin ?? inShape[0];
      if (cin !== inShape[0])
        throw new InputError(source, where('cin'), `is ${cin}, its input has ${inShape[0]} channels`);
      if (cin % spec.groups !== 0 || spec.cout % spec.groups !== 0)
        throw new InputError(
          source,
          where('groups'),
          `${spec.groups} groups must divide cin (${cin}) and cout (${spec.cout})`,
        );
      const oh = windowOutput(inShape[1], kernel[0], stride[0], padding[0]);
      const ow = windowOutput(inShape[2], kernel[1], stride[1], padding[1]);
      if (oh < 1 || ow < 1)
        throw new InputError(
          source,
          where('kernel'),
          `kernel ${kernel.join('x')} does not fit the padded input ${show(inShape)}`,
        );
      layer = {
        ...base,
        type: 'conv',
        inShape,
        outShape: [spec.cout, oh, ow],
        cin,
        cout: spec.cout,
        kernel,
        stride,
        padding,
        groups: spec.groups,
      };
      break;
    }
    case 'fc': {
      const inShape = single();
      const flat = inShape[0] * inShape[1] * inShape[2];
      const inFeatures = spec.inFeatures ?? flat;
      if (inFeatures !== flat)
        throw new InputError(
          source,
          where('inFeatures'),
          `is ${inFeatures}, its input ${show(inShape)} flattens to ${flat}`,
        );
      layer = {
        ...base,
        type: 'fc',
        inShape,
        outShape: [spec.outFeatures, 1, 1],
        inFeatures,
        outFeatures: spec.outFeatures,
      };
      break;
    }
    case 'pool': {
      const inShape = single();
      if (spec.global) {
        if (spec.kernel !== undefined || spec.stride !== undefined)
          throw new InputError(source, where('kernel'), 'a global pool takes no kernel or stride');
        layer = {
          ...base,
          type: 'pool',
          inShape,
          outShape: [inShape[0], 1, 1],
          mode: spec.mode,
          kernel: [inShape[1], inShape[2]],
          stride: [inShape[1], inShape[2]],
          padding: [0, 0],
          global: true,
        };
        break;
      }
      if (spec.kernel === undefined)
        throw new InputError(source, where('kernel'), 'required unless the pool is global');
      const kernel = toPair(spec.kernel);
      const stride = spec.stride === undefined ? kernel : toPair(spec.stride);
      const padding = toPair(spec.padding);
      if (padding[0] * 2 > kernel[0] || padding[1] * 2 > kernel[1])
        throw new InputError(source, where('padding'), 'padding must be at most half the kernel');
      const ceil = spec.ceilMode === true;
      const oh = windowOutput(inShape[1], kernel[0], stride[0], padding[0], ceil);
      const ow = windowOutput(inShape[2], kernel[1], stride[1], padding[1], ceil);
      if (oh < 1 || ow < 1)
        throw new InputError(
          source,
          where('kernel'),
          `kernel ${kernel.join('x')} does not fit the input ${show(inShape)}`,
        );
      layer = {
        ...base,
        type: 'pool',
        inShape,
        outShape: [inShape[0], oh, ow],
        mode: spec.mode,
        kernel,
        stride,
        padding,
        global: false,
      };
      if (ceil) layer.ceilMode = true;
      break;
    }
    case 'add':
    case 'mul': {
      if (producerShapes.length < 2)
        throw new InputError(source, where('inputs'), `an ${spec.type} layer combines two or more producers`);
      // The map is the largest producer; [C, 1, 1] producers (a per-channel vector) broadcast over it.
      const full = producerShapes.reduce((a, b) => (b[1] * b[2] > a[1] * a[2] ? b : a));
      producerShapes.forEach((s, i) => {
        const broadcast = s[0] === full[0] && s[1] === 1 && s[2] === 1;
        if (!sameShape(s, full) && !broadcast)
          throw new InputError(
            source,
            where('inputs'),
            `'${inputs[i]}' has shape ${show(s)}, '${inputs[producerShapes.indexOf(full)]}' has ${show(full)} (only equal shapes or a [C, 1, 1] vector combine)`,
          );
      });
      layer = { ...base, type: spec.type, inShape: full, outShape: full };
      break;
    }
    case 'resize': {
      const inShape = single();
      const [sy, sx] = toPair(spec.scale);
      let channels = inShape[0];
      if (spec.mode === 'depthToSpace') {
        if (channels % (sy * sx) !== 0)
          throw new InputError(
            source,
            where('scale'),
            `depthToSpace by ${sy}x${sx} needs channels divisible by ${sy * sx}, the input has ${channels}`,
          );
        channels /= sy * sx;
      }
      layer = {
        ...base,
        type: 'resize',
        inShape,
        outShape: [channels, inShape[1] * sy, inShape[2] * sx],
        mode: spec.mode,
        scale: [sy, sx],
      };
      break;
    }
    case 'slice': {
      const inShape = single();
      const [start, end] = spec.channels;
      if (start >= end || end > inShape[0])
        throw new InputError(
          source,
          where('channels'),
          `[${start}, ${end}) is not a channel range of the input ${show(inShape)}`,
        );
      layer = {
        ...base,
        type: 'slice',
        inShape,
        outShape: [end - start, inShape[1], inShape[2]],
        channels: [start, end],
      };
      break;
    }
    case 'concat': {
      if (producerShapes.length < 2)
        throw new InputError(source, where('inputs'), 'a concat layer joins two or more producers');
      const [, h, w] = producerShapes[0];
      let channels = 0;
      producerShapes.forEach((s, i) => {
        if (s[1] !== h || s[2] !== w)
          throw new InputError(
            source,
            where('inputs'),
            `'${inputs[i]}' is ${s[1]}x${s[2]}, '${inputs[0]}' is ${h}x${w}: concat needs equal maps`,
          );
        channels += s[0];
      });
      // inShape of a concat is its first producer's shape; outShape has the summed channels.
      layer = { ...base, type: 'concat', inShape: producerShapes[0], outShape: [channels, h, w] };
      break;
    }
  }
  if (spec.inShape && !sameShape(spec.inShape, layer.inShape))
    throw new InputError(
      source,
      where('inShape'),
      `is ${show(spec.inShape)}, inferred ${show(layer.inShape)}`,
    );
  if (spec.outShape && !sameShape(spec.outShape, layer.outShape))
    throw new InputError(
      source,
      where('outShape'),
      `is ${show(spec.outShape)}, inferred ${show(layer.outShape)}`,
    );
  if (spec.zeroInputFraction !== undefined) layer.zeroInputFraction = spec.zeroInputFraction;
  return layer;
}
