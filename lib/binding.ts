// Finds and loads the native addon (prebuilds/<platform>-<arch>/ or build/Release, through
// node-gyp-build), and never throws: a failure is returned with its reason so the package can fall
// back to a pure-TypeScript backend and say why.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The addon's exports: thin entry points over the C++ kernels (see native/binding/). */
export interface NativeBinding {
  matmul(
    a: ArrayBufferView, b: ArrayBufferView, out: ArrayBufferView,
    m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number,
    threads: number, cancelFlag: Int32Array | undefined, async: boolean,
  ): Promise<void> | undefined;
  /** algorithm: 0 auto, 1 merge, 2 quick, 3 radix. */
  sort(array: ArrayBufferView, algorithm: number, descending: boolean, threads: number,
    cancelFlag: Int32Array | undefined, async: boolean): Promise<void> | undefined;
  argsort(array: ArrayBufferView, indices: Uint32Array, descending: boolean, threads: number,
    cancelFlag: Int32Array | undefined, async: boolean): Promise<void> | undefined;
  /** Resizes the process-wide native pool. */
  setThreads(threads: number): void;
  info(): { threads: number; simd: string; running: number; awaitingDelivery: number };
}

export interface NativeLoadResult {
  binding?: NativeBinding;
  path?: string;
  error?: string;
}

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

export function loadNative(): NativeLoadResult {
  const require = createRequire(import.meta.url);
  let path: string | undefined;
  try {
    const nodeGypBuild = require('node-gyp-build') as { path(dir: string): string };
    path = nodeGypBuild.path(packageRoot);
    return { binding: require(path) as NativeBinding, path };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      path,
      error: `Could not load the parallel-kernels native addon for ${process.platform}-${process.arch} ` +
        `(Node ${process.versions.node}, Node-API ${process.versions.napi}): ${reason}. ` +
        'In a clone of the repository, run `npm run build:native` to build it.',
    };
  }
}
