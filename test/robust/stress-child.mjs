// The stress run of stress.test.mjs, in a process of its own so that a deadlock is caught by the
// test's timeout (SIGKILL) instead of hanging the runner, and a crash shows as a signal.
//
// Main thread: `asyncCalls` async calls of every kind and size on every backend, `concurrency` in
// flight at once, a fifth of them aborted at a random moment, while configure({ threads }) changes
// every few milliseconds and four worker_threads (this same file) make sync calls in a loop. Every
// result is checked. Then two more workers are terminated in the middle of native calls, and the
// process exits with calls still in flight. Prints one JSON line of counts.
//
// workerData.role === 'sync-worker': make checked sync calls until told to stop, then report.
import { isMainThread, parentPort, workerData, Worker } from 'node:worker_threads';

const { distUrl, helpersUrl } = isMainThread ? JSON.parse(process.argv[2]) : workerData;
const pk = await import(distUrl);
const h = await import(helpersUrl);

/** A random call of any kind with its check; `sync` picks the sync form. */
function makeCall(rng, sync, backends) {
  const backend = rng.pick(backends);
  const threads = rng.next() < 0.3 ? rng.int(1, 4) : undefined;
  const kind = rng.int(0, 2);
  const big = rng.next() < 0.05;
  if (kind < 2) {
    const type = rng.pick(h.TYPES);
    const n = big ? rng.int(50_000, 400_000) : rng.pick([0, 1, 2, 17, 100, 1000, 5000, 20_000]);
    const dist = rng.pick(h.DIST_NAMES);
    const descending = rng.next() < 0.5;
    const input = rng.next() < 0.3 ? h.makeSharedArray(type, n, dist, rng.u32()) : h.makeArray(type, n, dist, rng.u32());
    const opts = { backend, descending, ...(threads ? { threads } : {}) };
    const what = `${kind ? 'argsort' : 'sort'} ${type.name}(${n}) ${dist} ${JSON.stringify(opts)}`;
    if (kind === 0) {
      const arr = input.slice();
      opts.algorithm = rng.pick(['auto', 'merge', 'quick', 'radix']);
      const expected = () => h.refSort(input, descending);
      return {
        what,
        run: (extra) => (sync ? pk.sortSync(arr, opts) : pk.sort(arr, { ...opts, ...extra })),
        check: (res) => { if (res !== arr) throw new Error(`${what}: not the same array`); h.assertSameElements(arr, expected(), what); },
        untouched: () => h.assertSameElements(arr, input, `${what} (aborted)`),
      };
    }
    return {
      what,
      run: (extra) => (sync ? pk.argsortSync(input, opts) : pk.argsort(input, { ...opts, ...extra })),
      check: (res) => h.assertSameElements(res, h.refArgsort(input, descending), what),
      untouched: () => {},
    };
  }
  const ctor = rng.next() < 0.5 ? Float32Array : Float64Array;
  const d = () => (big ? rng.int(100, 260) : rng.int(0, 48));
  const m = d(), k = d(), n = d();
  const transA = rng.next() < 0.5, transB = rng.next() < 0.5;
  const a = h.randomMatrix(ctor, m * k, rng.u32()), b = h.randomMatrix(ctor, k * n, rng.u32());
  const c0 = h.randomMatrix(ctor, m * n, rng.u32());
  const out = rng.next() < 0.5 ? c0.slice() : undefined;
  const beta = out ? 0.5 : 0;
  const opts = { m, k, n, transA, transB, beta, out, backend, ...(threads ? { threads } : {}) };
  const what = `matmul ${ctor.name} ${m}×${k}×${n} tA=${transA} tB=${transB} out=${!!out} ${backend}`;
  return {
    what,
    run: (extra) => (sync ? pk.matmulSync(a, b, opts) : pk.matmul(a, b, { ...opts, ...extra })),
    check: (res) => h.assertMatClose(res, h.refMatmul({ a, b, m, k, n, transA, transB, beta, c0 }), { k, n }, what),
    untouched: () => { if (out) h.assertSameElements(out, c0, `${what} (aborted)`); },
  };
}

