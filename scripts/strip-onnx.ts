/**
 * Strips the weight data out of an ONNX model, keeping everything else byte for byte: the graph,
 * node names and attributes, inputs, outputs, value_info, opset and producer, and each
 * initializer's name, data type and dims. What is left is a graph of a few KB that `ousim import`
 * reads exactly as the original (it needs the dims only), for committing as a test fixture.
 *
 * It walks the protobuf wire format with protobufjs's Reader instead of decoding and re-encoding
 * with our schema subset, which would silently drop every field the subset leaves out.
 *
 * Run: npx tsx scripts/strip-onnx.ts IN.onnx OUT.onnx
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import protobuf from 'protobufjs';

// Field numbers from ONNX's onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
/** TensorProto fields holding values: float, int32, string, int64, raw, double, uint64 data. */
const TENSOR_DATA = new Set([4, 5, 6, 7, 9, 10, 11]);
const LENGTH_DELIMITED = 2;

/**
 * Tensors whose data takes at most this many bytes keep it: shape constants and scalars that a
 * Reshape may need cost nothing, weights and biases are far larger.
 */
export const KEEP_DATA_BYTES = 64;

interface Field {
  number: number;
  wireType: number;
  /** The whole field as encoded: tag, length if any, payload. */
  encoded: Uint8Array;
  /** The payload of a length-delimited field. */
  payload?: Uint8Array;
}

function fieldsOf(bytes: Uint8Array): Field[] {
  const reader = protobuf.Reader.create(bytes);
  const fields: Field[] = [];
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const wireType = tag & 7;
    let payload: Uint8Array | undefined;
    if (wireType === LENGTH_DELIMITED) payload = reader.bytes();
    else reader.skipType(wireType);
    fields.push({ number: tag >>> 3, wireType, encoded: bytes.subarray(start, reader.pos), payload });
  }
  return fields;
}

/** A length-delimited field with a new payload. */
function encodeField(number: number, payload: Uint8Array): Uint8Array {
  const head = protobuf.Writer.create()
    .uint32((number << 3) | LENGTH_DELIMITED)
    .uint32(payload.length)
    .finish();
  return Buffer.concat([head, payload]);
}

/** Rewrites the length-delimited fields numbered `number` of a message with `rewrite`. */
function rewriteFields(
  bytes: Uint8Array,
  number: number,
  rewrite: (payload: Uint8Array) => Uint8Array,
): Uint8Array {
  return Buffer.concat(
    fieldsOf(bytes).map((f) =>
      f.number === number && f.payload ? encodeField(number, rewrite(f.payload)) : f.encoded,
    ),
  );
}

function stripTensor(tensor: Uint8Array): Uint8Array {
  const fields = fieldsOf(tensor);
  const dataBytes = fields
    .filter((f) => TENSOR_DATA.has(f.number))
    .reduce((sum, f) => sum + f.encoded.length, 0);
  if (dataBytes <= KEEP_DATA_BYTES) return tensor;
  return Buffer.concat(fields.filter((f) => !TENSOR_DATA.has(f.number)).map((f) => f.encoded));
}

/** The model without its initializers' data (small initializers are kept whole). */
export function stripOnnx(model: Uint8Array): Uint8Array {
  return rewriteFields(model, MODEL_GRAPH, (graph) => rewriteFields(graph, GRAPH_INITIALIZER, stripTensor));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) {
    process.stderr.write('usage: npx tsx scripts/strip-onnx.ts IN.onnx OUT.onnx\n');
    process.exit(2);
  }
  const input = readFileSync(from);
  const output = stripOnnx(input);
  writeFileSync(to, output);
  process.stdout.write(`${from} (${input.length} bytes) -> ${to} (${output.length} bytes)\n`);
}
