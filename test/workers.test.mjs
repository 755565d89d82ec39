// The workers backend beyond what the per-kernel suites check: its plans at every part count and
// at edge sizes, configure({ threads }) and per-call threads, abort at every stage of a call, a
// worker that dies mid-call (async and sync calls), many concurrent calls,
// calls from inside a worker_thread, processes that exit by themselves, and the automatic choice
// of this backend when the native addon does not load.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  argsort, argsortSync, backendInfo, configure, matmul, matmulSync, sort, sortSync, AbortError,
} from '../dist/index.js';
import { workerPool } from '../dist/workers/pool.js';
import { runAsync, runSync } from '../dist/workers/run.js';
import { sortPlan } from '../dist/workers/sort.js';
import { argsortPlan } from '../dist/workers/argsort.js';
import { matmulPlan } from '../dist/workers/matmul.js';
import {
  TYPES, DIST_NAMES, makeArray, makeRng, seedOf, refSort, refArgsort, assertSameElements,
  randomMatrix, refMatmul, assertMatClose, bytesOf, assertBytesEqual, DIST_URL,
} from './helpers.mjs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ALGORITHMS = ['auto', 'merge', 'quick'];

const initial = configure({});
after(() => configure(initial));

/** Runs an ES module body in a fresh node (extra node flags first); returns the spawnSync result. */
function child(code, { flags = [], env = {}, timeout = 60_000 } = {}) {
  const baseEnv = { ...process.env };
  delete baseEnv.PARALLEL_KERNELS_BACKEND;
  delete baseEnv.PARALLEL_KERNELS_THREADS;
  return spawnSync(process.execPath, [...flags, '--input-type=module', '-e', code], {
    env: { ...baseEnv, ...env }, encoding: 'utf8', timeout, killSignal: 'SIGKILL', cwd: REPO_ROOT,
  });
}

function sharedCopy(x) {
  const y = new x.constructor(new SharedArrayBuffer(x.byteLength));
  y.set(x);
  return y;
}

function sortJob(array, algorithm, descending) {
  return { array, algorithm, descending, threads: 1 };
}

/** Yields the phases of `plan`, calling `onPhase(i)` as phase i is handed out. */
function* tap(plan, onPhase) {
  let i = 0;
  for (const phase of plan) {
    onPhase(i++, phase);
    yield phase;
  }
}

const until = async (condition, what, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
};

describe('workers plans at every part count and at edge sizes', () => {
  const SIZES = [0, 1, 2, 5, 33, 1000, 4099];
  const PARTS = [1, 2, 3, 5];

  for (const type of TYPES) {
    it(`sort and argsort ${type.name}`, async () => {
      let r = 0;
      for (const n of SIZES) {
        for (const parts of PARTS) {
          const dist = DIST_NAMES[r++ % DIST_NAMES.length];
          const input = makeArray(type, n, dist, seedOf('plans', type.name, n, parts));
          for (const descending of [false, true]) {
            const expected = refSort(input, descending);
            for (const algorithm of ALGORITHMS) {
              const ctx = `${type.name} n=${n} ${dist} parts=${parts} ${algorithm} descending=${descending}`;
              const x = input.slice();
              runSync(sortPlan(sortJob(x, algorithm, descending), parts));
              assertSameElements(x, expected, `sync ${ctx}`);
              if ((r + parts) % 3 === 0) {
                const y = input.slice();
                await runAsync(sortPlan(sortJob(y, algorithm, descending), parts));
                assertSameElements(y, expected, `async ${ctx}`);
              }
            }
            const out = new Uint32Array(n);
            const job = { array: input, out, descending, threads: 1 };
            if (r % 2 === 0) runSync(argsortPlan(job, parts));
            else await runAsync(argsortPlan(job, parts));
            assertSameElements(out, refArgsort(input, descending), `argsort ${type.name} n=${n} ${dist} parts=${parts} descending=${descending}`);
          }
        }
      }
    });
  }

  it('matmul in row and column blocks', async () => {
    for (const ctor of [Float32Array, Float64Array]) {
      for (const [m, k, n] of [[1, 1, 1], [3, 5, 2], [9, 7, 40], [40, 7, 9], [17, 33, 17], [5, 0, 6]]) {
        for (const parts of PARTS) {
          const a = randomMatrix(ctor, m * k, seedOf('pa', m, k));
          const b = randomMatrix(ctor, k * n, seedOf('pb', k, n));
          const c0 = randomMatrix(ctor, m * n, seedOf('pc', m, n));
          const out = c0.slice();
          const job = { a, b, out, m, n, k, transA: parts % 2 === 1, transB: parts > 2, alpha: 1.5, beta: 0.5, threads: 1 };
          if (parts % 2 === 0) runSync(matmulPlan(job, parts));
          else await runAsync(matmulPlan(job, parts));
          assertMatClose(out, refMatmul({ ...job, c0 }), { k, n }, `${ctor.name} ${m}×${k}×${n} parts=${parts}`);
        }
      }
    }
  });
});

