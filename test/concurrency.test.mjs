// Concurrency: many async calls at once, sync calls from several worker_threads while the main
// thread makes async calls, resizing the pool while calls are in flight, terminating a worker
// during an async native call, and processes that exit (by draining, or by process.exit()) with
// calls in flight.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  matmul, matmulSync, sort, sortSync, argsort, configure, backendInfo,
} from '../dist/index.js';
import {
  TYPES, DIST_NAMES, makeRng, seedOf, makeArray, refSort, refArgsort, assertSameElements,
  randomMatrix, refMatmul, assertMatClose, DIST_URL,
} from './helpers.mjs';

const initial = configure({});
after(() => configure(initial));

const FIXTURE = new URL('./fixtures/worker-calls.mjs', import.meta.url);
const HELPERS_URL = new URL('./helpers.mjs', import.meta.url).href;

/** A random async job (sort, argsort or matmul) with its own check. */
function makeJob(rng, i, { maxSort = 20_000, backends = ['native', 'native', 'js'] } = {}) {
  const kind = i % 3;
  const backend = rng.pick(backends);
  if (kind === 0) {
    const type = rng.pick(TYPES);
    const n = rng.int(0, maxSort);
    const dist = rng.pick(DIST_NAMES);
    const descending = rng.next() < 0.5;
    const algorithm = rng.pick(['auto', 'merge', 'quick']);
    const input = makeArray(type, n, dist, rng.u32());
    const arr = input.slice();
    const ctx = `job ${i}: sort ${type.name} n=${n} ${dist} ${algorithm} desc=${descending} ${backend}`;
    return {
      start: (extra = {}) => sort(arr, { backend, algorithm, descending, ...extra }),
      check: (res) => { assert.equal(res, arr, ctx); assertSameElements(arr, refSort(input, descending), ctx); },
    };
  }
  if (kind === 1) {
    const type = rng.pick(TYPES);
    const n = rng.int(0, maxSort);
    const dist = rng.pick(DIST_NAMES);
    const descending = rng.next() < 0.5;
    const input = makeArray(type, n, dist, rng.u32());
    const ctx = `job ${i}: argsort ${type.name} n=${n} ${dist} desc=${descending} ${backend}`;
    return {
      start: (extra = {}) => argsort(input, { backend, descending, ...extra }),
      check: (res) => assertSameElements(res, refArgsort(input, descending), ctx),
    };
  }
  const ctor = rng.next() < 0.5 ? Float32Array : Float64Array;
  const m = rng.int(0, 80); const k = rng.int(0, 80); const n = rng.int(0, 80);
  const transA = rng.next() < 0.5; const transB = rng.next() < 0.5;
  const a = randomMatrix(ctor, m * k, rng.u32());
  const b = randomMatrix(ctor, k * n, rng.u32());
  const useOut = rng.next() < 0.5;
  const c0 = randomMatrix(ctor, m * n, rng.u32());
  const out = useOut ? c0.slice() : undefined;
  const beta = useOut ? 0.5 : 0;
  const ctx = `job ${i}: matmul ${ctor.name} ${m}×${k}×${n} tA=${transA} tB=${transB} out=${useOut} ${backend}`;
  return {
    start: (extra = {}) => matmul(a, b, { m, k, n, transA, transB, beta, out, backend, ...extra }),
    check: (res) => {
      assert.ok(res instanceof ctor, ctx);
      if (useOut) assert.equal(res, out, ctx);
      assertMatClose(res, refMatmul({ a, b, m, k, n, transA, transB, alpha: 1, beta, c0 }), { k, n }, ctx);
    },
  };
}

function startWorker(workerData) {
  const w = new Worker(FIXTURE, { workerData: { distUrl: DIST_URL, helpersUrl: HELPERS_URL, ...workerData } });
  const messages = [];
  w.on('message', (m) => messages.push(m));
  const errors = [];
  w.on('error', (e) => errors.push(e));
  const exited = once(w, 'exit').then(([code]) => code);
  return { w, messages, errors, exited };
}

