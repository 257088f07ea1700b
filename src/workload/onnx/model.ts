/**
 * Decoding ONNX model files with protobufjs and the schema subset in onnx-subset.proto, into
 * plain objects the importer and the weight reader use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type protobuf from 'protobufjs';
import { InputError } from '../../util/errors.ts';

/** protobufjs (CommonJS) is loaded on first use: a run on a zoo trace never decodes ONNX. */
const requireCjs = createRequire(import.meta.url);

let cachedRoot: protobuf.Root | undefined;

/** The protobuf types of the ONNX schema subset (parsed once). */
export function onnxRoot(): protobuf.Root {
  if (!cachedRoot) {
    const text = readFileSync(new URL('./onnx-subset.proto', import.meta.url), 'utf8');
    const { parse } = requireCjs('protobufjs') as typeof protobuf;
    cachedRoot = parse(text, { keepCase: true }).root;
  }
  return cachedRoot;
}

export const ONNX_FLOAT = 1;
export const ONNX_DOUBLE = 11;
const EXTERNAL_DATA = 1;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
  floatData: number[];
  doubleData: number[];
  int64Data: number[];
  /** The data lives in a file beside the model (not supported for weights). */
  external: boolean;
}

export interface OnnxAttribute {
  name: string;
  i?: number;
  f?: number;
  s?: string;
  ints: number[];
  floats: number[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

/** A graph input or value_info: its name and dims (a string for a symbolic dim, -1 if unknown). */
export interface OnnxValue {
  name: string;
  dims: (number | string)[] | undefined;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  inputs: OnnxValue[];
  /** Names of the graph outputs. */
  outputs: string[];
  valueInfo: Map<string, OnnxValue>;
}

/** int64 fields decode as numbers or Long objects depending on their size. */
function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function')
    return (value as { toNumber(): number }).toNumber();
  return Number(value ?? 0);
}

// The decoded message objects, typed by the fields ousim reads (snake_case as in the schema).
interface RawTensor {
  name?: string;
  dims?: unknown[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  double_data?: number[];
  int64_data?: unknown[];
  data_location?: number;
}
interface RawAttribute {
  name?: string;
  i?: unknown;
  f?: number;
  s?: Uint8Array;
  ints?: unknown[];
  floats?: number[];
  t?: RawTensor | null;
}
interface RawValue {
  name?: string;
  type?: { tensor_type?: { shape?: { dim?: { dim_value?: unknown; dim_param?: string }[] } } };
}
interface RawGraph {
  name?: string;
  node?: {
    name?: string;
    op_type?: string;
    input?: string[];
    output?: string[];
    attribute?: RawAttribute[];
  }[];
  initializer?: RawTensor[];
  input?: RawValue[];
  output?: RawValue[];
  value_info?: RawValue[];
}

function tensorOf(t: RawTensor): OnnxTensor {
  return {
    name: t.name ?? '',
    dims: (t.dims ?? []).map(num),
    dataType: t.data_type ?? 0,
    rawData: t.raw_data ?? new Uint8Array(0),
    floatData: t.float_data ?? [],
    doubleData: t.double_data ?? [],
    int64Data: (t.int64_data ?? []).map(num),
    external: t.data_location === EXTERNAL_DATA,
  };
}

function valueOf(v: RawValue): OnnxValue {
  // A symbolic dim ('batch', 'height') is kept as its name; protobufjs reads an unset dim_value as 0.
  const dims = v.type?.tensor_type?.shape?.dim?.map((d) =>
    d.dim_param ? d.dim_param : d.dim_value !== undefined && d.dim_value !== null ? num(d.dim_value) : -1,
  );
  return { name: v.name ?? '', dims };
}

/** Decode an ONNX model's graph from its bytes; `source` names the file in errors. */
export function decodeOnnx(bytes: Uint8Array, source: string): OnnxGraph {
  let model: { graph?: RawGraph };
  try {
    model = onnxRoot().lookupType('onnx.ModelProto').decode(bytes) as unknown as { graph?: RawGraph };
  } catch (error) {
    throw new InputError(
      source,
      '',
      `not an ONNX model (protobuf decoding failed: ${(error as Error).message})`,
    );
  }
  const graph = model.graph;
  if (!graph || !graph.node?.length) throw new InputError(source, 'graph', 'the model has no graph nodes');
  const nodes = graph.node.map((n, index): OnnxNode => {
    const attributes = new Map<string, OnnxAttribute>();
    for (const a of n.attribute ?? []) {
      attributes.set(a.name ?? '', {
        name: a.name ?? '',
        ...(a.i !== undefined && a.i !== null ? { i: num(a.i) } : {}),
        ...(a.f !== undefined && a.f !== null ? { f: a.f } : {}),
        ...(a.s?.length ? { s: new TextDecoder().decode(a.s) } : {}),
        ints: (a.ints ?? []).map(num),
        floats: a.floats ?? [],
      });
    }
    return {
      name: n.name || `${n.op_type ?? 'node'}_${index}`,
      opType: n.op_type ?? '',
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      attributes,
    };
  });
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', tensorOf(t)]));
  // Exporters such as Paddle2ONNX keep every weight in a Constant node instead of an initializer:
  // its tensor is the same parameter, under the node's output name.
  for (const n of graph.node) {
    if (n.op_type !== 'Constant' || !n.output?.[0] || initializers.has(n.output[0])) continue;
    const value = n.attribute?.find((a) => a.name === 'value')?.t;
    if (value) initializers.set(n.output[0], { ...tensorOf(value), name: n.output[0] });
  }
  return {
    name: graph.name ?? '',
    nodes,
    initializers,
    inputs: (graph.input ?? []).map(valueOf),
    outputs: (graph.output ?? []).map((v) => v.name ?? ''),
    valueInfo: new Map((graph.value_info ?? []).map((v) => [v.name ?? '', valueOf(v)])),
  };
}

export function readOnnxFile(path: string): OnnxGraph {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new InputError(path, '', 'cannot read the file');
  }
  return decodeOnnx(bytes, path);
}

/** The values of a float tensor (float32 or float64, raw_data or the typed field). */
export function tensorValues(tensor: OnnxTensor, source: string): Float32Array | Float64Array {
  const field = `initializer '${tensor.name}'`;
  if (tensor.external)
    throw new InputError(
      source,
      field,
      'external data files are not supported; save the model with its weights inside',
    );
  const count = tensor.dims.reduce((a, b) => a * b, 1);
  let values: Float32Array | Float64Array;
  if (tensor.dataType === ONNX_FLOAT) {
    if (tensor.rawData.length) values = littleEndian(tensor.rawData, 4, source, field);
    else values = Float32Array.from(tensor.floatData);
  } else if (tensor.dataType === ONNX_DOUBLE) {
    if (tensor.rawData.length) values = littleEndian(tensor.rawData, 8, source, field);
    else values = Float64Array.from(tensor.doubleData);
  } else {
    throw new InputError(source, field, `data type ${tensor.dataType} is not float32 or float64`);
  }
  if (values.length === 0) throw new InputError(source, field, 'holds no values (a shapes-only model)');
  if (values.length !== count)
    throw new InputError(
      source,
      field,
      `holds ${values.length} values, its dims [${tensor.dims.join(', ')}] need ${count}`,
    );
  return values;
}

export const ONNX_INT64 = 7;

/**
 * The values of a small constant (shape arithmetic, scales, pads): int64 or float tensors, as
 * numbers. Undefined when the tensor holds no data.
 */
export function constantValues(tensor: OnnxTensor): number[] | undefined {
  if (tensor.external) return undefined;
  if (tensor.dataType === ONNX_INT64) {
    if (tensor.int64Data.length) return tensor.int64Data;
    if (tensor.rawData.length % 8 !== 0 || tensor.rawData.length === 0) return undefined;
    const view = new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.byteLength);
    return Array.from({ length: tensor.rawData.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
  if (tensor.dataType === ONNX_FLOAT || tensor.dataType === ONNX_DOUBLE) {
    if (tensor.rawData.length) {
      const width = tensor.dataType === ONNX_FLOAT ? 4 : 8;
      if (tensor.rawData.length % width !== 0) return undefined;
      return Array.from(littleEndian(tensor.rawData, width, '', ''));
    }
    const values = tensor.dataType === ONNX_FLOAT ? tensor.floatData : tensor.doubleData;
    return values.length ? values : undefined;
  }
  return undefined;
}

/** Copy little-endian IEEE floats out of a byte buffer (which may be unaligned). */
export function littleEndian(
  bytes: Uint8Array,
  width: 4 | 8,
  source: string,
  field: string,
): Float32Array | Float64Array {
  if (bytes.length % width !== 0)
    throw new InputError(
      source,
      field,
      `${bytes.length} bytes is not a whole number of ${width}-byte floats`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length / width;
  if (width === 4) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}
