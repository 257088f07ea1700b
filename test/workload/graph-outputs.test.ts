/**
 * withGraphOutputs splices new graph outputs into a model's bytes (src/workload/capture/graph-outputs.ts):
 * the edited model must decode to the same model with only the outputs added, whatever comes before or
 * after the graph field, and the names of any length (a length varint of one, two or three bytes).
 */
import { expect } from 'chai';
import { withGraphOutputs } from '../../src/workload/capture/graph-outputs.ts';
import { onnxRoot } from '../../src/workload/onnx/model.ts';
import { tinyOnnx } from './onnx-builder.ts';

const ModelProto = () => onnxRoot().lookupType('onnx.ModelProto');
interface Decoded {
  opset_import: unknown[];
  graph: { output: { name: string }[] };
}
const decoded = (bytes: Uint8Array) =>
  ModelProto().toObject(ModelProto().decode(bytes), { longs: String }) as Decoded;

describe('workload: adding graph outputs to an ONNX model', () => {
  it("adds the outputs after the graph's own, and keeps every other field of the model and graph", () => {
    const model = tinyOnnx();
    const names = ['/relu1/Relu_output_0', 'x'.repeat(200), 'y'.repeat(20000)];
    const before = decoded(model);
    const after = decoded(withGraphOutputs(model, names));
    expect(after.graph.output.map((o) => o.name)).to.deep.equal([
      ...before.graph.output.map((o) => o.name),
      ...names,
    ]);
    // Fields before the graph (ir_version, producer_name) and after it (opset_import) survive.
    expect(after.opset_import).to.deep.equal(before.opset_import).and.to.have.length(1);
    after.graph.output = before.graph.output;
    expect(after).to.deep.equal(before);
  });

  it('with no names decodes to the same model, and refuses a model without a graph', () => {
    const model = tinyOnnx();
    expect(decoded(withGraphOutputs(model, []))).to.deep.equal(decoded(model));
    const noGraph = ModelProto()
      .encode(ModelProto().fromObject({ ir_version: 8, producer_name: 'x' }))
      .finish();
    expect(() => withGraphOutputs(noGraph, ['a'])).to.throw('the model has no graph');
  });
});
