// OpenBLAS (Debian libopenblas-dev, through cblas) as a matmul anchor: the yardstick of issue #5 for
// the native backend. Node has no binding to it, so a small C++ program of ours (bench/native/
// blas_anchor.cc, built on demand with CMake in build-tests/release, like scripts/native-bench.mjs
// builds its programs) does the timing on the inputs this child hands it, with the sampling policy of
// the other rows, and hands back its samples and products for the same checks as the other rows.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILD_DIR = path.join(ROOT, 'build-tests', 'release');
const TARGET = 'pk_blas_anchor';
export const BLAS_ANCHOR_PROGRAM = path.join(BUILD_DIR, TARGET);

/** The last non-empty line of a failed command's output, for a one-line reason. */
function lastLine(result) {
  const text = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  return text[text.length - 1] ?? `exit status ${result.status}`;
}

/**
 * Builds the anchor's program (configure, then the one target); returns { available: true } or
 * { available: false, reason } with the reason the report prints after "skipped:". `cmake` and
 * `buildDir` are there for the tests.
 */
export function openblasAvailability({ cmake = 'cmake', buildDir = BUILD_DIR } = {}) {
  const opts = { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
  // The same cache entries as scripts/native-bench.mjs, so the two never reconfigure each other's tree.
  const configure = spawnSync(cmake, ['-S', ROOT, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release', '-DPK_SANITIZE='], opts);
  if (configure.error) return { available: false, reason: `${cmake} not found (apt-get install cmake)` };
  if (configure.status !== 0) return { available: false, reason: `CMake configure failed (no C++ compiler?): ${lastLine(configure)}` };
  const cache = readFileSync(path.join(buildDir, 'CMakeCache.txt'), 'utf8');
  const found = (variable) => new RegExp(`^${variable}:[A-Z]+=(?!.*NOTFOUND).+$`, 'm').test(cache);
  if (!found('PK_OPENBLAS_LIBRARY') || !found('PK_CBLAS_INCLUDE_DIR')) {
    return { available: false, reason: 'OpenBLAS not found (apt-get install libopenblas-dev)' };
  }
  const build = spawnSync(cmake, ['--build', buildDir, '--parallel', String(availableParallelism()), '--target', TARGET], opts);
  if (build.status !== 0) return { available: false, reason: `building ${TARGET} failed: ${lastLine(build)}` };
  return existsSync(path.join(buildDir, TARGET)) ? { available: true } : { available: false, reason: `${TARGET} was not built` };
}

/**
 * OpenBLAS's environment for a row on `threads` threads: its own kernel choice for this CPU
 * (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed, as scripts/native-bench.mjs does) and the thread
 * count of the row, whatever the parent's environment says.
 */
export function openblasEnv(threads, env = process.env) {
  const out = { ...env, OPENBLAS_NUM_THREADS: String(threads) };
  delete out.OPENBLAS_CORETYPE;
  delete out.OPENBLAS_L2_SIZE;
  // Debian's OpenMP flavour of OpenBLAS reads OMP_NUM_THREADS instead.
  out.OMP_NUM_THREADS = String(threads);
  return out;
}

/**
 * Splits the program's stdout: a JSON line, then C after the first call and C after the last
 * sample, m·n elements each. Throws when the reply is cut short or malformed.
 */
export function parseAnchorReply(stdout, { dtype, m, n }) {
  const newline = stdout.indexOf(0x0a);
  if (newline < 0) throw new Error('pk_blas_anchor: no JSON line in its output');
  const head = JSON.parse(stdout.subarray(0, newline).toString('utf8'));
  if (!Array.isArray(head.samplesMs) || head.samplesMs.length === 0 || !head.samplesMs.every((x) => Number.isFinite(x) && x >= 0)) {
    throw new Error('pk_blas_anchor: no valid samples in its output');
  }
  if (!(Number.isFinite(head.firstMs) && head.firstMs >= 0)) throw new Error('pk_blas_anchor: no valid first-call time in its output');
  const Ctor = dtype === 'f32' ? Float32Array : Float64Array;
  const bytes = m * n * Ctor.BYTES_PER_ELEMENT;
  const body = stdout.subarray(newline + 1);
  if (body.length !== 2 * bytes) throw new Error(`pk_blas_anchor: ${body.length} bytes of products, expected ${2 * bytes}`);
  // The program pads its JSON line so that the products start 8-byte aligned; copy only if the
  // Buffer itself sits at an unaligned offset of its memory.
  const product = (at) => {
    const view = body.subarray(at, at + bytes);
    return view.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? new Ctor(view.buffer, view.byteOffset, m * n) : new Ctor(Uint8Array.from(view).buffer);
  };
  return { ...head, first: product(0), last: product(bytes) };
}

/**
 * The anchor's implementation for one matmul case: it times itself (measure(), not run()), since
 * the calls happen in the program, one call per sample as for every other row.
 */
export function openblasMatmul({ threads }, { a, b, m, n, k, dtype }) {
  return {
    measure(sampling, check) {
      const args = [dtype, m, k, n, sampling.minSamples, sampling.maxSamples, sampling.targetMs, sampling.warmupMs,
        sampling.slowMs, sampling.slowMinSamples].map(String);
      const input = Buffer.concat([Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)]);
      const result = spawnSync(BLAS_ANCHOR_PROGRAM, args, {
        input, env: openblasEnv(threads), maxBuffer: 2 * m * n * a.BYTES_PER_ELEMENT + (64 << 20), stdio: ['pipe', 'pipe', 'pipe'],
      });
      if (result.error) throw new Error(`pk_blas_anchor could not run: ${result.error.message} (run \`npm run bench\` to build it)`);
      if (result.status !== 0) throw new Error(`pk_blas_anchor exited with ${result.signal ?? result.status}: ${result.stderr.toString().trim()}`);
      const reply = parseAnchorReply(result.stdout, { dtype, m, n });
      // OpenBLAS caps its threads at what it was built for and at the cores it sees: a figure on
      // fewer threads than the row says would be a false comparison.
      if (reply.threads !== threads) throw new Error(`OpenBLAS ran on ${reply.threads} threads, not ${threads} (core ${reply.core})`);
      check(reply.first);
      check(reply.last);
      return { samplesMs: reply.samplesMs, warmupMs: [reply.firstMs], checks: 2, core: reply.core };
    },
  };
}
