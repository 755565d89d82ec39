#!/usr/bin/env node
// Runs the node:test suites against the addon built with AddressSanitizer + UndefinedBehaviorSanitizer.
//
// Node itself is not instrumented, so the sanitizer runtimes are preloaded (LD_PRELOAD) into the
// node process and every child it spawns. The package is staged in build-asan/package/ (dist/ and
// test/ copied, the instrumented addon in its build/Release) so that the loader finds the
// instrumented addon exactly as it finds the normal one, with no test-only switch in the package.
//
// Settings Node needs, and why:
// - detect_leaks=0: Node does not free its own heap at exit (by design, for a fast exit), so
//   LeakSanitizer would report thousands of Node's allocations. Leaks of the kernels and the pool
//   are checked by the C++ tests under ASan (npm run test:native:asan), where they are ours alone.
// - halt_on_error=1 (ASan and UBSan): the first report kills the process, so the test fails.
//
//   node scripts/addon-sanitizer-tests.mjs [test files...]   (default: every test/*.test.mjs)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { root, run } from './lib/run.mjs';

const stage = join(root, 'build-asan', 'package');


function runtimeLibrary(name) {
  const result = spawnSync('g++', [`-print-file-name=${name}`], { encoding: 'utf8' });
  const path = result.stdout.trim();
  if (result.status !== 0 || !path.startsWith('/') || !existsSync(path)) {
    console.error(`Cannot find ${name} (g++ -print-file-name=${name}); install g++ (Debian: apt-get install g++).`);
    process.exit(1);
  }
  return path;
}

if (!existsSync(join(root, 'dist', 'index.js'))) run('npm', ['run', 'build:ts']);

// The staged package: a copy of what the tests load, plus the instrumented addon.
rmSync(join(stage, 'dist'), { recursive: true, force: true });
rmSync(join(stage, 'test'), { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
cpSync(join(root, 'dist'), join(stage, 'dist'), { recursive: true });
cpSync(join(root, 'test'), join(stage, 'test'), { recursive: true });
cpSync(join(root, 'package.json'), join(stage, 'package.json'));
if (!existsSync(join(stage, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
run('npx', ['cmake-js', 'compile', '--out', join(stage, 'build'), '--CDPK_SANITIZE=address,undefined']);

// Besides every suite of test/, the property and stress suites of test/robust/ at a fraction of
// their size (PK_PROPERTY_SCALE, PK_STRESS_SCALE: ASan makes each call several times slower). The
// memory and event-loop suites measure RSS and timing, which ASan distorts: they run on the normal
// build only.
const ROBUST = ['robust/property.test.mjs', 'robust/stress.test.mjs'];
// The suites of the tooling, not of the addon: the package test packs and installs the repository
// (its scripts/ and CMakeLists.txt are not staged), the bench test runs bench/.
const TOOLING = new Set(['package.test.mjs', 'bench.test.mjs']);
const tests = process.argv.slice(2);
const files = tests.length > 0
  ? tests.map((t) => join('test', t.replace(/^test\//, '')))
  : [...readdirSync(join(stage, 'test')).filter((f) => f.endsWith('.test.mjs') && !TOOLING.has(f)), ...ROBUST].map((f) => join('test', f));
run(process.execPath, ['--test', '--test-concurrency=1', ...files], {
  cwd: stage,
  env: {
    ...process.env,
    LD_PRELOAD: [runtimeLibrary('libasan.so'), runtimeLibrary('libubsan.so')].join(' '),
    ASAN_OPTIONS: 'detect_leaks=0:halt_on_error=1',
    UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
    PK_PROPERTY_SCALE: process.env.PK_PROPERTY_SCALE ?? '0.2',
    PK_STRESS_SCALE: process.env.PK_STRESS_SCALE ?? '0.4',
  },
});
