// Process-wide settings: which backend and how many threads a call uses when it does not say.
// They come from the environment at load, can be changed with configure(), and are reported by
// backendInfo().
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { createNativeBackend } from './backends/native.js';
import { jsBackend } from './backends/js.js';
import { withPlainViews } from './backends/plain-views.js';
import { workersBackend } from './backends/workers.js';
import type { Backend, BackendName } from './backends/backend.js';
import { loadNative } from './binding.js';
import { errors } from './errors.js';
import { BACKEND_NAMES, MAX_THREADS, oneOf, threads as checkThreads } from './validate.js';
import { workerPool } from './workers/pool.js';

const native = loadNative();
const nativeBackend = native.binding ? createNativeBackend(native.binding) : undefined;
const typeScriptBackends = { workers: withPlainViews(workersBackend), js: withPlainViews(jsBackend) };

/** The backend object for a name, or an error naming `name` (an option or a variable). */
export function backendFor(backend: BackendName, name: string): Backend {
  if (backend === 'native') {
    if (nativeBackend === undefined) throw errors.backendUnavailable(name, backend, native.error!);
    return nativeBackend;
  }
  return typeScriptBackends[backend];
}

/** The backends this process can run. */
export function availableBackends(): BackendName[] {
  return nativeBackend ? ['native', 'workers', 'js'] : ['workers', 'js'];
}

function fromEnvironment(): { backend: BackendName; threads: number; warnFallback: boolean } {
  const envBackend = process.env.PARALLEL_KERNELS_BACKEND;
  const envThreads = process.env.PARALLEL_KERNELS_THREADS;
  const envQuiet = process.env.PARALLEL_KERNELS_QUIET;
  // Without the addon, the TypeScript kernels on worker_threads are the fastest there is.
  let backend: BackendName = nativeBackend ? 'native' : 'workers';
  const backendChosen = envBackend !== undefined && envBackend !== '';
  if (backendChosen) {
    backend = oneOf(envBackend, 'PARALLEL_KERNELS_BACKEND', BACKEND_NAMES)!;
    backendFor(backend, 'PARALLEL_KERNELS_BACKEND');
  }
  let threads = Math.min(availableParallelism(), MAX_THREADS);
  if (envThreads !== undefined && envThreads !== '') {
    const parsed = /^\d+$/.test(envThreads.trim()) ? Number(envThreads) : Number.NaN;
    if (Number.isNaN(parsed)) throw errors.range('PARALLEL_KERNELS_THREADS', `an integer from 1 to ${MAX_THREADS}`, envThreads);
    threads = checkThreads(parsed, 'PARALLEL_KERNELS_THREADS')!;
  }
  const quiet = oneOf(envQuiet === '' ? undefined : envQuiet, 'PARALLEL_KERNELS_QUIET', ['0', '1']) === '1';
  // Who set a backend in the environment chose it knowingly: the fallback is news only to the others.
  return { backend, threads, warnFallback: !nativeBackend && !backendChosen && !quiet };
}

const FALLBACK_WARNED = Symbol.for('parallel-kernels.fallbackWarned');

/** Says once per process, from the main thread, that calls run on the slower fallback and why. Worker
 * threads stay silent (each would repeat it); their backendInfo().native.error has the same reason. A
 * flag on globalThis covers two copies of the package in one thread. */
function warnFallback(): void {
  const global = globalThis as { [FALLBACK_WARNED]?: boolean };
  if (!isMainThread || global[FALLBACK_WARNED]) return;
  global[FALLBACK_WARNED] = true;
  process.emitWarning(
    `parallel-kernels runs on its 'workers' backend (TypeScript on worker_threads, slower than native). ` +
    `${native.error} Set PARALLEL_KERNELS_QUIET=1 to silence this warning, or PARALLEL_KERNELS_BACKEND=native ` +
    'to make a missing addon an error.',
    { code: 'PK_NATIVE_UNAVAILABLE' },
  );
}

const { warnFallback: shouldWarn, ...initial } = fromEnvironment();
const settings: Settings = initial;
native.binding?.setThreads(settings.threads);
workerPool.resize(settings.threads);
if (shouldWarn) warnFallback();

export interface Settings {
  backend: BackendName;
  threads: number;
}

export function currentSettings(): Settings {
  return { ...settings };
}

/** The settings in force, not copied: for reading on every call. */
export function liveSettings(): Readonly<Settings> {
  return settings;
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