function runChild(code, env = {}, timeout = 60_000) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout,
    killSignal: 'SIGKILL',
  });
}

describe('concurrency', () => {
  it('200 async calls of mixed kinds at once all settle correctly', async () => {
    const rng = makeRng(seedOf('200 calls'));
    const jobs = Array.from({ length: 200 }, (_, i) => makeJob(rng, i));
    const results = await Promise.all(jobs.map((j) => j.start()));
    results.forEach((r, i) => jobs[i].check(r));
  });

  it('200 async calls with per-call threads 1, 2, 3 at once', async () => {
    const rng = makeRng(seedOf('200 calls threads'));
    const jobs = Array.from({ length: 200 }, (_, i) => makeJob(rng, i, { backends: ['native'] }));
    const results = await Promise.all(jobs.map((j, i) => j.start({ threads: 1 + (i % 3) })));
    results.forEach((r, i) => jobs[i].check(r));
  });

  it('sync calls from 3 worker_threads at the same time as async calls on the main thread', async () => {
    const workers = [1, 2, 3].map((seed) => startWorker({ mode: 'sync', seed, rounds: 12 }));
    const rng = makeRng(seedOf('main with workers'));
    // Keep the main thread busy with async calls while the workers run.
    let batches = 0;
    const done = Promise.all(workers.map((x) => x.exited));
    let finished = false;
    done.then(() => { finished = true; });
    while (!finished || batches < 3) {
      const jobs = Array.from({ length: 30 }, (_, i) => makeJob(rng, i + batches * 30, { maxSort: 50_000 }));
      const results = await Promise.all(jobs.map((j) => j.start()));
      results.forEach((r, i) => jobs[i].check(r));
      batches++;
      if (batches > 200) break;
    }
    const codes = await done;
    for (const [i, x] of workers.entries()) {
      assert.deepEqual(x.errors, [], `worker ${i + 1} errors`);
      assert.equal(codes[i], 0, `worker ${i + 1} exit code`);
      assert.equal(x.messages.length, 1, `worker ${i + 1} messages: ${JSON.stringify(x.messages)}`);
      const msg = x.messages[0];
      assert.ok(msg.ok, `worker ${i + 1} failed: ${msg.error}`);
      assert.equal(msg.calls, 36);
    }
  });

  it('aborting some of many concurrent calls affects only those calls', async (t) => {
    const rng = makeRng(seedOf('partial abort'));
    const n = 1_000_000;
    const inputs = Array.from({ length: 24 }, (_, i) => makeArray(i % 2 ? Float64Array : Int32Array, n, 'uniform', rng.u32()));
    const arrays = inputs.map((x) => x.slice());
    const controllers = arrays.map(() => new AbortController());
    const pending = arrays.map((x, i) => sort(x, { backend: 'native', signal: controllers[i].signal }).then(() => 'resolved', (e) => e));
    for (let i = 0; i < arrays.length; i += 3) controllers[i].abort();
    const outcomes = await Promise.all(pending);
    let aborted = 0;
    outcomes.forEach((o, i) => {
      if (i % 3 !== 0) {
        assert.equal(o, 'resolved', `call ${i} was not aborted but settled with ${o}`);
        assertSameElements(arrays[i], refSort(inputs[i]), `call ${i}`);
      } else if (o === 'resolved') {
        assertSameElements(arrays[i], refSort(inputs[i]), `aborted call ${i} that completed anyway`);
      } else {
        aborted++;
        assert.equal(o.name, 'AbortError', `call ${i}: ${o}`);
        assertSameElements(arrays[i], inputs[i], `aborted call ${i}: array untouched`);
      }
    });
    t.diagnostic(`${aborted} of ${Math.ceil(arrays.length / 3)} aborted calls rejected`);
  });

  it('configure({ threads }) changed while async calls are in flight', async () => {
    const rng = makeRng(seedOf('resize'));
    const before = backendInfo().threads;
    for (const sequence of [[1, 3], [4, 1, 2], [2, before]]) {
      const jobs = Array.from({ length: 45 }, (_, i) => makeJob(rng, i, { maxSort: 200_000, backends: ['native'] }));
      const pending = jobs.map((j) => j.start());
      for (const t of sequence) {
        const res = configure({ threads: t });
        assert.equal(res.threads, t);
        assert.equal(backendInfo().threads, t);
        await new Promise((r) => setImmediate(r));
        // A sync call in between, on the resized pool.
        const x = makeArray(Int32Array, 100_003, 'uniform', t);
        const exp = refSort(x);
        sortSync(x);
        assertSameElements(x, exp, `sortSync after configure({threads: ${t}})`);
      }
      const results = await Promise.all(pending);
      results.forEach((r, i) => jobs[i].check(r));
    }
    configure({ threads: before });
    assert.equal(backendInfo().threads, before);
  });

  it('terminating a worker while its async native calls run does not crash; the main thread keeps working', async () => {
    for (let round = 0; round < 3; round++) {
      const x = startWorker({ mode: 'long-async', seed: round + 10, n: 3_000_000 });
      // Wait until the worker has started its calls, then terminate it.
      const started = new Promise((resolve) => x.w.on('message', (m) => { if (m === 'started') resolve(true); }));
      const ok = await Promise.race([started, x.exited.then(() => false)]);
      assert.deepEqual(x.errors, [], 'worker errors');
      assert.ok(ok, 'the worker started its calls');
      const delay = [0, 20, 100][round];
      if (delay) await new Promise((r) => setTimeout(r, delay));
      await x.w.terminate();
      const code = await x.exited;
      assert.equal(typeof code, 'number', 'worker exited');
      // The main thread and the pool still work.
      const rng = makeRng(round);
      const jobs = Array.from({ length: 12 }, (_, i) => makeJob(rng, i, { backends: ['native'] }));
      const results = await Promise.all(jobs.map((j) => j.start()));
      results.forEach((r, i) => jobs[i].check(r));
      const a = randomMatrix(Float64Array, 100 * 100, round);
      assertMatClose(matmulSync(a, a, { m: 100, k: 100, n: 100 }), refMatmul({ a, b: a, m: 100, k: 100, n: 100 }), { k: 100, n: 100 }, 'matmulSync after terminate');
    }
  });

  it('terminating workers in the middle of sync native calls does not crash; the main thread keeps working', async () => {
    for (let round = 0; round < 4; round++) {
      const x = startWorker({ mode: 'sync-loop', seed: round + 20 });
      const started = new Promise((resolve) => x.w.on('message', (m) => { if (m === 'started') resolve(true); }));
      assert.ok(await Promise.race([started, x.exited.then(() => false)]), `worker started ${x.errors}`);
      await new Promise((r) => setTimeout(r, 25 * round));
      await x.w.terminate();
      await x.exited;
      assert.deepEqual(x.errors, []);
    }
    const rng = makeRng(seedOf('after sync terminate'));
    const jobs = Array.from({ length: 12 }, (_, i) => makeJob(rng, i, { backends: ['native'] }));
    const results = await Promise.all(jobs.map((j) => j.start()));
    results.forEach((r, i) => jobs[i].check(r));
  });

  it('process.exit() inside workers with async calls in flight: the workers exit with their code, the main thread keeps working', async () => {
    const workers = [1, 2, 3, 4].map((seed) => startWorker({ mode: 'exit-in-flight', seed }));
    const codes = await Promise.all(workers.map((x) => x.exited));
    assert.deepEqual(codes, [3, 3, 3, 3]);
    for (const x of workers) assert.deepEqual(x.errors, []);
    const rng = makeRng(seedOf('after worker exit'));
    const jobs = Array.from({ length: 12 }, (_, i) => makeJob(rng, i, { backends: ['native'] }));
    const results = await Promise.all(jobs.map((j) => j.start()));
    results.forEach((r, i) => jobs[i].check(r));
  });

  it('arrays reachable only through pending async calls survive garbage collection', () => {
    const code = `
      import { sort, argsort, matmul } from ${JSON.stringify(DIST_URL)};
      const ps = [];
      for (let r = 0; r < 4; r++) {
        ps.push(sort(new Float64Array(2_000_000).map((_, i) => Math.sin(i * 7 + r))).then((x) => {
          for (let i = 1; i < x.length; i++) if (x[i - 1] > x[i]) return 'unsorted';
          return 'ok';
        }));
        ps.push(argsort(new Float32Array(1_000_000).map((_, i) => Math.cos(i))).then((x) => (x.length === 1_000_000 ? 'ok' : 'bad length')));
        ps.push(matmul(new Float64Array(300 * 300).fill(1), new Float64Array(300 * 300).fill(2), { m: 300, k: 300 })
          .then((c) => (c.every((v) => v === 600) ? 'ok' : 'wrong')));
      }
      for (let i = 0; i < 20; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 5)); }
      console.log(JSON.stringify(await Promise.all(ps)));
    `;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    assert.equal(r.signal, null, `killed by ${r.signal}; stderr: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), Array(12).fill('ok'));
  });

  it('a child process that starts async calls and lets the event loop drain exits by itself with code 0', () => {
    const code = `
      import { sort, argsort, matmul } from ${JSON.stringify(DIST_URL)};
      const x = new Float64Array(2_000_000);
      for (let i = 0; i < x.length; i++) x[i] = Math.sin(i) * 1e6;
      const y = new Int32Array(1_000_000).map((_, i) => (i * 2654435761) | 0);
      const a = new Float32Array(300 * 300).fill(1);
      const results = await Promise.all([
        sort(x),
        argsort(y, { descending: true }),
        matmul(a, a, { m: 300, k: 300 }),
        sort(y.slice(), { backend: 'js' }),
      ]);
      let ok = true;
      for (let i = 1; i < x.length; i++) if (x[i - 1] > x[i]) ok = false;
      if (results[2][0] !== 300) ok = false;
      console.log(ok ? 'drained ok' : 'wrong results');
      // Also leave one last call in flight without awaiting it: the process must still exit.
      sort(new Float64Array(500_000).map(Math.random)).then(() => console.log('last done'));
    `;
    const r = runChild(code);
    assert.equal(r.error, undefined, `spawn error (timeout?) ${r.error}`);
    assert.equal(r.signal, null, `killed by ${r.signal}; stderr: ${r.stderr}`);
    assert.equal(r.status, 0, `exit code; stderr: ${r.stderr}`);
    assert.match(r.stdout, /drained ok/);
    assert.match(r.stdout, /last done/);
  });

  it('a child that calls process.exit() with calls in flight exits cleanly (code 0, no signal)', () => {
    const variants = {
      immediately: 'console.log("exiting"); process.exit(0);',
      'after a tick': 'setImmediate(() => { console.log("exiting"); process.exit(0); });',
      'after 50 ms': 'setTimeout(() => { console.log("exiting"); process.exit(0); }, 50);',
      'with a worker running calls too': `
        const { Worker } = await import('node:worker_threads');
        const w = new Worker(new URL(${JSON.stringify(FIXTURE.href)}), {
          workerData: { distUrl: ${JSON.stringify(DIST_URL)}, helpersUrl: ${JSON.stringify(HELPERS_URL)}, mode: 'long-async', n: 2000000 },
          execArgv: [], // not --input-type, which only applies to the -e string
        });
        w.on('message', (m) => { if (m === 'started') setTimeout(() => { console.log('exiting'); process.exit(0); }, 10); });`,
    };
    for (const [name, exit] of Object.entries(variants)) {
      const code = `
        import { sort, argsort, matmul, sortSync } from ${JSON.stringify(DIST_URL)};
        const big = new Float64Array(5_000_000).map(Math.random);
        const keys = new Float32Array(2_000_000).map(Math.random);
        const a = new Float64Array(512 * 512).fill(0.5);
        sort(big);
        argsort(keys);
        matmul(a, a, { m: 512, k: 512 });
        matmul(a, a, { m: 512, k: 512, signal: new AbortController().signal });
        sortSync(new Int32Array(1000));
        console.log('started');
        ${exit}
      `;
      const r = runChild(code);
      assert.equal(r.error, undefined, `${name}: spawn error (timeout?) ${r.error}`);
      assert.equal(r.signal, null, `${name}: killed by ${r.signal}; stderr: ${r.stderr}`);
      assert.equal(r.status, 0, `${name}: exit code ${r.status}; stderr: ${r.stderr}`);
      assert.match(r.stdout, /started/, name);
      assert.match(r.stdout, /exiting/, `${name}: reached process.exit()`);
      assert.doesNotMatch(r.stderr, /Assertion|Segmentation|Aborted|FATAL|terminate called/i, `${name}: stderr`);
    }
  });
});

// "The process never crashes": JavaScript can change an ArrayBuffer while an async native call
// works on it (detach it by transferring it, or shrink a resizable one). The call may resolve or
// reject, but the process must not crash.
//
// Known gap (README, Limitations): Node-API offers no way to keep an ArrayBuffer's memory alive once
// JavaScript transfers the buffer away, so transferring a buffer that a pending async native call
// works on, and letting the new owner be collected, frees memory the kernel still uses. These
// probes stay here as `todo` so the gap stays visible; resizable buffers are refused by async calls.
const TRANSFER_GAP = 'Node-API cannot pin an ArrayBuffer across a transfer; see README Limitations';
describe('buffers changed by JavaScript while an async native call runs', () => {
  function runCrashProbe(body) {
    const code = `
      import { sort, argsort, matmul } from ${JSON.stringify(DIST_URL)};
      const settle = (p) => p.then(() => 'resolved', (e) => 'rejected ' + e.name);
      ${body}
    `;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    assert.equal(r.signal, null, `the process crashed (signal ${r.signal}); stdout: ${r.stdout}; stderr: ${r.stderr.slice(0, 2000)}`);
    assert.equal(r.status, 0, `exit code ${r.status}; stderr: ${r.stderr.slice(0, 2000)}`);
    assert.match(r.stdout, /outcome: (resolved|rejected)/);
  }

  it('the buffer of an array being sorted is transferred away and collected', { todo: TRANSFER_GAP }, () => {
    runCrashProbe(`
      const x = new Float64Array(8_000_000).map((_, i) => Math.sin(i));
      const p = settle(sort(x));
      setImmediate(() => {
        let moved = structuredClone(x.buffer, { transfer: [x.buffer] });
        moved = null;
        for (let i = 0; i < 10; i++) { globalThis.gc(); new ArrayBuffer(64e6); }
      });
      console.log('outcome: ' + await p);
    `);
  });

  it('the out of a running matmul is transferred away and collected', { todo: TRANSFER_GAP }, () => {
    runCrashProbe(`
      const a = new Float64Array(1024 * 1024).fill(1);
      const out = new Float64Array(1024 * 1024);
      const p = settle(matmul(a, a, { m: 1024, k: 1024, out }));
      setImmediate(() => {
        let moved = structuredClone(out.buffer, { transfer: [out.buffer] });
        moved = null;
        for (let i = 0; i < 10; i++) { globalThis.gc(); new ArrayBuffer(64e6); }
      });
      console.log('outcome: ' + await p);
    `);
  });

  it('a resizable ArrayBuffer under a running sort is shrunk to 0', () => {
    runCrashProbe(`
      const n = 4_000_000;
      const buf = new ArrayBuffer(8 * n, { maxByteLength: 8 * n });
      const x = new Float64Array(buf);
      for (let i = 0; i < n; i++) x[i] = Math.sin(i);
      const p = settle(sort(x));
      setImmediate(() => buf.resize(0));
      console.log('outcome: ' + await p);
    `);
  });
});
