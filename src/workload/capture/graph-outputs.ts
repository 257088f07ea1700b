/**
 * Makes intermediate tensors of an ONNX model observable: appends them to the graph's outputs so that
 * onnxruntime returns them. The edit is done on the protobuf wire format (as scripts/strip-onnx.ts
 * reads it), not by decoding and re-encoding with ousim's schema subset, which would drop every field
 * the subset leaves out (and with it parts of the model).
 *
 * The model's bytes are spliced, not re-encoded: the graph field's tag and length are rewritten and the
 * new outputs appended after its content, all copied once into one buffer. Going through protobufjs'
 * Reader.bytes / Writer.bytes copied the graph (553 MB on VGG-16 ImageNet) several times and took 10 s
 * of a 14 s capture (`npm run bench -- capture`); the one copy takes about 2.5 s on this project's
machine, where filling fresh memory is slow.
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
  while (reader.pos < reader.len) {
    const fieldStart = reader.pos;
    const tag = reader.uint32();
    const wireType = tag & 7;
    if (tag >>> 3 === MODEL_GRAPH && wireType === LENGTH_DELIMITED) {
      const graphLength = reader.uint32();
      const graphStart = reader.pos;
      const graphEnd = graphStart + graphLength;
      // Repeated fields may come in any order: the new outputs simply follow the graph's own fields.
      const extra = graphOutputFields(names);
      const header = protobuf.Writer.create()
        .uint32((MODEL_GRAPH << 3) | LENGTH_DELIMITED)
        .uint32(graphLength + extra.length)
        .finish();
      const out = new Uint8Array(
        fieldStart + header.length + graphLength + extra.length + (model.length - graphEnd),
      );
      let at = 0;
      for (const part of [
        model.subarray(0, fieldStart),
        header,
        model.subarray(graphStart, graphEnd),
        extra,
        model.subarray(graphEnd),
      ]) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    }
    reader.skipType(wireType);
  }
  throw new Error('the model has no graph');
}

/** GraphProto `output` fields, one ValueInfoProto holding only a name each. */
function graphOutputFields(names: readonly string[]): Uint8Array {
  const writer = protobuf.Writer.create();
  for (const name of names) {
    const info = protobuf.Writer.create()
      .uint32((VALUE_INFO_NAME << 3) | LENGTH_DELIMITED)
      .string(name)
      .finish();
    writer.uint32((GRAPH_OUTPUT << 3) | LENGTH_DELIMITED).bytes(info);
  }
  return writer.finish();
}
