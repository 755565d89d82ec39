#!/usr/bin/env node
// Builds the native benchmarks (plain CMake, Release, in build-tests/release beside the C++ tests)
// and runs them; other arguments go to the programs:
//   node scripts/native-bench.mjs [--only gemm|sort] [program arguments]
//   sort: [--quick] [--type f64,i32] [--size 1e6] [--threads 1,2] [--no-dists]
//         tbb::parallel_sort and vqsort are included when Debian's libtbb-dev and libhwy-dev are installed.
//   gemm: [--quick] [--type f32,f64] [--threads 1,2] [--size 64,4096x256x4096]
//         against OpenBLAS (libopenblas-dev, needed) and Eigen (libeigen3-dev, included when installed).
//         OpenBLAS runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from the environment, so it
//         picks its kernels for this CPU (AVX-512 where there is one); then once more with our AVX2
//         path (PARALLEL_KERNELS_SIMD=avx2) against OpenBLAS's AVX2 kernels (OPENBLAS_CORETYPE=Haswell).
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { root, run } from './lib/run.mjs';

const buildDir = join(root, 'build-tests', 'release');

const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
const programArgs = onlyAt >= 0 ? argv.filter((_, i) => i !== onlyAt && i !== onlyAt + 1) : argv;
if (only !== undefined && only !== 'gemm' && only !== 'sort') {
  console.error(`--only takes gemm or sort, not ${only}`);
  process.exit(2);
}


const build = (target) =>
  run('cmake', ['--build', buildDir, '--parallel', String(availableParallelism()), '--target', target]);

run('cmake', ['-S', root, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release', '-DPK_SANITIZE=']);

if (only === undefined || only === 'sort') {
  build('pk_sort_bench');
  run(join(buildDir, 'pk_sort_bench'), only === 'sort' ? programArgs : []);
}

if (only === undefined || only === 'gemm') {
  // CMake defines pk_gemm_bench only when it found OpenBLAS; Eigen is optional (the program says).
  const cache = readFileSync(join(buildDir, 'CMakeCache.txt'), 'utf8');
  const found = (variable) => new RegExp(`^${variable}:[A-Z]+=(?!.*NOTFOUND).+$`, 'm').test(cache);
  if (!found('PK_OPENBLAS_LIBRARY') || !found('PK_CBLAS_INCLUDE_DIR')) {
    console.log('GEMM benchmark skipped: OpenBLAS not found (apt-get install libopenblas-dev)');
  } else {
    if (!existsSync('/usr/include/eigen3/Eigen/Core')) {
      console.log('Eigen not found: the GEMM benchmark runs without it (apt-get install libeigen3-dev)');
    }
    build('pk_gemm_bench');
    const program = join(buildDir, 'pk_gemm_bench');
    const args = only === 'gemm' ? programArgs : [];
    const env = { ...process.env };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    delete env.PARALLEL_KERNELS_SIMD;
    console.log('\n== GEMM: our best path against OpenBLAS with the kernels it picks for this CPU ==');
    run(program, args, { env });
    console.log('\n== GEMM: our AVX2 path against OpenBLAS\'s AVX2 (Haswell) kernels ==');
    run(program, args, { env: { ...env, PARALLEL_KERNELS_SIMD: 'avx2', OPENBLAS_CORETYPE: 'Haswell' } });
  }
}
