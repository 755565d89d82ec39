#!/usr/bin/env node
// Builds the addon for every platform the package ships a binary for, with cmake-js, and places each
// one, stripped and checked, where node-gyp-build looks for it in an installed package:
//   prebuilds/<platform>-<arch>/parallel-kernels.napi.glibc.node   (prebuildify's layout and tags)
//
//   node scripts/prebuild.mjs [--targets linux-x64,linux-arm64]      (npm run build:prebuilds; npm pack runs it)
//
// prebuilds/ is emptied first, so it holds exactly what this run built. Each target builds in its own
// folder under build-prebuild/ (never build/, the contributor's build), incrementally.
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, readSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The file name inside prebuilds/<platform>-<arch>/. node-gyp-build reads the dot-separated tags:
 * `napi` (any Node version with Node-API 8) and `glibc`, so musl systems (Alpine) skip it and fall
 * back with "No native build was found" instead of failing on a glibc binary. The package name in
 * front is not a tag; it names the file in stack traces and `backendInfo().native.path`. */
export const BINARY_NAME = 'parallel-kernels.napi.glibc.node';

/** ELF e_machine values (elf.h) of the architectures we ship. */
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

/**
 * What we ship. x64 is built for the x86-64 baseline (the compiler's default; CMakeLists.txt never
 * adds -march=native, and the AVX2/AVX-512 kernels are picked at run time), arm64 for ARMv8-A with
 * Debian's cross compiler and cmake/aarch64-linux-gnu.cmake.
 */
export const TARGETS = [
  { name: 'linux-x64', platform: 'linux', arch: 'x64', elfMachine: EM_X86_64, compiler: 'g++', strip: 'strip', toolchain: undefined },
  {
    name: 'linux-arm64', platform: 'linux', arch: 'arm64', elfMachine: EM_AARCH64,
    compiler: 'aarch64-linux-gnu-g++', strip: 'aarch64-linux-gnu-strip', toolchain: 'cmake/aarch64-linux-gnu.cmake',
  },
];

/**
 * libstdc++ is linked statically (hidden, so it never clashes with the copy Node itself loads): a
 * binary built here against GCC 12's libstdc++.so would need GLIBCXX_3.4.30 and CXXABI_1.3.13, which
 * RHEL 9 and Amazon Linux 2023 (GCC 11) lack. libgcc stays dynamic: libgcc_s.so.1 is on every glibc
 * system, while GCC 12's static unwinder calls _dl_find_object (GLIBC_2.35). --gc-sections drops the
 * parts of libstdc++.a we do not use, among them std::random_device and its arc4random (GLIBC_2.36).
 * What is left needs glibc 2.34: std::thread's pthread_create@GLIBC_2.34, since glibc 2.34 moved
 * libpthread into libc; only an older sysroot could lower that.
 */
const LINKER_FLAGS = '-static-libstdc++ -Wl,--exclude-libs,ALL -Wl,--gc-sections';

/** The only symbols a shipped binary exports: Node-API's entry points. Without a version script the
 * std:: template instances our code uses (std::string's, say) stay exported with default visibility,
 * and the dynamic linker would bind them to the system's libstdc++ instead of the one linked in. */
export const EXPORTED_SYMBOLS = ['napi_register_module_v1', 'node_api_module_get_api_version_v1'];

/** The newest symbol version a shipped binary may need, per version prefix; any other prefix (GLIBCXX_,
 * CXXABI_: libstdc++ is static) fails the check. glibc 2.34: Debian 12, Ubuntu 22.04, RHEL 9,
 * Amazon Linux 2023, Fedora 35 and newer. */
export const SYMBOL_VERSION_LIMITS = { GLIBC: '2.34', GCC: '4.2.0' };

/** The shared libraries a shipped binary may depend on: glibc's own and libgcc_s. */
export const ALLOWED_LIBRARIES = [
  'libc.so.6', 'libm.so.6', 'libpthread.so.0', 'libdl.so.2', 'libgcc_s.so.1',
  'ld-linux-x86-64.so.2', 'ld-linux-aarch64.so.1',
];

/** Compares dotted version numbers: negative, 0 or positive. */
export function compareVersions(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The ELF class (32 or 64) and e_machine of a file, or undefined when it is not an ELF file. */
export function readElfHeader(path) {
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, header, 0, header.length, 0) < header.length) return undefined;
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const littleEndian = header[5] === 1;
  return {
    bits: header[4] === 2 ? 64 : 32,
    machine: littleEndian ? header.readUInt16LE(18) : header.readUInt16BE(18),
  };
}