if (!isMainThread) {
  // A sync worker: checked sync calls until the main thread says stop.
  const rng = h.makeRng(workerData.seed);
  const stop = new Int32Array(workerData.stop);
  let calls = 0;
  try {
    while (Atomics.load(stop, 0) === 0) {
      const call = makeCall(rng, true, ['native', 'native', 'workers', 'js']);
      call.check(call.run());
      calls++;
      if (workerData.announce && calls === 1) parentPort.postMessage('started');
    }
    parentPort.postMessage({ ok: true, calls });
  } catch (error) {
    parentPort.postMessage({ ok: false, calls, error: String(error?.stack ?? error) });
  }
} else {
  const { seed, asyncCalls, concurrency } = JSON.parse(process.argv[2]);
  const rng = h.makeRng(seed);
  const stopBuffer = new SharedArrayBuffer(4);
  const stop = new Int32Array(stopBuffer);
  const self = new URL(import.meta.url);
  const startWorker = (i, extra = {}) => {
    const w = new Worker(self, { workerData: { distUrl, helpersUrl, seed: seed + i, stop: stopBuffer, ...extra } });
    const report = new Promise((resolve, reject) => {
      w.on('message', (m) => { if (m !== 'started') resolve(m); });
      w.on('error', reject);
      w.on('exit', (code) => resolve({ ok: false, error: `exited with code ${code} before reporting` }));
    });
    return { w, report };
  };
  const workers = [1, 2, 3, 4].map((i) => startWorker(i));

  // Resize the native pool and the workers pool while everything runs.
  let resizes = 0;
  const resizer = setInterval(() => { pk.configure({ threads: rng.int(1, 4) }); resizes++; }, 7);

  const counts = { resolved: 0, aborted: 0, abortRequested: 0 };
  let next = 0;
  async function lane() {
    while (next < asyncCalls) {
      next++;
      const call = makeCall(rng, false, ['native', 'native', 'native', 'workers', 'js']);
      const controller = rng.next() < 0.2 ? new AbortController() : undefined;
      const promise = call.run(controller ? { signal: controller.signal } : {});
      if (controller) {
        counts.abortRequested++;
        const delay = rng.int(0, 3);
        if (delay === 0) controller.abort();
        else setTimeout(() => controller.abort(), delay - 1);
      }
      try {
        call.check(await promise);
        counts.resolved++;
      } catch (error) {
        if (!controller || error?.name !== 'AbortError') throw new Error(`${call.what}: ${error?.stack ?? error}`);
        call.untouched();
        counts.aborted++;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  clearInterval(resizer);
  Atomics.store(stop, 0, 1);
  const reports = await Promise.all(workers.map((x) => x.report));
  const syncCalls = reports.reduce((s, r) => s + r.calls, 0);
  for (const r of reports) if (!r.ok) throw new Error(`a sync worker failed: ${r.error}`);
  if (reports.some((r) => r.calls === 0)) throw new Error('a sync worker made no call');
  pk.configure({ threads: 2 });

  // Two workers terminated in the middle of their (sync and nested native) calls while the main
  // thread has async calls in flight; then the process exits with calls in flight.
  Atomics.store(stop, 0, 0);
  const doomed = [5, 6].map((i) => startWorker(i, { announce: true }));
  await Promise.all(doomed.map((x) => new Promise((resolve) => x.w.once('message', resolve))));
  const inFlight = Array.from({ length: 20 }, () => makeCall(rng, false, ['native']).run({}));
  await new Promise((r) => setTimeout(r, rng.int(1, 30)));
  await Promise.all(doomed.map((x) => x.w.terminate()));
  const after = makeCall(rng, false, ['native']);
  after.check(await after.run({}));
  console.log(JSON.stringify({ asyncCalls, ...counts, syncCalls, resizes, terminated: doomed.length, leftInFlight: inFlight.length }));
  // Exit with the 20 calls (and the terminated workers' cleanup) possibly still in flight.
  process.exit(0);
}
