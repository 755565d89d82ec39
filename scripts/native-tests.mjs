#!/usr/bin/env node
// Builds the C++ test program of the kernels and the pool (plain CMake, no Node) and runs it.
//   node scripts/native-tests.mjs [--sanitize=address,undefined|thread] [--arch=arm64] [filter]
// Each variant builds in its own folder under build-tests/, so switching is incremental.
//
// --arch=arm64 cross-builds with Debian's g++-aarch64-linux-gnu (cmake/aarch64-linux-gnu.cmake) into
// build-tests/arm64 and runs the program under qemu-aarch64 (Debian qemu-user). Emulated, the whole
// suite takes over 12 minutes, so without a filter it runs the GEMM tests (every arm64 kernel and
// edge), the CPU tests and a subset of the sorts. Without those tools it says so and succeeds.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { installed, root, run } from './lib/run.mjs';

const args = process.argv.slice(2);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '';
const sanitize = option('sanitize');
const arch = option('arch');
const filter = args.filter((a) => !a.startsWith('--'));
if (arch && arch !== 'arm64') {
  console.error(`unknown --arch=${arch} (arm64 is the only cross target)`);
  process.exit(2);
}
if (arch && sanitize) {
  console.error('--arch and --sanitize do not combine');
  process.exit(2);
}
const buildDir = join(root, 'build-tests', arch || (sanitize ? sanitize.replace(/,/g, '-') : 'release'));



const configure = ['-S', root, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release', `-DPK_SANITIZE=${sanitize}`];
let runner = [];
let filters = filter;
if (arch === 'arm64') {
  const missing = ['aarch64-linux-gnu-g++', 'qemu-aarch64'].filter((tool) => !installed(tool));
  if (missing.length > 0) {
    console.log(`arm64 C++ tests skipped: ${missing.join(' and ')} not found ` +
      '(install g++-aarch64-linux-gnu qemu-user: apt-get install g++-aarch64-linux-gnu qemu-user)');
    process.exit(0);
  }
  configure.push(`-DCMAKE_TOOLCHAIN_FILE=${join(root, 'cmake', 'aarch64-linux-gnu.cmake')}`);
  runner = ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu'];
  // Names matched as substrings (test_main.cc): the GEMM and CPU cases, and the quicksort kernels.
  if (filters.length === 0) filters = ['gemm:', 'cpu:', 'sort simd:', 'sort keys:'];
}

run('cmake', configure);
run('cmake', ['--build', buildDir, '--parallel', String(availableParallelism()), '--target', 'pk_native_tests']);

// Any sanitizer report fails the run: halt on the first one, and ASan's leak check is on.
const env = {
  ...process.env,
  ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:halt_on_error=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  TSAN_OPTIONS: 'halt_on_error=1:second_deadlock_stack=1',
  ...(runner.length ? { PK_NATIVE_TESTS_EMULATED: '1' } : {}),
};
const program = join(buildDir, 'pk_native_tests');
// The program takes one filter; several run one after the other.
for (const f of filters.length ? filters : [undefined]) {
  const programArgs = f === undefined ? [] : [f];
  if (runner.length) run(runner[0], [...runner.slice(1), program, ...programArgs], { env });
  else run(program, programArgs, { env });
}
