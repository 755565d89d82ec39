// onnxruntime-node as a matmul anchor, when installed: it is not a dependency (its install script
// downloads a binary; it installs with `npm install --ignore-scripts onnxruntime-node`), so it is
// imported dynamically and the report says when it was skipped. The model, one MatMul node, is
// encoded here as ONNX protobuf bytes, which saves shipping a .onnx file per shape and type.
import { createRequire } from 'node:module';

const PACKAGE = 'onnxruntime-node';

/** Whether onnxruntime-node resolves from this package; the reason when it does not. */
export function onnxAvailability() {
  try {
    createRequire(import.meta.url).resolve(PACKAGE);
    return { available: true };
  } catch {
    return { available: false, reason: 'not installed' };
  }
}

// Protobuf wire format: a field is a varint key (number << 3 | wire type), then a varint (type 0)
// or a length-prefixed payload (type 2).
function varint(value) {
  const out = [];
  let v = BigInt(value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}
const intField = (field, value) => [...varint((field << 3) | 0), ...varint(value)];
function bytesField(field, payload) {
  const bytes = typeof payload === 'string' ? [...new TextEncoder().encode(payload)] : payload;
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

const ELEM_TYPE = { f32: 1, f64: 11 }; // TensorProto.DataType FLOAT, DOUBLE

/** ValueInfoProto { name = 1, type = 2: TypeProto { tensor_type = 1: { elem_type = 1, shape = 2 } } } */
function tensorInfo(name, dtype, dims) {
  const shape = dims.flatMap((d) => bytesField(1, intField(1, d))); // TensorShapeProto.dim { dim_value = 1 }
  const tensorType = [...intField(1, ELEM_TYPE[dtype]), ...bytesField(2, shape)];
  return [...bytesField(1, name), ...bytesField(2, bytesField(1, tensorType))];
}

/** ModelProto bytes of C = MatMul(A, B) with A m×k and B k×n (IR version 8, opset 13). */
export function matmulModel(dtype, m, k, n) {
  const node = [...bytesField(1, 'A'), ...bytesField(1, 'B'), ...bytesField(2, 'C'), ...bytesField(3, 'matmul'), ...bytesField(4, 'MatMul')];
  const graph = [
    ...bytesField(1, node),
    ...bytesField(2, 'bench'),
    ...bytesField(11, tensorInfo('A', dtype, [m, k])),
    ...bytesField(11, tensorInfo('B', dtype, [k, n])),
    ...bytesField(12, tensorInfo('C', dtype, [m, n])),
  ];
  const opset = [...bytesField(1, ''), ...intField(2, 13)];
  return Uint8Array.from([...intField(1, 8), ...bytesField(2, 'parallel-kernels bench'), ...bytesField(7, graph), ...bytesField(8, opset)]);
}

/** The anchor's implementation for one matmul case; run() is async, as onnxruntime-node's run is. */
export async function onnxMatmul({ threads }, { a, b, m, n, k, dtype }) {
  const ort = await import(PACKAGE);
  const session = await ort.InferenceSession.create(matmulModel(dtype, m, k, n), {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const type = dtype === 'f32' ? 'float32' : 'float64';
  const feeds = { A: new ort.Tensor(type, a, [m, k]), B: new ort.Tensor(type, b, [k, n]) };
  let c;
  return {
    prepare() {},
    run: async () => { c = (await session.run(feeds)).C.data; },
    output: () => c,
    close: () => session.release?.(),
  };
}
