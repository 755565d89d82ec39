#!/usr/bin/env node
// Builds the C++ test program of the kernels and the pool (plain CMake, no Node) and runs it.
//   node scripts/native-tests.mjs [--sanitize=address,undefined|thread] [filter]
// Each variant builds in its own folder under build-tests/, so switching is incremental.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const sanitize = args.find((a) => a.startsWith('--sanitize='))?.slice('--sanitize='.length) ?? '';
const filter = args.filter((a) => !a.startsWith('--'));
const buildDir = join(root, 'build-tests', sanitize ? sanitize.replace(/,/g, '-') : 'release');

function run(command, commandArgs, env = process.env) {
  console.log(`$ ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', cwd: root, env });
  if (result.error) {
    console.error(`${command} could not be started: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('cmake', ['-S', root, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release', `-DPK_SANITIZE=${sanitize}`]);
run('cmake', ['--build', buildDir, '--parallel', String(availableParallelism())]);

// Any sanitizer report fails the run: halt on the first one, and ASan's leak check is on.
const env = {
  ...process.env,
  ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0:halt_on_error=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  TSAN_OPTIONS: 'halt_on_error=1:second_deadlock_stack=1',
};
run(join(buildDir, 'pk_native_tests'), filter, env);
