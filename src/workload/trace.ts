/**
 * Reading and writing trace files (docs/traces.md), and the zoo of shipped traces in `traces/`.
 * A trace is validated field by field (zod), then layer by layer: producers exist and come first,
 * shapes chain, masks fit their layer. Any problem is one InputError naming file, layer and field.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readJsonFile } from '../config/arch.ts';
import { firstIssue, issueField, issueProblem } from '../config/validate.ts';
import { jsonNamesIn } from '../util/json-files.ts';
import { InputError } from '../util/errors.ts';
import { projectRoot } from '../util/paths.ts';
import { decodeActivations, encodeActivations } from './activation-file.ts';
import { pathForTrace, pathFromTrace } from './file-ref.ts';
import { checkPruning, decodeKernelPattern, encodeKernelPattern } from './masks.ts';
import { inferLayer } from './shapes.ts';
import {
  TRACE_FORMAT,
  TRACE_VERSION,
  TraceSchema,
  type ActivationsSpec,
  type LayerSpec,
} from './trace-format.ts';
import type { Layer, Network, Shape3 } from './types.ts';

/** Folder of the shipped traces (the zoo). */
export const TRACE_DIR = join(projectRoot, 'traces');

/** The name a layer's `inputs` use for the network input. */
export const NETWORK_INPUT = 'input';

/** Zoo trace names (files `traces/<name>.json`), sorted. */
export function listZoo(): string[] {
  return jsonNamesIn(TRACE_DIR);
}

/** `--trace`: a zoo name such as `vgg16-cifar10`, or a path to a trace file. */
export function resolveTracePath(nameOrPath: string): string {
  const zooFile = join(TRACE_DIR, `${nameOrPath}.json`);
  if (!nameOrPath.includes('/') && !nameOrPath.endsWith('.json') && existsSync(zooFile)) return zooFile;
  if (existsSync(nameOrPath)) return resolve(nameOrPath);
  throw new InputError(
    '--trace',
    '',
    `unknown zoo trace or missing file '${nameOrPath}' (zoo: ${listZoo().join(', ')})`,
  );
}

/** Read and validate a trace file. */
export function loadTrace(path: string): Network {
  return parseTrace(readJsonFile(path), path);
}

/** Validate a trace document already in memory; `source` names it in errors. */
export function parseTrace(document: unknown, source: string): Network {
  const parsed = firstIssue(TraceSchema, document);
  if (!parsed.ok) {
    const issue = parsed.issue;
    const path = issue.path;
    let field = issueField(issue);
    // Name the layer as well as its index, so the user can find it in the file.
    if (path[0] === 'layers' && typeof path[1] === 'number') {
      const layer = (document as { layers?: unknown[] }).layers?.[path[1]] as { name?: unknown } | undefined;
      if (typeof layer?.name === 'string') field += ` (layer '${layer.name}')`;
    }
    throw new InputError(source, field, issueProblem(issue));
  }
  const doc = parsed.data;
  const shapes = new Map<string, Shape3>([[NETWORK_INPUT, doc.inputShape]]);
  const layers: Layer[] = [];
  doc.layers.forEach((spec, index) => {
    const where = (field: string) => `layers[${index}].${field} (layer '${spec.name}')`;
    if (shapes.has(spec.name))
      throw new InputError(source, where('name'), `the name '${spec.name}' is used twice`);
    const inputs = spec.inputs ?? [index === 0 ? NETWORK_INPUT : doc.layers[index - 1].name];
    const producerShapes = inputs.map((name) => {
      const s = shapes.get(name);
      if (!s)
        throw new InputError(
          source,
          where('inputs'),
          `'${name}' is not the network input or an earlier layer (layers are in topological order)`,
        );
      return s;
    });
    const layer = inferLayer(spec, inputs, producerShapes, source, where);
    checkSize(layer, source, where);
    if (layer.type === 'conv' && spec.type === 'conv' && spec.pruning) {
      layer.pruning = {
        patterns: spec.pruning.patterns.map((p) => [...p]),
        kernelPattern: decodeKernelPattern(spec.pruning.kernels),
      };
      checkPruning(layer.pruning, layer, source, where);
    }
    shapes.set(layer.name, layer.outShape);
    layers.push(layer);
  });
  const network: Network = { name: doc.name, inputShape: doc.inputShape, layers };
  if (doc.description !== undefined) network.description = doc.description;
  // Paths in the file are relative to the trace's folder; in memory they are absolute.
  if (doc.source) network.source = { ...doc.source, path: pathFromTrace(doc.source.path, source) };
  if (doc.activations) {
    const path = pathFromTrace(doc.activations.file, source);
    network.activations = decodeActivations(doc.activations, path, network, source);
    network.activationsFile = { path, sha256: doc.activations.sha256 };
    if (doc.activations.input !== undefined) network.activationsInput = doc.activations.input;
  }
  return network;
}

/**
 * Weights one layer may have. VGG-16's largest layer has 0.1 G; a layer ten times larger is likely a
 * typo, and would otherwise end in an out-of-memory crash instead of a message.
 */
export const MAX_LAYER_WEIGHTS = 2 ** 30;
/** Output positions one feature map may have (a 16k x 16k image). */
export const MAX_MAP_POSITIONS = 2 ** 28;