function readelf(args, path) {
  const r = spawnSync('readelf', [...args, path], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (r.error) throw new Error(`readelf (binutils) could not be started: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`readelf ${args.join(' ')} ${path} failed: ${r.stderr}`);
  return r.stdout;
}

/** The shared libraries a binary needs (DT_NEEDED), the symbol versions it needs from them
 * (.gnu.version_r), e.g. ['GLIBC_2.2.5', 'GLIBC_2.34'], and the symbols it exports. */
export function dynamicRequirements(path) {
  const needed = [...readelf(['-d', '-W'], path).matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  const versions = [...readelf(['-V', '-W'], path).matchAll(/^\s*0x[0-9a-f]+:\s+Name: (\S+)\s+Flags:/gm)].map((m) => m[1]);
  // .dynsym rows: Num: Value Size Type Bind Vis Ndx Name; a defined global or weak symbol is exported.
  const exported = readelf(['--dyn-syms', '-W'], path).split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && /^\d+:$/.test(f[0]) && (f[4] === 'GLOBAL' || f[4] === 'WEAK') && f[6] !== 'UND')
    .map((f) => f[7].replace(/@.*$/, ''));
  return { needed: [...new Set(needed)].sort(), versions: [...new Set(versions)].sort(), exported: [...new Set(exported)].sort() };
}

/** Everything wrong with a binary for `target`: wrong architecture, a library or a symbol version a
 * system at the stated minimum lacks, symbols exported besides Node-API's. Empty when it is fit to ship. */
export function checkBinary(path, target) {
  const problems = [];
  const header = readElfHeader(path);
  if (!header) return [`${path} is not an ELF file`];
  if (header.bits !== 64 || header.machine !== target.elfMachine) {
    problems.push(`${path} is a ${header.bits}-bit ELF for machine ${header.machine}, expected 64-bit machine ${target.elfMachine} (${target.name})`);
  }
  const { needed, versions, exported } = dynamicRequirements(path);
  const extra = exported.filter((symbol) => !EXPORTED_SYMBOLS.includes(symbol));
  if (extra.length > 0) problems.push(`${path} exports ${extra.length} symbols besides Node-API's entry points: ${extra.slice(0, 3).join(', ')}`);
  for (const library of needed) {
    if (!ALLOWED_LIBRARIES.includes(library)) problems.push(`${path} needs ${library}, which is not on the allowed list`);
  }
  for (const version of versions) {
    const match = /^([A-Z]+)_([0-9.]+)$/.exec(version);
    const limit = match && SYMBOL_VERSION_LIMITS[match[1]];
    if (!limit) problems.push(`${path} needs ${version}: no ${match ? match[1] : version} symbol version is allowed`);
    else if (compareVersions(match[2], limit) > 0) problems.push(`${path} needs ${version}, newer than ${match[1]}_${limit}`);
  }
  return problems;
}

/** Whether this machine can build `target`: its compiler and strip run. */
export function canBuild(target) {
  return [target.compiler, target.strip].every((tool) => !spawnSync(tool, ['--version'], { stdio: 'ignore' }).error);
}

function missingTools(target) {
  return `Cannot build ${target.name}: ${target.compiler} or ${target.strip} is missing` +
    (target.toolchain ? ' (Debian: apt-get install g++-aarch64-linux-gnu)' : '');
}

function run(command, args, env) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: 'inherit', cwd: root, env });
  if (r.error) throw new Error(`${command} could not be started: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${command} ${args[0] ?? ''} failed with exit status ${r.status ?? r.signal}`);
}

/** Builds, strips and checks one target; returns the path of the placed binary. */
export function buildTarget(target) {
  if (!canBuild(target)) throw new Error(missingTools(target));
  const buildDir = join(root, 'build-prebuild', target.arch);
  const cmakeJs = join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js');
  // Flags from the environment (CXXFLAGS=-march=native, say) would end up in a shipped binary.
  const env = { ...process.env };
  for (const name of ['CFLAGS', 'CXXFLAGS', 'CPPFLAGS', 'LDFLAGS']) delete env[name];
  const common = ['--out', buildDir, '--arch', target.arch];
  mkdirSync(buildDir, { recursive: true });
  const versionScript = join(buildDir, 'exports.map');
  writeFileSync(versionScript, `{\n  global: ${EXPORTED_SYMBOLS.join('; ')};\n  local: *;\n};\n`);
  // cmake-js build skips the configure step once a cache exists, which would keep stale flags: configure
  // every time (cheap; the build after it stays incremental).
  run(process.execPath, [cmakeJs, 'configure', ...common,
    ...(target.toolchain ? [`--CDCMAKE_TOOLCHAIN_FILE=${join(root, target.toolchain)}`] : []),
    '--CDCMAKE_BUILD_TYPE=Release', '--CDCMAKE_CXX_FLAGS=', `--CDCMAKE_SHARED_LINKER_FLAGS=${LINKER_FLAGS} -Wl,--version-script=${versionScript}`], env);
  run(process.execPath, [cmakeJs, 'build', ...common, '--parallel', String(availableParallelism())], env);

  const built = join(buildDir, 'Release', 'parallel_kernels.node');
  const destDir = join(root, 'prebuilds', `${target.platform}-${target.arch}`);
  const dest = join(destDir, BINARY_NAME);
  const staging = `${dest}.tmp`;
  mkdirSync(destDir, { recursive: true });
  copyFileSync(built, staging);
  run(target.strip, ['--strip-all', staging], env);
  const problems = checkBinary(staging, target);
  if (problems.length > 0) {
    rmSync(staging, { force: true });
    throw new Error(`The ${target.name} binary is not fit to ship:\n  ${problems.join('\n  ')}`);
  }
  renameSync(staging, dest);
  return dest;
}

function parseTargets(argv) {
  const i = argv.findIndex((a) => a === '--targets' || a.startsWith('--targets='));
  if (i < 0) return TARGETS;
  const value = argv[i].includes('=') ? argv[i].slice('--targets='.length) : argv[i + 1];
  const names = (value ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
  if (names.length === 0 || unknown.length > 0) {
    throw new RangeError(`Expected --targets to list some of ${TARGETS.map((t) => t.name).join(', ')} but received '${value ?? ''}'`);
  }
  return TARGETS.filter((t) => names.includes(t.name));
}

function main() {
  const targets = parseTargets(process.argv.slice(2));
  // Fail before building anything: a partial set must never reach a tarball.
  const unbuildable = targets.filter((t) => !canBuild(t));
  if (unbuildable.length > 0) {
    throw new Error(unbuildable.map(missingTools).join('; '));
  }
  rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
  for (const target of targets) {
    const dest = buildTarget(target);
    console.log(`prebuild: ${target.name} -> ${dest.slice(root.length + 1)}`);
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(`prebuild: ${error.message}`);
    process.exit(1);
  }
}
