// The anchors: what a Node user reaches for without this package, timed in the same run as its
// backends so that every ratio in the report compares figures taken minutes apart on the same
// machine. Each entry makes an implementation for one case: prepare() restores the input outside
// the timed region, run() is the timed call, output() is what the checks inspect.
import { Worker } from 'node:worker_threads';
import { onnxMatmul } from './onnx.mjs';
import { openblasMatmul } from './openblas.mjs';

function compareFor(array) {
  return typeof array[0] === 'bigint' ? (x, y) => (x < y ? -1 : x > y ? 1 : 0) : (x, y) => x - y;
}

/** A fresh copy of `input` before every sample, into one buffer so no allocation is timed. */
function sortOf(input, sortFn) {
  const work = new input.constructor(input.length);
  return { prepare: () => work.set(input), run: () => sortFn(work), output: () => work };
}

/** The loop a Node user writes by hand: i-k-j, row-major, over rows [r0, r1) of C. */
export function plainMatmul(a, b, c, m, n, k, r0 = 0, r1 = m) {
  c.fill(0, r0 * n, r1 * n);
  for (let i = r0; i < r1; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const row = p * n;
      const out = i * n;
      for (let j = 0; j < n; j++) c[out + j] += aip * b[row + j];
    }
  }
}

function sharedCopy(array) {
  const copy = new array.constructor(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/**
 * The same loop spread over worker_threads the way a Node user would: A, B and C on shared memory,
 * a band of rows each, the caller blocked on an Atomics counter until every band is done.
 */
function workersMatmul({ a, b, m, n, k }, count) {
  const code = `
    const { parentPort } = require('node:worker_threads');
    ${plainMatmul}
    parentPort.on('message', ({ a, b, c, m, n, k, r0, r1, done }) => {
      plainMatmul(a, b, c, m, n, k, r0, r1);
      Atomics.add(done, 0, 1);
      Atomics.notify(done, 0);
    });`;
  const workers = Array.from({ length: count }, () => new Worker(code, { eval: true }));
  const [sa, sb] = [sharedCopy(a), sharedCopy(b)];
  const c = new a.constructor(new SharedArrayBuffer(a.BYTES_PER_ELEMENT * m * n));
  const done = new Int32Array(new SharedArrayBuffer(4));
  return {
    prepare() {},
    run() {
      Atomics.store(done, 0, 0);
      workers.forEach((w, i) => w.postMessage({
        a: sa, b: sb, c, m, n, k, r0: Math.floor((i * m) / count), r1: Math.floor(((i + 1) * m) / count), done,
      }));
      for (let seen = 0; seen < count; seen = Atomics.load(done, 0)) Atomics.wait(done, 0, seen);
    },
    output: () => c,
    repeatable: true,
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

/** Each anchor: the kinds of case it times, its label in the tables, and its factory. */
export const ANCHORS = {
  'typedarray-sort': {
    kinds: ['sort'],
    label: () => 'TypedArray.prototype.sort()',
    make: (_, { input }) => sortOf(input, (w) => w.sort()),
  },
  'typedarray-sort-comparator': {
    kinds: ['sort'],
    label: () => 'TypedArray.prototype.sort(comparator)',
    make: (_, { input }) => {
      const compare = compareFor(input);
      return sortOf(input, (w) => w.sort(compare));
    },
  },
  'js-argsort': {
    kinds: ['argsort'],
    label: () => 'JS argsort (indices.sort(comparator))',
    make: (_, { input }) => {
      const compare = compareFor(input);
      let order;
      return {
        prepare() {},
        run() {
          // Building the index array is part of an argsort, so it is timed.
          order = new Uint32Array(input.length);
          for (let i = 0; i < order.length; i++) order[i] = i;
          order.sort((i, j) => compare(input[i], input[j]) || i - j);
        },
        output: () => order,
      };
    },
  },
  'plain-matmul': {
    kinds: ['matmul'],
    label: () => 'plain JS i-k-j loop, 1 thread',
    make: (_, { a, b, m, n, k }) => {
      const c = new a.constructor(m * n);
      return { prepare() {}, run: () => plainMatmul(a, b, c, m, n, k), output: () => c, repeatable: true };
    },
  },
  'plain-matmul-workers': {
    kinds: ['matmul'],
    label: ({ threads }) => `plain JS i-k-j loop, ${threads} workers`,
    make: ({ threads }, ctx) => workersMatmul(ctx, threads),
  },
  'ml-matrix': {
    kinds: ['matmul'],
    label: () => 'ml-matrix mmul',
    make: async (_, { a, b, m, n, k }) => {
      const { Matrix } = await import('ml-matrix');
      // ml-matrix holds rows of JS numbers: converting the inputs is the user's cost up front, not per product.
      const toMatrix = (x, rows, cols) => new Matrix(Array.from({ length: rows }, (_, i) => Array.from(x.subarray(i * cols, (i + 1) * cols))));
      const [ma, mb] = [toMatrix(a, m, k), toMatrix(b, k, n)];
      let product;
      return { prepare() {}, run: () => { product = ma.mmul(mb); }, output: () => (i, j) => product.get(i, j), repeatable: true };
    },
  },
  onnxruntime: {
    kinds: ['matmul'],
    optional: 'onnxruntime-node',
    label: ({ threads }) => `onnxruntime-node, ${threads} thread${threads === 1 ? '' : 's'}`,
    make: (params, ctx) => onnxMatmul(params, ctx),
  },
  // Built on demand (openblas.mjs); the yardstick of the native backend, one row per thread count.
  openblas: {
    kinds: ['matmul'],
    label: ({ threads }) => `OpenBLAS (C++, cblas), ${threads} thread${threads === 1 ? '' : 's'}`,
    make: (params, ctx) => openblasMatmul(params, ctx),
  },
};
