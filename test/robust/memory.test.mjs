// Memory: many calls leave the process's memory flat, and a call whose memory cannot be allocated
// fails with a RangeError that names its arguments (never an abort), leaving the arrays untouched.
//
// Each check runs in a child process: RSS is only meaningful in a process that does nothing else,
// and the out-of-memory checks need an address-space limit (ulimit -v) that must not apply to the
// test runner.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { matmulSync, matmul } from '../../dist/index.js';
import { DIST_URL, errorNaming } from '../helpers.mjs';

// Under the ASan addon run (scripts/addon-sanitizer-tests.mjs), freed memory sits in ASan's
// quarantine and its allocator ignores ulimit-style failures differently: RSS and allocation
// failures say nothing about our code there, so those two checks run on the normal build only.
const underAsan = /libasan/.test(process.env.LD_PRELOAD ?? '');

function runChild(code, { limitKiB, timeout = 240_000 } = {}) {
  const node = [process.execPath, '--expose-gc', '--input-type=module', '-e', code];
  const command = limitKiB === undefined ? node : ['bash', '-c', `ulimit -v ${limitKiB} && exec "$@"`, 'bash', ...node];
  const r = spawnSync(command[0], command.slice(1), { encoding: 'utf8', timeout, killSignal: 'SIGKILL' });
  assert.equal(r.error, undefined, `child failed to run: ${r.error}`);
  assert.equal(r.signal, null, `child killed by ${r.signal} (a crash or abort); stderr: ${r.stderr.slice(-3000)}`);
  assert.equal(r.status, 0, `child exit code ${r.status}; stderr: ${r.stderr.slice(-3000)}`);
  const last = r.stdout.trim().split('\n').at(-1);
  return JSON.parse(last);
}

const MiB = 1024 * 1024;
// A leak of ~64 bytes per call over the 600,000 calls below is 37 MiB: the RSS bound catches any
// per-call leak of a job, a Promise or a reference, while leaving room for the allocator's noise.
const RSS_BOUND = 32 * MiB;
const EXTERNAL_BOUND = 4 * MiB;
const CALLS = 100_000;

describe('memory', { skip: underAsan && 'RSS is not meaningful under ASan (quarantine)' }, () => {
  it(`${CALLS} calls of each kind after a warm-up leave RSS and external memory flat`, (t) => {
    const result = runChild(`
      import { sort, sortSync, argsort, argsortSync, matmul, matmulSync } from ${JSON.stringify(DIST_URL)};
      const CALLS = ${CALLS};
      const x64 = new Float64Array(64), i32 = new Int32Array(64), big = new BigInt64Array(32);
      const a = new Float32Array(8 * 8), out = new Float64Array(6 * 5);
      const a64 = new Float64Array(6 * 7), b64 = new Float64Array(7 * 5);
      let seed = 1;
      const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;
      for (const arr of [a, a64, b64]) for (let i = 0; i < arr.length; i++) arr[i] = rand();
      const refill = () => { for (let i = 0; i < 64; i++) { x64[i] = rand(); i32[i] = (rand() * 2 ** 31) | 0; } };
      const kinds = {
        sortSync: () => { refill(); sortSync(x64); sortSync(i32, { algorithm: 'merge' }); },
        argsortSync: () => { refill(); argsortSync(x64); argsortSync(big, { descending: true }); },
        matmulSync: () => { matmulSync(a, a, { m: 8, k: 8, n: 8 }); matmulSync(a64, b64, { m: 6, k: 7, out, beta: 0.5 }); },
        sort: () => { refill(); return sort(i32, { signal: new AbortController().signal }); },
        argsort: () => argsort(x64),
        matmul: () => matmul(a64, b64, { m: 6, k: 7, n: 5 }),
      };
      async function runAll(count) {
        for (const [name, fn] of Object.entries(kinds)) {
          if (name.endsWith('Sync')) { for (let i = 0; i < count; i++) fn(); continue; }
          // 64 in flight at a time: enough to keep the pool and the delivery path busy.
          for (let i = 0; i < count; i += 64) {
            const batch = [];
            for (let j = 0; j < 64 && i + j < count; j++) batch.push(fn());
            await Promise.all(batch);
          }
        }
      }
      async function settle() {
        for (let i = 0; i < 4; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
        return process.memoryUsage();
      }
      await runAll(CALLS / 10);
      const before = await settle();
      await runAll(CALLS);
      const after = await settle();
      console.log(JSON.stringify({ before, after, calls: CALLS * Object.keys(kinds).length }));
    `);
    const { before, after, calls } = result;
    const rssGrowth = after.rss - before.rss;
    const externalGrowth = after.external + after.arrayBuffers - before.external - before.arrayBuffers;
    t.diagnostic(`${calls} calls: RSS ${(before.rss / MiB).toFixed(1)} → ${(after.rss / MiB).toFixed(1)} MiB ` +
      `(bound +${RSS_BOUND / MiB}), external+arrayBuffers ${((before.external + before.arrayBuffers) / MiB).toFixed(2)} → ` +
      `${((after.external + after.arrayBuffers) / MiB).toFixed(2)} MiB (bound +${EXTERNAL_BOUND / MiB})`);
    assert.ok(rssGrowth < RSS_BOUND, `RSS grew by ${(rssGrowth / MiB).toFixed(1)} MiB over ${calls} calls`);
    assert.ok(externalGrowth < EXTERNAL_BOUND, `external memory grew by ${(externalGrowth / MiB).toFixed(2)} MiB over ${calls} calls`);
  });
});