describe('threads', () => {
  it('pools of 3 and 4 workers sort, argsort and multiply correctly', async () => {
    for (const threads of [3, 4]) {
      configure({ threads });
      for (const type of [Int8Array, Uint16Array, Int32Array, Float32Array, Float64Array, BigInt64Array]) {
        const input = makeArray(type, 200_003, 'special', seedOf('pool', threads, type.name));
        for (const algorithm of ALGORITHMS) {
          const x = input.slice();
          sortSync(x, { backend: 'workers', algorithm, descending: true });
          assertSameElements(x, refSort(input, true), `${type.name} threads=${threads} ${algorithm}`);
        }
        assertSameElements(await argsort(input, { backend: 'workers' }), refArgsort(input), `argsort ${type.name} threads=${threads}`);
      }
      const a = randomMatrix(Float64Array, 301 * 257, 1);
      const b = randomMatrix(Float64Array, 257 * 199, 2);
      const c = await matmul(a, b, { m: 301, k: 257, n: 199, backend: 'workers' });
      assertMatClose(c, refMatmul({ a, b, m: 301, k: 257, n: 199 }), { k: 257, n: 199 }, `matmul threads=${threads}`);
    }
    configure(initial);
  });

  it('configure({ threads }) sizes the pool and per-call threads limit the workers a call uses (child process)', () => {
    const r = child(`
      const pk = await import(${JSON.stringify(DIST_URL)});
      const { workerPool } = await import(${JSON.stringify(new URL('../dist/workers/pool.js', import.meta.url).href)});
      const big = () => Float64Array.from({ length: 400_000 }, (_, i) => Math.sin(i));
      const seen = [];
      pk.configure({ threads: 4 });
      seen.push(workerPool.started);
      await pk.sort(big(), { backend: 'workers', threads: 2 });
      seen.push(workerPool.started);
      await pk.sort(big(), { backend: 'workers' });
      seen.push(workerPool.started);
      pk.configure({ threads: 1 });
      seen.push(workerPool.started);
      await pk.sort(big(), { backend: 'workers' });
      seen.push(workerPool.started);
      console.log(JSON.stringify(seen));
    `);
    assert.equal(r.status, 0, r.stderr);
    // Lazily started; 2 for the call limited to 2; 4 for a call with the default; 1 after resizing.
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').at(-1)), [0, 2, 4, 1, 1]);
  });
});

