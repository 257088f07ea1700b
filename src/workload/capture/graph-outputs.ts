/**
 * Makes intermediate tensors of an ONNX model observable: appends them to the graph's outputs so that
 * onnxruntime returns them. The edit is done on the protobuf wire format (as scripts/strip-onnx.ts
 * reads it), not by decoding and re-encoding with ousim's schema subset, which would drop every field
 * the subset leaves out (and with it parts of the model).
 */
import protobuf from 'protobufjs';

// Field numbers from ONNX's onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH_OUTPUT = 12;
const VALUE_INFO_NAME = 1;
const LENGTH_DELIMITED = 2;

/** The model bytes with `names` added as graph outputs (a ValueInfoProto with the name only). */
export function withGraphOutputs(model: Uint8Array, names: readonly string[]): Uint8Array {
  const reader = protobuf.Reader.create(model);
  const parts: Uint8Array[] = [];
  let found = false;
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    const wireType = tag & 7;
    if (tag >>> 3 === MODEL_GRAPH && wireType === LENGTH_DELIMITED) {
      const graph = reader.bytes();
      const extra = protobuf.Writer.create();
      for (const name of names) {
        const info = protobuf.Writer.create()
          .uint32((VALUE_INFO_NAME << 3) | LENGTH_DELIMITED)
          .string(name)
          .finish();
        extra.uint32((GRAPH_OUTPUT << 3) | LENGTH_DELIMITED).bytes(info);
      }
      // Repeated fields may come in any order: the new outputs simply follow the graph's own fields.
      const joined = concat([graph, extra.finish()]);
      parts.push(
        protobuf.Writer.create()
          .uint32((MODEL_GRAPH << 3) | LENGTH_DELIMITED)
          .bytes(joined)
          .finish(),
      );
      found = true;
      continue;
    }
    reader.skipType(wireType);
    parts.push(model.subarray(start, reader.pos));
  }
  if (!found) throw new Error('the model has no graph');
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
