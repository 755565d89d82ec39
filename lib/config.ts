// Process-wide settings: which backend and how many threads a call uses when it does not say.
// They come from the environment at load, can be changed with configure(), and are reported by
// backendInfo().
import { availableParallelism } from 'node:os';
import { createNativeBackend } from './backends/native.js';
import { jsBackend } from './backends/js.js';
import { workersBackend } from './backends/workers.js';
import type { Backend, BackendName } from './backends/backend.js';
import { loadNative } from './binding.js';
import { errors } from './errors.js';
import { BACKEND_NAMES, MAX_THREADS, oneOf, threads as checkThreads } from './validate.js';
import { workerPool } from './workers/pool.js';

const native = loadNative();
const nativeBackend = native.binding ? createNativeBackend(native.binding) : undefined;

/** The backend object for a name, or an error naming `name` (an option or a variable). */
export function backendFor(backend: BackendName, name: string): Backend {
  if (backend === 'native') {
    if (nativeBackend === undefined) throw errors.backendUnavailable(name, backend, native.error!);
    return nativeBackend;
  }
  return backend === 'workers' ? workersBackend : jsBackend;
}

/** The backends this process can run. */
export function availableBackends(): BackendName[] {
  return nativeBackend ? ['native', 'workers', 'js'] : ['workers', 'js'];
}

function fromEnvironment(): { backend: BackendName; threads: number } {
  const envBackend = process.env.PARALLEL_KERNELS_BACKEND;
  const envThreads = process.env.PARALLEL_KERNELS_THREADS;
  // Without the addon, the TypeScript kernels on worker_threads are the fastest there is.
  let backend: BackendName = nativeBackend ? 'native' : 'workers';
  if (envBackend !== undefined && envBackend !== '') {
    backend = oneOf(envBackend, 'PARALLEL_KERNELS_BACKEND', BACKEND_NAMES)!;
    backendFor(backend, 'PARALLEL_KERNELS_BACKEND');
  }
  let threads = Math.min(availableParallelism(), MAX_THREADS);
  if (envThreads !== undefined && envThreads !== '') {
    const parsed = /^\d+$/.test(envThreads.trim()) ? Number(envThreads) : Number.NaN;
    if (Number.isNaN(parsed)) throw errors.range('PARALLEL_KERNELS_THREADS', `an integer from 1 to ${MAX_THREADS}`, envThreads);
    threads = checkThreads(parsed, 'PARALLEL_KERNELS_THREADS')!;
  }
  return { backend, threads };
}

const settings = fromEnvironment();
native.binding?.setThreads(settings.threads);
workerPool.resize(settings.threads);

export interface Settings {
  backend: BackendName;
  threads: number;
}

export function currentSettings(): Settings {
  return { ...settings };
}

export function updateSettings(next: { backend?: BackendName; threads?: number }): Settings {
  if (next.backend !== undefined) backendFor(next.backend, 'options.backend');
  if (next.backend !== undefined) settings.backend = next.backend;
  if (next.threads !== undefined) {
    settings.threads = next.threads;
    native.binding?.setThreads(next.threads);
    workerPool.resize(next.threads);
  }
  return currentSettings();
}

export interface NativeInfo {
  loaded: boolean;
  error?: string;
  path?: string;
  /** The SIMD code path the native kernels run ('baseline': portable C++ for the architecture). */
  simd?: string;
  /** Threads in the native pool (shared with every worker_thread of this process). */
  poolThreads?: number;
}

export function nativeInfo(): NativeInfo {
  if (!native.binding) return { loaded: false, error: native.error, ...(native.path ? { path: native.path } : {}) };
  const info = native.binding.info();
  return { loaded: true, path: native.path, simd: info.simd, poolThreads: info.threads };
}