describe('sizes that cannot be allocated', () => {
  it('a result of more elements than any array can hold: RangeError naming the sizes, on every backend', async () => {
    for (const backend of ['native', 'workers', 'js']) {
      const empty = new Float64Array(0);
      const opts = { m: 2 ** 26, n: 2 ** 26, k: 0, backend };
      assert.throws(() => matmulSync(empty, empty, opts), errorNaming(RangeError, ['options.m', 'options.n']), backend);
      await assert.rejects(matmul(empty, empty, opts), errorNaming(RangeError, ['options.m', 'options.n']), backend);
      // m·k beyond 2^53: the size check, not an overflow, decides.
      const huge = { m: 2 ** 30, n: 1, k: 2 ** 30, backend };
      assert.throws(() => matmulSync(empty, empty, huge), errorNaming(RangeError, ['a', 'b']), backend);
    }
  });

  // The child's address space is capped just above what its arrays need, so the kernels' scratch
  // (merge buffers, radix records, the workers backend's shared copies) cannot be allocated.
  it('scratch that cannot be allocated: RangeError naming the array, no abort, array untouched', { skip: underAsan && 'ASan reserves its own address space' }, () => {
    const n = 110_000_000; // 880 MB of float64: a copy or a scratch buffer more does not fit below
    const result = runChild(`
      import { sort, sortSync, argsort, argsortSync, matmul, matmulSync } from ${JSON.stringify(DIST_URL)};
      const n = ${n};
      const x = new Float64Array(n);
      for (let i = 0; i < n; i += 97) x[i] = Math.sin(i);
      const digest = () => { let h = 0; for (let i = 0; i < n; i += 97) h = (h * 31 + x[i] * 1e6) % 1e9; return h; };
      const d0 = digest();
      const outcomes = {};
      const calls = {
        'sortSync merge': () => sortSync(x, { algorithm: 'merge' }),
        'sortSync radix': () => sortSync(x, { algorithm: 'radix' }),
        'argsortSync': () => argsortSync(x),
        'sort merge': () => sort(x, { algorithm: 'merge' }),
        'argsort': () => argsort(x),
        'sortSync workers': () => sortSync(x, { backend: 'workers' }),
        'sort workers': () => sort(x, { backend: 'workers' }),
        'argsortSync workers': () => argsortSync(x, { backend: 'workers' }),
        'matmulSync workers': () => matmulSync(x, new Float64Array(1), { k: 1, n: 1, backend: 'workers' }),
        'matmul workers': () => matmul(x, new Float64Array(1), { k: 1, n: 1, backend: 'workers' }),
      };
      for (const [name, call] of Object.entries(calls)) {
        try {
          await call();
          outcomes[name] = { ok: true };
        } catch (e) {
          outcomes[name] = { name: e.constructor.name, code: e.code, message: e.message };
        }
        outcomes[name].untouched = digest() === d0;
      }
      console.log(JSON.stringify(outcomes));
    `, { limitKiB: 2_600_000 });
    let failed = 0;
    for (const [name, o] of Object.entries(result)) {
      if (o.ok) continue; // the allocator found room after all: the result is checked elsewhere
      failed++;
      const names = name.startsWith('matmul') ? ['a', 'b', 'options.m', 'options.n'] : ['array'];
      errorNaming(RangeError, names)(new RangeError(o.message));
      assert.equal(o.name, 'RangeError', `${name}: ${o.name}: ${o.message}`);
      assert.equal(o.code, 'ERR_PK_OUT_OF_MEMORY', `${name}: code`);
      assert.ok(o.untouched, `${name}: the array changed although the call failed`);
    }
    assert.ok(failed >= 6, `the address-space limit made at least 6 of the calls fail (${failed}): ${JSON.stringify(result)}`);
  });
});
