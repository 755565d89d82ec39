#!/usr/bin/env node
// Runs the C++ tests of the kernels and the pool under valgrind's memcheck, on the baseline path.
//
// Memcheck finds what the sanitizer builds cannot: reads of uninitialised memory (MSan is not
// available with g++), and it checks the optimised code as shipped (-O2, no instrumentation). It
// does not know AVX-512, so PARALLEL_KERNELS_SIMD=baseline pins the portable kernels (the
// sort-SIMD tests still force each path the CPU reports, and under valgrind that is at most AVX2).
//
// Valgrind runs every thread on one core and is ~30-50x slower, so this runs a selection of the
// cases: the pool, the CPU dispatch and the sort building blocks (with the SIMD quicksort on every
// path valgrind runs), the small GEMM shapes, and the full sort/argsort suites of int8. The whole
// program under valgrind would take over half an hour on two cores. Each selection runs in its own
// valgrind process, and a selection that matches no case fails the run, so a renamed case cannot
// silently drop out.
//
// Any memcheck error, or a definite leak, fails the run (--error-exitcode). Valgrind not installed:
// skipped with a message (CI installs it).
//
//   node scripts/valgrind-tests.mjs [filter...]   (default: the selection below)
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { root, run } from './lib/run.mjs';

const buildDir = join(root, 'build-tests', 'valgrind');

// Substrings of case names (pk_native_tests runs the cases whose name contains its argument).
const SELECTION = [
  'cpu:',
  // Every pool case but the clamping one, which starts 256 threads (minutes under valgrind; the
  // sanitizer runs cover it).
  'pool: parallelFor',
  'pool: a context without a pool',
  'pool: deeply nested',
  'pool: the first exception',
  'pool: many external threads',
  'pool: submitted jobs',
  'pool: resize while calls',
  'pool: cancellation flags',
  'gemm: small and prime shapes',
  'gemm: 1, 2 and 3 threads',
  'gemm: a zero in m, n or k',
  'gemm: alpha == 0',
  'gemm: a default ExecContext',
  'gemm: a flag set before the call',
  'sort simd:',
  'sort keys:',
  'sort: element sizes',
  'sort base cases:',
  'sort merge:',
  'sort: a call cancelled before it starts',
  'sort: int8',  // sort and argsort of int8: counting sort, argsort records
];


const probe = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.log('valgrind is not installed: skipping the memcheck run (Debian: apt-get install valgrind).');
  process.exit(0);
}
console.log(`${probe.stdout.trim()}`);

// Optimised as shipped, with debug info for readable reports; no sanitizer.
run('cmake', ['-S', root, '-B', buildDir, '-DCMAKE_BUILD_TYPE=RelWithDebInfo', '-DPK_SANITIZE=']);
run('cmake', ['--build', buildDir, '--parallel', String(availableParallelism()), '--target', 'pk_native_tests']);

const filters = process.argv.slice(2).length > 0 ? process.argv.slice(2) : SELECTION;
const valgrindArgs = [
  '--tool=memcheck',
  '--error-exitcode=1',
  '--leak-check=full',
  '--show-leak-kinds=definite',
  '--errors-for-leak-kinds=definite',
  '--num-callers=40',
  // Threads waiting on each other must all get turns: the pool's tests hand work between threads.
  '--fair-sched=yes',
];
const env = { ...process.env, PARALLEL_KERNELS_SIMD: 'baseline' };
let cases = 0;
const started = Date.now();
for (const filter of filters) {
  console.log(`$ valgrind ${valgrindArgs.join(' ')} pk_native_tests '${filter}'`);
  const result = spawnSync('valgrind', [...valgrindArgs, join(buildDir, 'pk_native_tests'), filter], {
    cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.stdout.write(result.stdout ?? '');
  if (result.error) {
    console.error(`valgrind could not be started: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`memcheck failed on '${filter}' (exit code ${result.status}${result.signal ? `, signal ${result.signal}` : ''}): see the report above.`);
    process.exit(1);
  }
  const passed = Number(/native: (\d+) passed/.exec(result.stdout ?? '')?.[1] ?? 0);
  if (passed === 0) {
    console.error(`'${filter}' matched no test case: update SELECTION in scripts/valgrind-tests.mjs.`);
    process.exit(1);
  }
  cases += passed;
}
console.log(`valgrind memcheck: ${cases} cases in ${filters.length} runs, no errors, no definite leaks (${((Date.now() - started) / 1000).toFixed(0)} s)`);