describe('abort', () => {
  const reason = new Error('stop');
  const isAbort = (err) => {
    assert.ok(err instanceof AbortError, `expected an AbortError, got ${err}`);
    assert.equal(err.cause, reason);
    return true;
  };

  it('at every stage of a sort, an argsort and a matmul: the caller sees nothing until the commit', async () => {
    const cases = [];
    for (const type of [Uint8Array, Int32Array, Float64Array]) {
      for (const algorithm of ['merge', 'quick']) {
        for (const shared of [false, true]) {
          const input = makeArray(type, 1_000_000, 'special', seedOf('stages', type.name));
          cases.push({
            name: `sort ${type.name} ${algorithm} shared=${shared}`,
            plan: (x) => sortPlan({ array: x, algorithm, descending: false, threads: 2 }, 3),
            input: () => (shared ? sharedCopy(input) : input.slice()),
            expected: refSort(input),
            result: (x) => x,
          });
        }
      }
    }
    const argInput = makeArray(Float32Array, 1_000_000, 'fewDistinct', 1);
    cases.push({
      name: 'argsort Float32Array',
      plan: (x, out) => argsortPlan({ array: x, out, descending: true, threads: 2 }, 3),
      input: () => argInput,
      expected: refArgsort(argInput, true),
      result: (x, out) => out,
    });
    const [a, b, c0] = [randomMatrix(Float64Array, 300 * 250, 1), randomMatrix(Float64Array, 250 * 270, 2), randomMatrix(Float64Array, 300 * 270, 3)];
    cases.push({
      name: 'matmul Float64Array with beta',
      plan: (x) => matmulPlan({ a, b, out: x, m: 300, k: 250, n: 270, transA: false, transB: false, alpha: 1, beta: 2, threads: 2 }, 3),
      input: () => c0.slice(),
      check: (x) => assertMatClose(x, refMatmul({ a, b, m: 300, k: 250, n: 270, beta: 2, c0 }), { k: 250, n: 270 }, 'matmul'),
      result: (x) => x,
    });

    for (const c of cases) {
      // Count the phases, then abort as each one is handed out, and while each one runs.
      let phases = 0;
      const commits = [];
      const probe = c.input();
      await runAsync(tap(c.plan(probe, new Uint32Array(probe.length)), (i, phase) => { phases++; commits.push(phase.commits === true); }));
      assert.ok(phases >= 1, c.name);
      for (let stage = 0; stage < phases; stage++) {
        for (const when of ['before', 'during']) {
          const x = c.input();
          const out = new Uint32Array(x.length);
          const before = bytesOf(c.result(x, out));
          const ac = new AbortController();
          // The last phase handed out when the abort really happened: a 'during' abort fires a
          // turn of the event loop later, when a later (committing) phase may have started.
          let handedOut = -1;
          let handedOutAtAbort = -1;
          const abort = () => { handedOutAtAbort = handedOut; ac.abort(reason); };
          const p = runAsync(tap(c.plan(x, out), (i) => {
            handedOut = i;
            if (i !== stage) return;
            if (when === 'before') abort();
            else setImmediate(abort);
          }), ac.signal);
          const ctx = `${c.name}: abort ${when} phase ${stage} of ${phases}`;
          const outcome = await p.then(() => 'resolved', (err) => isAbort(err) && 'aborted');
          if (outcome === 'aborted') {
            assertBytesEqual(c.result(x, out), before, `${ctx}: untouched`);
            // No late writes once the workers have stopped.
            await until(() => workerPool.running === 0, 'the workers to stop');
            assertBytesEqual(c.result(x, out), before, `${ctx}: still untouched`);
          } else {
            // Only a call whose commit had started may finish.
            // (-1: the call was done before the deferred abort fired at all.)
            const commitStarted = when === 'during' &&
              (handedOutAtAbort === -1 || commits.slice(0, handedOutAtAbort + 1).some(Boolean));
            assert.ok(commitStarted, `${ctx}: resolved (phase ${handedOutAtAbort} was running at the abort)`);
            if (c.check) c.check(c.result(x, out));
            else assertSameElements(c.result(x, out), c.expected, ctx);
          }
        }
      }
    }
  });

  it('a queued call is dropped without running; the call ahead of it is not disturbed', async () => {
    const big = makeArray(Float64Array, 3_000_000, 'uniform', 7);
    const ahead = big.slice();
    const queued = makeArray(Float64Array, 1_000_000, 'uniform', 8);
    const queuedBytes = bytesOf(queued);
    const ac = new AbortController();
    const first = sort(ahead, { backend: 'workers' });
    const second = sort(queued, { backend: 'workers', signal: ac.signal });
    await until(() => workerPool.running > 0, 'the first call to start');
    ac.abort(reason);
    await assert.rejects(second, isAbort);
    assert.ok(workerPool.running > 0, 'the queued call was rejected while the first still ran');
    await first;
    assertSameElements(ahead, refSort(big), 'the first call');
    assertBytesEqual(queued, queuedBytes, 'the dropped call left its array alone');
  });

  it('running parts stop at their next block', async () => {
    const input = makeArray(Float64Array, 4_000_000, 'uniform', 9);
    const t0 = performance.now();
    await sort(input.slice(), { backend: 'workers', algorithm: 'merge' });
    const full = performance.now() - t0;
    const ac = new AbortController();
    const x = input.slice();
    const p = sort(x, { backend: 'workers', algorithm: 'merge', signal: ac.signal });
    await until(() => workerPool.running > 0, 'the call to start');
    const t1 = performance.now();
    ac.abort(reason);
    await assert.rejects(p, isAbort);
    await until(() => workerPool.running === 0, 'the workers to stop');
    const stopped = performance.now() - t1;
    assert.ok(stopped < full / 2 + 50, `the workers took ${stopped.toFixed(0)} ms to stop a call that takes ${full.toFixed(0)} ms`);
    assertSameElements(x, input, 'untouched');
  });
});