function checkSize(layer: Layer, source: string, where: (field: string) => string): void {
  if (layer.outShape[1] * layer.outShape[2] > MAX_MAP_POSITIONS)
    throw new InputError(
      source,
      where('outShape'),
      `a ${layer.outShape.join('x')} map is larger than ousim handles`,
    );
  const weights =
    layer.type === 'conv'
      ? ((layer.cout * layer.cin) / layer.groups) * layer.kernel[0] * layer.kernel[1]
      : layer.type === 'fc'
        ? layer.inFeatures * layer.outFeatures
        : 0;
  if (weights > MAX_LAYER_WEIGHTS)
    throw new InputError(
      source,
      where(layer.type === 'conv' ? 'cout' : 'outFeatures'),
      `${weights.toExponential(2)} weights in one layer is more than ousim handles (${MAX_LAYER_WEIGHTS.toExponential(0)})`,
    );
}

/** The file form of one layer, with a fixed key order and `inputs` left out when it is the default. */
function layerSpec(layer: Layer, previous: string): LayerSpec {
  const head: { name: string; inputs?: string[] } = { name: layer.name };
  if (layer.inputs.length !== 1 || layer.inputs[0] !== previous) head.inputs = [...layer.inputs];
  const tail = {
    outShape: [...layer.outShape] as Shape3,
    ...(layer.zeroInputFraction !== undefined ? { zeroInputFraction: layer.zeroInputFraction } : {}),
  };
  switch (layer.type) {
    case 'conv':
      return {
        ...head,
        type: 'conv',
        cin: layer.cin,
        cout: layer.cout,
        kernel: [...layer.kernel],
        stride: [...layer.stride],
        padding: [...layer.padding],
        groups: layer.groups,
        ...tail,
        ...(layer.pruning
          ? {
              pruning: {
                patterns: layer.pruning.patterns.map((p) => [...p]),
                kernels: encodeKernelPattern(layer.pruning.kernelPattern),
              },
            }
          : {}),
      };
    case 'fc':
      return { ...head, type: 'fc', inFeatures: layer.inFeatures, outFeatures: layer.outFeatures, ...tail };
    case 'pool':
      if (layer.global) return { ...head, type: 'pool', mode: layer.mode, global: true, ...tail };
      return {
        ...head,
        type: 'pool',
        mode: layer.mode,
        kernel: [...layer.kernel],
        stride: [...layer.stride],
        padding: [...layer.padding],
        ...(layer.ceilMode ? { ceilMode: true } : {}),
        ...tail,
      };
    case 'add':
      return { ...head, type: 'add', ...tail };
    case 'mul':
      return { ...head, type: 'mul', ...tail };
    case 'resize':
      return { ...head, type: 'resize', mode: layer.mode, scale: [...layer.scale], ...tail };
    case 'slice':
      return { ...head, type: 'slice', channels: [...layer.channels], ...tail };
    case 'concat':
      return { ...head, type: 'concat', ...tail };
  }
}

/**
 * The trace file text of a network: deterministic (fixed key order, one layer per line so that
 * diffs stay readable), ending with a newline. `dir` is the folder the trace is written to: the
 * source model and activations file are referred to relative to it (absolute when it is not given).
 * The activations sidecar itself is written by whoever writes the trace (`ousim capture`).
 */
export function writeTrace(network: Network, dir?: string): string {
  const refPath = (path: string) => (dir === undefined ? path : pathForTrace(path, dir));
  const head: string[] = [
    `  "format": ${JSON.stringify(TRACE_FORMAT)}`,
    `  "version": ${TRACE_VERSION}`,
    `  "name": ${JSON.stringify(network.name)}`,
  ];
  if (network.description !== undefined) head.push(`  "description": ${JSON.stringify(network.description)}`);
  head.push(`  "inputShape": ${JSON.stringify(network.inputShape)}`);
  if (network.source) {
    const { format, path, sha256 } = network.source;
    head.push(`  "source": ${JSON.stringify({ format, path: refPath(path), sha256 })}`);
  }
  const layers = network.layers.map((layer, i) => {
    // Key order: name, type, inputs, then the layer's own fields.
    const { name, type, inputs, ...rest } = layerSpec(
      layer,
      i === 0 ? NETWORK_INPUT : network.layers[i - 1].name,
    );
    return `    ${JSON.stringify({ name, type, ...(inputs ? { inputs } : {}), ...rest })}`;
  });
  let tail = '';
  if (network.activations && network.activationsFile) {
    const { layers: entries } = activationLayout(network);
    const activations: ActivationsSpec = {
      file: refPath(network.activationsFile.path),
      sha256: network.activationsFile.sha256,
      ...(network.activationsInput !== undefined ? { input: network.activationsInput } : {}),
      layers: entries,
    };
    const { layers: list, ...rest } = activations;
    const fields = Object.entries(rest).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    const rows = list.map((entry) => `      ${JSON.stringify(entry)}`);
    tail = `,\n  "activations": {\n${fields.join(',\n')},\n    "layers": [\n${rows.join(',\n')}\n    ]\n  }`;
  }
  return `{\n${head.join(',\n')},\n  "layers": [\n${layers.join(',\n')}\n  ]${tail}\n}\n`;
}

/** The sidecar layout of a network's activations (layers in trace order). */
export function activationLayout(network: Network): ReturnType<typeof encodeActivations> {
  return encodeActivations(
    network.activations ?? new Map(),
    network.layers.map((l) => l.name),
  );
}
