// What the figures were taken on: the header of every report, since a ratio means little without
// the CPU generation, the SIMD path the kernels chose, the Node version and the load on the machine.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { backendInfo } from '../dist/index.js';

function cpuIdentity() {
  const model = os.cpus()[0]?.model?.trim() || 'unknown CPU';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(info)?.[1];
    const family = field('cpu family');
    const modelNo = field('model');
    // A bare "AMD EPYC" names no generation; family and model do (25/17 is Zen 4, 26 is Zen 5).
    return family && modelNo ? `${model} (family ${family}, model ${modelNo})` : model;
  } catch {
    return model;
  }
}

function gitCommit(cwd) {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head} (with local changes)` : head;
  } catch {
    return undefined;
  }
}

export function machineInfo() {
  const info = backendInfo();
  return {
    cpu: cpuIdentity(),
    cores: os.availableParallelism(),
    threads: info.threads,
    simd: info.native.loaded ? info.native.simd : undefined,
    native: info.native.loaded ? 'loaded' : `not loaded: ${info.native.error}`,
    available: info.available,
    node: process.versions.node,
    platform: `${process.platform} ${process.arch}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    date: new Date().toISOString(),
    loadAverageAtStart: os.loadavg()[0],
    commit: gitCommit(new URL('..', import.meta.url)),
  };
}