describe('a worker that dies mid-call', () => {
  it('terminated during an async call: the call rejects with a clear error, later calls work', async () => {
    for (const kind of ['sort', 'argsort', 'matmul']) {
      const x = makeArray(Float64Array, 2_000_000, 'uniform', 11);
      const before = bytesOf(x);
      const n = 700;
      const a = randomMatrix(Float64Array, n * n, 1);
      const p = kind === 'sort' ? sort(x, { backend: 'workers' })
        : kind === 'argsort' ? argsort(x, { backend: 'workers' })
          : matmul(a, a, { m: n, k: n, n, backend: 'workers' });
      await until(() => workerPool.running > 0, 'the call to start');
      await workerPool._threads()[0].terminate();
      await assert.rejects(p, (err) => {
        assert.equal(err.code, 'ERR_PK_WORKER_EXITED', String(err));
        assert.match(err.message, /worker thread of the workers backend stopped/);
        return true;
      }, kind);
      assertBytesEqual(x, before, `${kind}: array untouched`);
      const y = makeArray(Int32Array, 500_000, 'uniform', 12);
      const expected = refSort(y);
      await sort(y, { backend: 'workers' });
      assertSameElements(y, expected, `a sort after losing a worker in ${kind}`);
      sortSync(y, { backend: 'workers', descending: true });
      assertSameElements(y, refSort(y, true), `a sync sort after losing a worker in ${kind}`);
    }
  });

  // A worker that fails while loading comes online first, so replacing every lost worker at once
  // could respawn forever: without a reply in between, only MAX_EAGER_REPLACEMENTS are.
  it('a lost idle worker is replaced at once, at most MAX_EAGER_REPLACEMENTS in a row without a reply', async () => {
    const { MAX_EAGER_REPLACEMENTS } = await import('../dist/workers/tuning.js');
    const y = makeArray(Int32Array, 500_000, 'uniform', 13);
    const sortAndCheck = async (what) => {
      const expected = refSort(y);
      await sort(y, { backend: 'workers' });
      assertSameElements(y, expected, what);
    };
    await sortAndCheck('a sort that starts the pool'); // its replies reset the count
    const size = workerPool.threads;
    await until(() => workerPool.started === size && workerPool._allOnline(), 'the pool to come online');
    const killOne = async () => {
      const thread = workerPool._threads()[0];
      const exited = once(thread, 'exit');
      await thread.terminate();
      await exited;
    };
    for (let i = 0; i < MAX_EAGER_REPLACEMENTS; i++) {
      await killOne();
      assert.equal(workerPool.started, size, `loss ${i + 1}: replaced at once`);
      await until(() => workerPool._allOnline(), `replacement ${i + 1} to come online`);
    }
    await killOne();
    assert.equal(workerPool.started, size - 1, 'one loss more: left to the next call');
    await sortAndCheck('the next call, which starts the missing worker');
    assert.equal(workerPool.started, size);
    await until(() => workerPool._allOnline(), 'the pool to come online again');
    await killOne();
    assert.equal(workerPool.started, size, 'after a reply, a loss is replaced at once again');
  });

  // A sync call cannot take the 'exit' event of a worker while it blocks, so the pool polls:
  // promptly once this thread's event loop has seen the worker come online, else by the
  // worker's heartbeat (STALL_TIMEOUT_MS). Patching Worker#postMessage terminates the worker
  // that gets the next part.
  it('terminated during sync calls (child process): the call throws, later calls work', () => {
    const r = child(`
      const { Worker } = await import('node:worker_threads');
      const pk = await import(${JSON.stringify(DIST_URL)});
      const { STALL_TIMEOUT_MS } = await import(${JSON.stringify(new URL('../dist/workers/tuning.js', import.meta.url).href)});
      const { workerPool } = await import(${JSON.stringify(new URL('../dist/workers/pool.js', import.meta.url).href)});
      // Between calls, until this thread has seen every worker (replacements included) come online:
      // only then is a stopped one noticed promptly. A fixed pause was too short on a loaded machine.
      const settle = async () => {
        const t0 = performance.now();
        do await new Promise((resolve) => setTimeout(resolve, 50));
        while (!workerPool._allOnline() && performance.now() - t0 < 10_000);
        if (!workerPool._allOnline()) throw new Error('a worker did not come online within 10 s');
      };
      const post = Worker.prototype.postMessage;
      let armed = 0;
      Worker.prototype.postMessage = function (message, transfer) {
        post.call(this, message, transfer);
        if (armed > 0 && message?.op !== undefined) {
          armed--;
          this.terminate();
        }
      };
      const make = (n) => Float64Array.from({ length: n }, (_, i) => Math.cos(i * 7));
      const sorted = (x) => x.every((v, i) => i === 0 || x[i - 1] <= v);
      const results = [];
      const attempt = (call, limit) => {
        armed = 1;
        const t0 = performance.now();
        try { call(); results.push('returned'); } catch (e) { results.push(e.code ?? e.message); }
        results.push(performance.now() - t0 < limit ? 'in time' : 'late');
      };
      // The first call starts the pool: its workers are not known to be online yet.
      attempt(() => pk.sortSync(make(1_000_000), { backend: 'workers' }), STALL_TIMEOUT_MS + 5000);
      await settle();
      pk.sortSync(make(1_000_000), { backend: 'workers' });
      await settle();
      // Prompt means well before the heartbeat timeout: half of it leaves room for a loaded machine
      // (an ASan build under CI load took over 3 s for the matmul).
      const prompt = STALL_TIMEOUT_MS / 2;
      attempt(() => pk.sortSync(make(1_000_000), { backend: 'workers' }), prompt);
      await settle();
      attempt(() => pk.argsortSync(make(1_000_000), { backend: 'workers' }), prompt);
      await settle();
      attempt(() => pk.matmulSync(make(300 * 300), make(300 * 300), { m: 300, k: 300, n: 300, backend: 'workers' }), prompt);
      const x = make(1_000_000);
      pk.sortSync(x, { backend: 'workers' });
      results.push(sorted(x) ? 'sorted' : 'unsorted');
      console.log(JSON.stringify(results));
    `);
    assert.equal(r.status, 0, `${r.stderr}\n${r.stdout}`);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').at(-1)), [
      'ERR_PK_WORKER_EXITED', 'in time', 'ERR_PK_WORKER_EXITED', 'in time', 'ERR_PK_WORKER_EXITED', 'in time',
      'ERR_PK_WORKER_EXITED', 'in time', 'sorted',
    ]);
  });
});

