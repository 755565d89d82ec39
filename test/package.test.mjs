// The published package, as a user gets it: `npm pack` (its prepack script builds the prebuilds), the
// tarball's file list, its binaries (architecture, glibc symbol versions), then installs of the tarball
// into new projects (with and without install scripts) that import it from ESM and CommonJS, compile
// a TypeScript consumer against its types, and fall back to the workers backend, saying why, when the
// binary is missing, damaged or addons are disabled.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINARY_NAME, SYMBOL_VERSION_LIMITS, TARGETS, canBuild, checkBinary } from '../scripts/prebuild.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const hostTarget = TARGETS.find((t) => t.platform === process.platform && t.arch === process.arch);
const arm64 = TARGETS.find((t) => t.name === 'linux-arm64');
const crossCompiler = canBuild(arm64);
const ARM64_SKIP = `${arm64.compiler} is not installed: the linux-arm64 prebuild is neither built nor checked ` +
  '(Debian: apt-get install g++-aarch64-linux-gnu)';

// The outer `npm test` passes its own npm_* settings down; the npm commands here start from a clean slate.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) &&
  !k.startsWith('PARALLEL_KERNELS_') && k !== 'NODE_OPTIONS'));

function sh(command, args, { cwd = root, env = {}, allowFailure = false } = {}) {
  const r = spawnSync(command, args, {
    cwd, env: { ...cleanEnv, ...env }, encoding: 'utf8', timeout: 300_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20,
  });
  if (r.error) throw new Error(`${command} could not be started: ${r.error.message}`);
  if (!allowFailure && r.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited with ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/** The files the tarball must hold: every module of lib/ as .js and .d.ts, the binaries, the docs. */
function expectedFiles(targets) {
  const modules = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) modules.push(path.slice('lib/'.length, -'.ts'.length));
    }
  };
  walk('lib');
  return [
    'LICENSE', 'README.md', 'package.json',
    ...modules.flatMap((m) => [`dist/${m}.js`, `dist/${m}.d.ts`]),
    ...targets.map((t) => `prebuilds/${t.platform}-${t.arch}/${BINARY_NAME}`),
  ].sort();
}

// What a consumer runs: import (ESM) or require (CommonJS), then a sort and a multiply checked against
// plain loops, and backendInfo() as JSON on the last line of stdout.
const USE = `
  const x = Float64Array.from({ length: 50_000 }, (_, i) => Math.sin(i * 7.1));
  const want = Array.from(x).sort((p, q) => p - q);
  pk.sortSync(x);
  if (!x.every((v, i) => v === want[i])) throw new Error('sortSync gave a wrong order');
  const m = 37, k = 19, n = 23;
  const a = Float64Array.from({ length: m * k }, (_, i) => (i % 11) - 5);
  const b = Float64Array.from({ length: k * n }, (_, i) => (i % 7) - 3);
  const c = pk.matmulSync(a, b, { m, k, n });
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
    if (c[i * n + j] !== s) throw new Error('matmulSync gave a wrong product at ' + i + ',' + j);
  }
  console.log(JSON.stringify(pk.backendInfo()));
`;
const ESM_CONSUMER = `import * as pk from 'parallel-kernels';\n${USE}`;
const CJS_CONSUMER = `'use strict';\nconst pk = require('parallel-kernels');\n${USE}`;
// The package loaded by the main thread and by a worker_thread: one fallback warning in all.
const THREADS_CONSUMER = `
  import { Worker } from 'node:worker_threads';
  import * as pk from 'parallel-kernels';
  const worker = new Worker(new URL('./in-worker.mjs', import.meta.url));
  const inWorker = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  console.log(JSON.stringify({ main: pk.backendInfo().backend, inWorker }));
`;
const IN_WORKER = `
  import { parentPort } from 'node:worker_threads';
  import * as pk from 'parallel-kernels';
  parentPort.postMessage(pk.backendInfo().backend);
`;

