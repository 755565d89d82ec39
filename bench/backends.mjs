// The package's own rows: every backend (native, workers, js) through the public synchronous API
// of the built package, as a user calls it. Same factory shape as anchors.mjs.
import { argsortSync, matmulSync, sortSync } from '../dist/index.js';

export const BACKENDS = ['native', 'workers', 'js'];

/** The js backend runs on the calling thread whatever `threads` says, so its label has no count. */
function label({ backend, threads, algorithm }) {
  const algo = algorithm && algorithm !== 'auto' ? ` ${algorithm}` : '';
  return backend === 'js' ? `js${algo} (calling thread)` : `${backend}${algo}, ${threads} thread${threads === 1 ? '' : 's'}`;
}

export const PACKAGE_ROWS = {
  sort: {
    label,
    make: ({ backend, threads, algorithm }, { input }) => {
      const work = new input.constructor(input.length);
      const options = backend === 'js' ? { backend, algorithm } : { backend, threads, algorithm };
      return { prepare: () => work.set(input), run: () => sortSync(work, options), output: () => work };
    },
  },
  argsort: {
    label,
    make: ({ backend, threads }, { input }) => {
      const options = backend === 'js' ? { backend } : { backend, threads };
      let order;
      return { prepare() {}, run: () => { order = argsortSync(input, options); }, output: () => order };
    },
  },
  matmul: {
    label,
    make: ({ backend, threads }, { a, b, m, n, k }) => {
      const out = new a.constructor(m * n);
      const options = backend === 'js' ? { m, n, k, out, backend } : { m, n, k, out, backend, threads };
      return { prepare() {}, run: () => matmulSync(a, b, options), output: () => out, repeatable: true };
    },
  },
};
