#!/usr/bin/env node
// Builds the native sort benchmark (plain CMake, Release, in build-tests/release beside the C++
// tests) and runs it; arguments go to the program:
//   node scripts/native-bench.mjs [--quick] [--type f64,i32] [--size 1e6] [--threads 1,2] [--no-dists]
// tbb::parallel_sort and vqsort are included when Debian's libtbb-dev and libhwy-dev are installed.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build-tests', 'release');

function run(command, commandArgs) {
  console.log(`$ ${command} ${commandArgs.join(' ')}`);
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', cwd: root });
  if (result.error) {
    console.error(`${command} could not be started: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('cmake', ['-S', root, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release', '-DPK_SANITIZE=']);
run('cmake', ['--build', buildDir, '--parallel', String(availableParallelism()), '--target', 'pk_sort_bench']);
run(join(buildDir, 'pk_sort_bench'), process.argv.slice(2));