function writeConsumer(dir) {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
  writeFileSync(join(dir, 'use.mjs'), ESM_CONSUMER);
  writeFileSync(join(dir, 'use.cjs'), CJS_CONSUMER);
  writeFileSync(join(dir, 'threads.mjs'), THREADS_CONSUMER);
  writeFileSync(join(dir, 'in-worker.mjs'), IN_WORKER);
  for (const f of ['consumer.mts', 'consumer.cts', 'tsconfig.json']) {
    copyFileSync(join(root, 'test', 'fixtures', 'package', f), join(dir, f));
  }
}

/** Runs a consumer script with node; returns { status, info (parsed last line), stdout, stderr }. */
function runConsumer(dir, script, { env = {}, nodeArgs = [] } = {}) {
  const r = sh(process.execPath, [...nodeArgs, script], { cwd: dir, env, allowFailure: true });
  let info;
  try { info = JSON.parse(r.stdout.trim().split('\n').at(-1)); } catch { /* reported by the caller */ }
  return { status: r.status, info, stdout: r.stdout, stderr: r.stderr };
}

const warnings = (stderr) => stderr.split('\n').filter((l) => l.includes('PK_NATIVE_UNAVAILABLE')).length;

describe('the published package', { skip: hostTarget ? false : `no prebuild is made for ${process.platform}-${process.arch}` }, () => {
  const work = mkdtempSync(join(tmpdir(), 'pk-package-'));
  const targets = crossCompiler ? TARGETS : [hostTarget];
  let tarball;
  let files;
  const projects = {};

  before(() => {
    // Pack as a publisher would. prebuilds/ is removed first, so the binaries in the tarball can only
    // come from the prepack script. Without the cross compiler prepack refuses to pack (a tarball must
    // never lack a binary), so then the host binary is built alone and packed without scripts.
    rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
    if (crossCompiler) {
      sh('npm', ['pack', '--pack-destination', work]);
    } else {
      sh(process.execPath, ['scripts/prebuild.mjs', '--targets', hostTarget.name]);
      sh('npm', ['pack', '--ignore-scripts', '--pack-destination', work]);
    }
    tarball = join(work, `${pkg.name}-${pkg.version}.tgz`);
    files = sh('tar', ['-tzf', tarball]).stdout.trim().split('\n').map((f) => f.replace(/^package\//, '')).filter((f) => !f.endsWith('/')).sort();

    for (const [name, extra] of [['installed', []], ['installed-ignore-scripts', ['--ignore-scripts']]]) {
      const dir = join(work, name);
      mkdirSync(dir);
      writeConsumer(dir);
      const started = Date.now();
      const r = sh('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts', ...extra], { cwd: dir });
      projects[name] = { dir, log: r.stdout + r.stderr, seconds: (Date.now() - started) / 1000 };
    }
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  it('the tarball holds dist/, the prebuilds, README, LICENSE and package.json, and nothing else', (t) => {
    t.diagnostic(`${basename(tarball)}: ${statSync(tarball).size} bytes, ${files.length} files`);
    for (const file of files) t.diagnostic(file);
    assert.deepEqual(files, expectedFiles(targets));
    if (!crossCompiler) t.diagnostic(ARM64_SKIP);
  });

  it('the packed package.json has no install script and no native build entry point', () => {
    const packed = JSON.parse(sh('tar', ['-xzOf', tarball, 'package/package.json']).stdout);
    for (const script of ['preinstall', 'install', 'postinstall']) assert.equal(packed.scripts?.[script], undefined, script);
    assert.ok(!files.includes('binding.gyp') && !files.includes('CMakeLists.txt'));
    assert.equal(packed.exports['.'].types, './dist/index.d.ts');
    assert.match(packed.engines.node, /^>=20\.19\./);
  });

  for (const target of TARGETS) {
    it(`the ${target.name} binary is a ${target.arch} ELF needing at most GLIBC_${SYMBOL_VERSION_LIMITS.GLIBC} and no libstdc++`, (t) => {
      if (!targets.includes(target)) return t.skip(ARM64_SKIP);
      const dir = join(work, 'extracted');
      mkdirSync(dir, { recursive: true });
      const entry = `package/prebuilds/${target.platform}-${target.arch}/${BINARY_NAME}`;
      sh('tar', ['-xzf', tarball, '-C', dir, entry]);
      const binary = join(dir, entry);
      assert.deepEqual(checkBinary(binary, target), []);
      // Stripped: no static symbol table left.
      assert.doesNotMatch(sh('readelf', ['-S', '-W', binary]).stdout, /\.symtab/);
      // The check has teeth: the same file is refused for the other architecture.
      const other = TARGETS.find((o) => o !== target);
      assert.ok(checkBinary(binary, other).some((p) => p.includes('expected 64-bit machine')));
    });
  }

  it('the check refuses a binary linked against the build machine\'s libstdc++', (t) => {
    // The contributor's build (build/Release) links libstdc++ dynamically and needs GCC 12's GLIBCXX_3.4.30.
    const dev = join(root, 'build', 'Release', 'parallel_kernels.node');
    if (!existsSync(dev)) return t.skip('no build/Release/parallel_kernels.node (npm run build:native)');
    const problems = checkBinary(dev, hostTarget);
    assert.ok(problems.some((p) => /libstdc\+\+\.so\.6/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /GLIBCXX_/.test(p)), problems.join('\n'));
  });

  for (const name of ['installed', 'installed-ignore-scripts']) {
    it(`npm install of the tarball (${name === 'installed' ? 'with' : 'without'} scripts) compiles nothing and downloads only node-gyp-build`, (t) => {
      const { dir, log, seconds } = projects[name];
      t.diagnostic(`npm install took ${seconds.toFixed(1)} s`);
      const installed = join(dir, 'node_modules', 'parallel-kernels');
      assert.deepEqual(readdirSync(join(dir, 'node_modules')).filter((e) => !e.startsWith('.')).sort(), ['node-gyp-build', 'parallel-kernels']);
      // `prepare` (the clone's build from source) would run cmake-js and write build/: it must not run.
      assert.equal(existsSync(join(installed, 'build')), false, 'a build/ folder appeared in the installed package');
      assert.doesNotMatch(log, /cmake|node-gyp rebuild|> parallel-kernels@/i);
    });

    it(`${name}: import (ESM) and require (CommonJS) load the prebuilt native addon, and it sorts and multiplies`, () => {
      const { dir } = projects[name];
      for (const script of ['use.mjs', 'use.cjs']) {
        const r = runConsumer(dir, script);
        assert.equal(r.status, 0, `${script}: ${r.stderr}`);
        assert.equal(r.info.backend, 'native', `${script}: ${r.stdout}`);
        assert.equal(r.info.native.loaded, true);
        assert.equal(r.info.native.path, join(dir, 'node_modules', 'parallel-kernels', 'prebuilds', `${hostTarget.platform}-${hostTarget.arch}`, BINARY_NAME));
        assert.equal(r.stderr, '', `${script} printed to stderr`);
      }
    });
  }

  it('a TypeScript consumer compiles against the installed types (tsc --noEmit)', () => {
    const { dir } = projects.installed;
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    // The consumer's @types/node is the repository's: nothing but the tarball and its dependency is installed.
    const r = sh(process.execPath, [tsc, '-p', 'tsconfig.json', '--typeRoots', join(root, 'node_modules', '@types')], { cwd: dir, allowFailure: true });
    assert.equal(r.status, 0, `tsc --noEmit failed:\n${r.stdout}${r.stderr}`);
  });

  it('a TypeScript consumer with a wrong generic return type does not compile', () => {
    const { dir } = projects.installed;
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'bad.mts'), [
      "import { sortSync } from 'parallel-kernels';",
      'const out: Float64Array = sortSync(new Int8Array(4));',
      'export { out };',
    ].join('\n'));
    writeFileSync(join(bad, 'tsconfig.json'), readFileSync(join(dir, 'tsconfig.json'), 'utf8').replace(/"files": \[[^\]]*\]/, '"files": ["bad.mts"]'));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = sh(process.execPath, [tsc, '-p', 'bad/tsconfig.json', '--typeRoots', join(root, 'node_modules', '@types')], { cwd: dir, allowFailure: true });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /bad\.mts.*Int8Array.*Float64Array|Int8Array.*not assignable/s);
  });

  it('node --no-addons: the workers backend, with the reason', () => {
    const { dir } = projects.installed;
    for (const script of ['use.mjs', 'use.cjs']) {
      const r = runConsumer(dir, script, { nodeArgs: ['--no-addons'] });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.info.backend, 'workers');
      assert.equal(r.info.native.loaded, false);
      assert.match(r.info.native.error, /Could not load the parallel-kernels native addon .*addons is disabled/);
      assert.equal(warnings(r.stderr), 1, r.stderr);
    }
    // A worker_thread inherits --no-addons and falls back too, without a second warning.
    const r = runConsumer(dir, 'threads.mjs', { nodeArgs: ['--no-addons'] });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.info, { main: 'workers', inWorker: 'workers' });
    assert.equal(warnings(r.stderr), 1, r.stderr);
  });

  describe('a damaged or missing binary (in the project installed with --ignore-scripts)', () => {
    const prebuildOf = () => join(projects['installed-ignore-scripts'].dir, 'node_modules', 'parallel-kernels', 'prebuilds',
      `${hostTarget.platform}-${hostTarget.arch}`);

    function fallsBack(reason) {
      const { dir } = projects['installed-ignore-scripts'];
      const r = runConsumer(dir, 'use.mjs');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.info.backend, 'workers');
      assert.deepEqual(r.info.available, ['workers', 'js']);
      assert.match(r.info.native.error, /^Could not load the parallel-kernels native addon for /);
      assert.match(r.info.native.error, reason);
      // One warning, with the reason; none with PARALLEL_KERNELS_QUIET=1 or a backend chosen in the environment.
      assert.equal(warnings(r.stderr), 1, r.stderr);
      assert.ok(r.stderr.includes(r.info.native.error), r.stderr);
      for (const env of [{ PARALLEL_KERNELS_QUIET: '1' }, { PARALLEL_KERNELS_BACKEND: 'workers' }]) {
        const quiet = runConsumer(dir, 'use.cjs', { env });
        assert.equal(quiet.status, 0, quiet.stderr);
        assert.equal(quiet.info.backend, 'workers');
        assert.equal(quiet.stderr, '', JSON.stringify(env));
      }
      // PARALLEL_KERNELS_BACKEND=native: the import fails with the same reason.
      const strict = runConsumer(dir, 'use.mjs', { env: { PARALLEL_KERNELS_BACKEND: 'native' } });
      assert.notEqual(strict.status, 0);
      assert.match(strict.stderr, /RangeError: Expected an available backend for PARALLEL_KERNELS_BACKEND but 'native' is not available: Could not load the parallel-kernels native addon/);
      assert.match(strict.stderr, reason);
    }

    it('a corrupt .node file: workers, with the loader\'s reason', () => {
      writeFileSync(join(prebuildOf(), BINARY_NAME), 'this is not a shared object\n'.repeat(64));
      fallsBack(/invalid ELF header|file too short/);
    });

    it('no binary for this platform: workers, with node-gyp-build\'s reason', () => {
      rmSync(prebuildOf(), { recursive: true });
      fallsBack(/No native build was found for platform=linux arch=/);
    });

    it('an invalid PARALLEL_KERNELS_QUIET fails the import, naming the variable', () => {
      const r = runConsumer(projects['installed-ignore-scripts'].dir, 'use.mjs', { env: { PARALLEL_KERNELS_QUIET: 'yes' } });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /RangeError: Expected one of '0', '1' for PARALLEL_KERNELS_QUIET/);
    });
  });
});

describe('scripts/prebuild.mjs', () => {
  it('refuses an unknown target, naming the option', () => {
    const r = sh(process.execPath, ['scripts/prebuild.mjs', '--targets', 'linux-riscv64'], { allowFailure: true });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--targets .*linux-x64, linux-arm64.*linux-riscv64/);
  });
});
