// Finds and loads the native addon (prebuilds/<platform>-<arch>/ or build/Release, through
// node-gyp-build), and never throws: a failure is returned with its reason so the package can fall
// back to a pure-TypeScript backend and say why.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The addon's exports: thin entry points over the C++ kernels (see native/binding/). */
export interface NativeBinding {
  /** params: [m, n, k, transA (0|1), transB (0|1), alpha, beta, threads, bytes per element of a, b
   * and out (4 or 8)] — one array rather than nine arguments, because each argument costs a Node-API
   * call, and an 8×8 multiply costs less than them. */
  matmul(
    a: ArrayBufferView, b: ArrayBufferView, out: ArrayBufferView, params: Float64Array,
    cancelFlag: Int32Array | undefined, async: boolean,
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

/** What the published package carries (scripts/prebuild.mjs builds them); said in the load error so
 * a user elsewhere knows no binary was meant for their system. */
const PREBUILT_FOR = 'linux-x64 and linux-arm64 with glibc 2.34 or newer';

/**
 * Loads the addon that node-gyp-build picks: build/Release in a clone (the contributor's build), else
 * prebuilds/<platform>-<arch>/ in an installed package. Nothing here throws: node-gyp-build finding no
 * binary for this system, the dynamic loader refusing the one it found (wrong architecture, a glibc
 * too old, a damaged file) and Node started with --no-addons all come back as `error`, one line
 * that says what was tried and what to do.
 */
export function loadNative(): NativeLoadResult {
  const require = createRequire(import.meta.url);
  let path: string | undefined;
  try {
    const nodeGypBuild = require('node-gyp-build') as { path(dir: string): string };
    path = nodeGypBuild.path(packageRoot);
    return { binding: require(path) as NativeBinding, path };
  } catch (error) {
    // node-gyp-build adds a "loaded from" line and dlopen errors can run long: the first line is the reason.
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim().replace(/\.$/, '');
    return {
      path,
      error: `Could not load the parallel-kernels native addon for ${process.platform}-${process.arch} ` +
        `(Node ${process.versions.node}, Node-API ${process.versions.napi}): ${reason}. ` +
        `The package ships binaries for ${PREBUILT_FOR}; elsewhere, build the addon from source in a clone ` +
        'of the repository (`npm install`, or `npm run build:native`).',
    };
  }
}
