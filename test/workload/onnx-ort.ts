/**
 * Test helpers that ask onnxruntime, not ousim, what a model does: the shapes of its tensors on a
 * given input, and from them the MACs of every weight node by the textbook formulas. They are the
 * independent side of the import checks.
 */
import * as ort from 'onnxruntime-node';
import { withGraphOutputs } from '../../src/workload/capture/graph-outputs.ts';
import type { OnnxGraph } from '../../src/workload/onnx/model.ts';

/** Dims of `tensors` when onnxruntime runs the model on a seeded random input of `inputDims`. */
export async function ortDims(
  model: Uint8Array,
  tensors: readonly string[],
  inputDims: number[],
): Promise<Map<string, readonly number[]>> {
  const session = await ort.InferenceSession.create(withGraphOutputs(model, tensors));
  const n = inputDims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 12.9898) * 0.5;
  const results = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, inputDims) }, [
    ...tensors,
  ]);
  await session.release();
  return new Map(tensors.map((t) => [t, results[t].dims]));
}

/** The weight nodes of a graph in order, with what their MACs need. */
export function weightNodes(graph: OnnxGraph) {
  return graph.nodes.filter((n) => ['Conv', 'ConvTranspose', 'Gemm', 'MatMul'].includes(n.opType));
}

/**
 * MACs per weight node, by the formulas of the operators on the shapes onnxruntime computed:
 * Conv: cout * (cin/groups) * kh * kw * outH * outW; ConvTranspose: every input pixel times every
 * weight, cin * (cout/groups) * kh * kw * inH * inW; Gemm / MatMul with a constant weight matrix: its
 * element count (batch 1).
 */
export async function independentMacs(
  model: Uint8Array,
  graph: OnnxGraph,
  inputDims: number[],
): Promise<number[]> {
  const nodes = weightNodes(graph);
  const tensors = [...new Set(nodes.flatMap((n) => [n.inputs[0], n.outputs[0]]))].filter(
    (t) => !graph.inputs.some((v) => v.name === t),
  );
  const dims = await ortDims(model, tensors, inputDims);
  dims.set(graph.inputs[0].name, inputDims);
  const weight = (name: string) => {
    const init = graph.initializers.get(name);
    if (!init) throw new Error(`no initializer ${name}`);
    return init.dims;
  };
  return nodes.map((n) => {
    const w = weight(n.inputs[1]);
    const product = w.reduce((a, b) => a * b, 1);
    if (n.opType === 'Conv') {
      const out = dims.get(n.outputs[0]) as number[];
      return product * out[2] * out[3];
    }
    if (n.opType === 'ConvTranspose') {
      const input = dims.get(n.inputs[0]) as number[];
      return product * input[2] * input[3];
    }
    return product;
  });
}