describe('concurrency', () => {
  it('150 concurrent async calls of mixed kinds and sizes, with sync calls in between', async () => {
    const rng = makeRng(seedOf('workers 150'));
    const jobs = [];
    for (let i = 0; i < 150; i++) {
      const kind = i % 3;
      const n = rng.pick([10, 40_000, 70_000, 200_000]);
      const type = rng.pick(TYPES);
      const descending = rng.next() < 0.5;
      const threads = rng.pick([undefined, 1, 2, 3]);
      if (kind === 0) {
        const input = makeArray(type, n, rng.pick(DIST_NAMES), rng.u32());
        const x = input.slice();
        const algorithm = rng.pick(ALGORITHMS);
        jobs.push(sort(x, { backend: 'workers', algorithm, descending, threads }).then((r) => {
          assert.equal(r, x);
          assertSameElements(x, refSort(input, descending), `job ${i} sort ${type.name} n=${n}`);
        }));
      } else if (kind === 1) {
        const input = makeArray(type, n, rng.pick(DIST_NAMES), rng.u32());
        jobs.push(argsort(input, { backend: 'workers', descending, threads }).then((r) => {
          assertSameElements(r, refArgsort(input, descending), `job ${i} argsort ${type.name} n=${n}`);
        }));
      } else {
        const [m, k, nn] = [rng.int(1, 200), rng.int(1, 200), rng.int(1, 200)];
        const ctor = rng.pick([Float32Array, Float64Array]);
        const a = randomMatrix(ctor, m * k, rng.u32());
        const b = randomMatrix(ctor, k * nn, rng.u32());
        jobs.push(matmul(a, b, { m, k, n: nn, backend: 'workers', threads }).then((c) => {
          assertMatClose(c, refMatmul({ a, b, m, k, n: nn }), { k, n: nn }, `job ${i} matmul ${m}×${k}×${nn}`);
        }));
      }
      if (i % 25 === 0) {
        const y = makeArray(Float32Array, 100_000, 'special', i);
        const expected = refSort(y);
        sortSync(y, { backend: 'workers' });
        assertSameElements(y, expected, `sync call after job ${i}`);
        const z = argsortSync(y, { backend: 'workers' });
        assertSameElements(z, refArgsort(y), `sync argsort after job ${i}`);
        const m = matmulSync(randomMatrix(Float64Array, 150 * 150, i), randomMatrix(Float64Array, 150 * 150, i + 1), { m: 150, k: 150, n: 150, backend: 'workers' });
        assert.equal(m.length, 150 * 150);
      }
    }
    await Promise.all(jobs);
  });

  it('sync and async calls from inside a worker_thread; the thread ends by itself', async () => {
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      (async () => {
        const pk = await import(workerData.dist);
        const h = await import(workerData.helpers);
        let calls = 0;
        for (const type of h.TYPES) {
          const input = h.makeArray(type, 120_000, 'special', calls);
          const x = input.slice();
          pk.sortSync(x, { backend: 'workers', descending: calls % 2 === 1 });
          h.assertSameElements(x, h.refSort(input, calls % 2 === 1), 'sortSync ' + type.name);
          const y = input.slice();
          await pk.sort(y, { backend: 'workers', algorithm: 'quick' });
          h.assertSameElements(y, h.refSort(input), 'sort ' + type.name);
          h.assertSameElements(await pk.argsort(input, { backend: 'workers' }), h.refArgsort(input), 'argsort ' + type.name);
          calls += 3;
        }
        const a = h.randomMatrix(Float64Array, 256 * 256, 1);
        h.assertMatClose(pk.matmulSync(a, a, { m: 256, k: 256, n: 256, backend: 'workers' }),
          h.refMatmul({ a, b: a, m: 256, k: 256, n: 256 }), { k: 256, n: 256 }, 'matmulSync');
        parentPort.postMessage({ ok: true, calls: calls + 1 });
      })().catch((e) => parentPort.postMessage({ ok: false, error: String(e?.stack ?? e) }));
    `;
    const w = new Worker(code, { eval: true, workerData: { dist: DIST_URL, helpers: new URL('./helpers.mjs', import.meta.url).href } });
    const [message] = await once(w, 'message');
    assert.ok(message.ok, message.error);
    assert.equal(message.calls, 34);
    const [exitCode] = await once(w, 'exit');
    assert.equal(exitCode, 0);
  });
});

describe('process lifetime', () => {
  it('a process exits by itself after async calls, and waits for the ones it did not await', () => {
    const r = child(`
      const pk = await import(${JSON.stringify(DIST_URL)});
      const x = Float64Array.from({ length: 2_000_000 }, (_, i) => Math.sin(i));
      await pk.sort(x, { backend: 'workers' });
      await pk.argsort(x, { backend: 'workers' });
      const a = new Float64Array(300 * 300).fill(1);
      await pk.matmul(a, a, { m: 300, k: 300, n: 300, backend: 'workers' });
      // Not awaited: the pool keeps the process alive until it settles.
      pk.sort(Float64Array.from({ length: 2_000_000 }, (_, i) => Math.cos(i)), { backend: 'workers' })
        .then((y) => console.log(y.every((v, i) => i === 0 || y[i - 1] <= v) ? 'sorted' : 'unsorted'));
      const ac = new AbortController();
      pk.sort(Float64Array.from({ length: 2_000_000 }, (_, i) => Math.tan(i)), { backend: 'workers', signal: ac.signal })
        .catch((e) => console.log(e.name));
      setTimeout(() => ac.abort(), 5);
    `, { timeout: 30_000 });
    assert.equal(r.signal, null, `killed: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), ['AbortError', 'sorted'].sort());
  });
});

