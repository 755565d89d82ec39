// Stress: thousands of concurrent async calls of every kind and size on every backend, mixed with
// sync calls from four worker_threads, configure({ threads }) changing all the while, random
// aborts; then workers terminated in the middle of native calls and a process exit with calls in
// flight. The run is a child process (test/robust/stress-child.mjs): a deadlock hits the watchdog (the
// timeout kills it and the test fails), a crash shows as a signal, a wrong result as an error.
// concurrency.test.mjs covers each of these alone; this is all of them at once, many times.
//
// PK_STRESS_SCALE=<x> scales the number of calls; PK_STRESS_SEED=<n> replays a run.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DIST_URL } from '../helpers.mjs';

const FIXTURE = new URL('./stress-child.mjs', import.meta.url);
const HELPERS_URL = new URL('../helpers.mjs', import.meta.url).href;
const SCALE = Number(process.env.PK_STRESS_SCALE ?? 1);
const WATCHDOG_MS = 240_000;

function stress(seed, asyncCalls, concurrency) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [FIXTURE.pathname, JSON.stringify({ distUrl: DIST_URL, helpersUrl: HELPERS_URL, seed, asyncCalls, concurrency })], {
    encoding: 'utf8', timeout: WATCHDOG_MS, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Date.now() - started;
  const where = `seed ${seed} (replay with PK_STRESS_SEED=${seed})`;
  assert.ok(!(r.error && r.error.code === 'ETIMEDOUT'), `${where}: no progress within ${WATCHDOG_MS / 1000} s (deadlock?); stderr: ${r.stderr?.slice(-3000)}`);
  assert.equal(r.signal, null, `${where}: the process died of ${r.signal}; stderr: ${r.stderr.slice(-3000)}`);
  assert.equal(r.status, 0, `${where}: exit code ${r.status}; stderr: ${r.stderr.slice(-5000)}`);
  assert.doesNotMatch(r.stderr, /Assertion|Segmentation|FATAL|terminate called|AddressSanitizer|runtime error/i, `${where}: stderr`);
  return { ...JSON.parse(r.stdout.trim().split('\n').at(-1)), ms };
}

describe('stress', () => {
  it('thousands of concurrent async calls, sync calls from 4 worker_threads, resizes, aborts, terminations and exit', { timeout: WATCHDOG_MS + 30_000 }, (t) => {
    const seed = process.env.PK_STRESS_SEED ? Number(process.env.PK_STRESS_SEED) : (Date.now() % 1e9);
    t.diagnostic(`seed ${seed}`);
    const calls = Math.max(100, Math.round(2500 * SCALE));
    const r = stress(seed, calls, 200);
    t.diagnostic(`${r.asyncCalls} async calls (200 in flight): ${r.resolved} checked results, ${r.aborted} aborted of ` +
      `${r.abortRequested} aborts requested; ${r.syncCalls} checked sync calls from 4 worker_threads; ${r.resizes} resizes; ` +
      `${r.terminated} workers terminated mid-call; exit with ${r.leftInFlight} calls in flight; ${r.ms} ms`);
    assert.equal(r.resolved + r.aborted, r.asyncCalls);
    assert.ok(r.syncCalls >= 4, 'the sync workers ran');
    assert.ok(r.resizes > 0, 'the pool was resized while calls ran');
  });
});