describe('automatic choice', () => {
  it('without the native addon, workers is the default backend and backendInfo() says why', () => {
    // A copy of the package without build/ or prebuilds/, so the addon cannot load.
    const dir = mkdtempSync(join(tmpdir(), 'pk-nonative-'));
    try {
      cpSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
      cpSync(join(REPO_ROOT, 'package.json'), join(dir, 'package.json'));
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const r = child(`
        const pk = await import(${JSON.stringify(new URL(`file://${join(dir, 'dist', 'index.js')}`).href)});
        const x = Float64Array.from({ length: 100_000 }, (_, i) => Math.sin(i));
        pk.sortSync(x);
        let nativeError;
        try { pk.sortSync(x, { backend: 'native' }); } catch (e) { nativeError = e.message; }
        console.log(JSON.stringify({ info: pk.backendInfo(), sorted: x.every((v, i) => i === 0 || x[i - 1] <= v), nativeError }));
      `);
      assert.equal(r.status, 0, r.stderr);
      const { info, sorted, nativeError } = JSON.parse(r.stdout.trim().split('\n').at(-1));
      assert.equal(info.backend, 'workers');
      assert.deepEqual(info.available, ['workers', 'js']);
      assert.equal(info.native.loaded, false);
      assert.match(info.native.error, /Could not load the parallel-kernels native addon/);
      assert.ok(sorted);
      assert.match(nativeError, /options\.backend/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('small calls run on the calling thread: no worker is started for them (child process)', () => {
    const r = child(`
      const pk = await import(${JSON.stringify(DIST_URL)});
      const { workerPool } = await import(${JSON.stringify(new URL('../dist/workers/pool.js', import.meta.url).href)});
      pk.sortSync(new Float64Array(1000).map(Math.random), { backend: 'workers' });
      await pk.argsort(new Int32Array(1000), { backend: 'workers' });
      pk.matmulSync(new Float64Array(64 * 64), new Float64Array(64 * 64), { m: 64, k: 64, n: 64, backend: 'workers' });
      const small = workerPool.started;
      await pk.sort(new Float64Array(1_000_000).map(Math.random), { backend: 'workers' });
      console.log(JSON.stringify([small, workerPool.started > 0, pk.backendInfo().threads]));
    `);
    assert.equal(r.status, 0, r.stderr);
    const [small, startedLater] = JSON.parse(r.stdout.trim().split('\n').at(-1));
    assert.equal(small, 0);
    assert.equal(startedLater, true);
  });
});

