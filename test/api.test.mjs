// The shape of the public API: exports, backendInfo(), configure(), the environment variables
// (in child processes), return types, and the event loop staying free during long async calls.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as pk from '../dist/index.js';
import {
  matmul, matmulSync, sort, sortSync, argsort, argsortSync, configure, backendInfo, AbortError,
} from '../dist/index.js';
import {
  TYPES, makeArray, refSort, refArgsort, assertSameElements, randomMatrix, DIST_URL,
} from './helpers.mjs';

const REPO_ROOT = new URL('..', import.meta.url);

// The default backend of this process: native, unless the suite runs under PARALLEL_KERNELS_BACKEND.
const DEFAULT_BACKEND = process.env.PARALLEL_KERNELS_BACKEND || 'native';

const initial = configure({});
after(() => configure(initial));

/** Runs `code` (an ES module body) in a fresh node with extra environment variables. */
function child(code, env = {}) {
  const baseEnv = { ...process.env };
  delete baseEnv.PARALLEL_KERNELS_BACKEND;
  delete baseEnv.PARALLEL_KERNELS_THREADS;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: { ...baseEnv, ...env }, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', cwd: REPO_ROOT,
  });
  return r;
}

/** In a child: import the package and print backendInfo() as JSON, or the import error. */
function infoWithEnv(env) {
  const code = `
    try {
      const pk = await import(${JSON.stringify(DIST_URL)});
      const x = new Float64Array([3, 1, 2]);
      pk.sortSync(x);
      console.log(JSON.stringify({ ok: true, info: pk.backendInfo(), sorted: Array.from(x), conf: pk.configure({}) }));
    } catch (e) {
      console.log(JSON.stringify({ ok: false, name: e?.constructor?.name, message: String(e?.message ?? e) }));
    }
  `;
  const r = child(code, env);
  assert.equal(r.signal, null, `child killed by ${r.signal}: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').at(-1);
  assert.ok(line, `no output from the child; status ${r.status}, stderr: ${r.stderr}`);
  return JSON.parse(line);
}

describe('exports', () => {
  it('exports the documented functions and AbortError', () => {
    for (const name of ['matmul', 'matmulSync', 'sort', 'sortSync', 'argsort', 'argsortSync', 'configure', 'backendInfo']) {
      assert.equal(typeof pk[name], 'function', name);
    }
    assert.equal(typeof pk.AbortError, 'function');
    assert.ok(pk.AbortError.prototype instanceof Error);
  });

  it('the package resolves by name through its exports map', () => {
    const r = child(`
      const pk = await import('parallel-kernels');
      const same = await import(${JSON.stringify(DIST_URL)});
      console.log(pk.sortSync === same.sortSync ? 'same' : 'different');
    `);
    // Run from the repo root, where the name resolves to the package itself (self-reference).
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /same/);
  });
});

describe('backendInfo and configure', () => {
  it('backendInfo() reports the native backend loaded, with a path', () => {
    const info = backendInfo();
    assert.equal(info.backend, DEFAULT_BACKEND);
    assert.deepEqual(info.available, ['native', 'workers', 'js']);
    assert.ok(Number.isInteger(info.threads) && info.threads >= 1 && info.threads <= 256, `threads ${info.threads}`);
    assert.equal(typeof info.native, 'object');
    assert.equal(info.native.loaded, true, `native did not load: ${info.native.error}`);
    assert.equal(typeof info.native.path, 'string');
    assert.ok(info.native.path.length > 0);
    assert.equal(info.native.error, undefined);
    if (info.native.simd !== undefined) assert.equal(typeof info.native.simd, 'string');
  });

  it('backendInfo() returns a fresh object: mutating it changes nothing', () => {
    const info = backendInfo();
    info.backend = 'js';
    info.threads = 99;
    info.available.pop();
    assert.equal(backendInfo().backend, DEFAULT_BACKEND);
    assert.deepEqual(backendInfo().available, ['native', 'workers', 'js']);
    assert.notEqual(backendInfo().threads, 99);
  });

  it('configure({}) and configure() return the settings in force without changing them', () => {
    const a = configure({});
    assert.deepEqual(Object.keys(a).sort(), ['backend', 'threads']);
    assert.equal(a.backend, backendInfo().backend);
    assert.equal(a.threads, backendInfo().threads);
    assert.deepEqual(configure(), a);
    assert.deepEqual(configure({}), a);
  });

  it('configure({ threads }) changes backendInfo().threads; calls still work', () => {
    for (const t of [1, 2, 3, 7, 1]) {
      const r = configure({ threads: t });
      assert.equal(r.threads, t);
      assert.equal(backendInfo().threads, t);
      const x = makeArray(Float64Array, 50_000, 'special', t);
      const exp = refSort(x);
      sortSync(x);
      assertSameElements(x, exp, `sortSync with threads ${t}`);
    }
    configure({ threads: initial.threads });
    assert.equal(backendInfo().threads, initial.threads);
  });

  it('configure({ backend }) switches the default backend; the per-call option overrides it', async () => {
    let r = configure({ backend: 'js' });
    assert.equal(r.backend, 'js');
    assert.equal(backendInfo().backend, 'js');
    assert.equal(backendInfo().native.loaded, true, 'native still loaded');
    const x = makeArray(Int32Array, 10_000, 'uniform', 1);
    const exp = refSort(x);
    sortSync(x);
    assertSameElements(x, exp, 'sort on the js default');
    const y = makeArray(Int32Array, 10_000, 'uniform', 2);
    await sort(y, { backend: 'native' });
    assertSameElements(y, refSort(makeArray(Int32Array, 10_000, 'uniform', 2)), 'per-call native');
    r = configure({ backend: 'native' });
    assert.equal(r.backend, 'native');
    assert.equal(backendInfo().backend, 'native');
    // Setting one leaves the other alone.
    const t = backendInfo().threads;
    configure({ backend: 'js' });
    assert.equal(backendInfo().threads, t);
    configure({ threads: 2 });
    assert.equal(backendInfo().backend, 'js');
    configure(initial);
    assert.deepEqual(configure({}), initial);
  });

  it('configure({ backend: "workers" }) makes workers the default backend', async () => {
    assert.equal(configure({ backend: 'workers' }).backend, 'workers');
    assert.equal(backendInfo().backend, 'workers');
    const x = makeArray(Float64Array, 100_000, 'special', 5);
    const exp = refSort(x);
    await sort(x);
    assertSameElements(x, exp, 'sort on the workers default');
    configure(initial);
    assert.deepEqual(configure({}), initial);
  });
});

describe('environment variables (child processes)', () => {
  it('with no variables: native backend, threads a positive integer', () => {
    const r = infoWithEnv({});
    assert.ok(r.ok, r.message);
    assert.equal(r.info.backend, 'native');
    assert.ok(Number.isInteger(r.info.threads) && r.info.threads >= 1);
    assert.deepEqual(r.sorted, [1, 2, 3]);
  });

  it('PARALLEL_KERNELS_BACKEND=js / workers / native sets the default backend', () => {
    for (const b of ['js', 'workers', 'native']) {
      const r = infoWithEnv({ PARALLEL_KERNELS_BACKEND: b });
      assert.ok(r.ok, r.message);
      assert.equal(r.info.backend, b);
      assert.equal(r.conf.backend, b);
      assert.deepEqual(r.sorted, [1, 2, 3]);
    }
  });

  it('PARALLEL_KERNELS_THREADS=n sets the default thread count', () => {
    for (const t of ['1', '3', '5']) {
      const r = infoWithEnv({ PARALLEL_KERNELS_THREADS: t });
      assert.ok(r.ok, r.message);
      assert.equal(r.info.threads, Number(t));
      assert.equal(r.conf.threads, Number(t));
    }
    const both = infoWithEnv({ PARALLEL_KERNELS_THREADS: '2', PARALLEL_KERNELS_BACKEND: 'js' });
    assert.ok(both.ok, both.message);
    assert.equal(both.info.threads, 2);
    assert.equal(both.info.backend, 'js');
  });

  it('configure() overrides the environment', () => {
    const r = child(`
      const pk = await import(${JSON.stringify(DIST_URL)});
      console.log(JSON.stringify(pk.configure({ threads: 2, backend: 'native' })));
    `, { PARALLEL_KERNELS_THREADS: '3', PARALLEL_KERNELS_BACKEND: 'js' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { backend: 'native', threads: 2 });
  });

  it('an invalid value makes the import fail with an error naming the variable', () => {
    const cases = [
      ['PARALLEL_KERNELS_THREADS', 'abc'],
      ['PARALLEL_KERNELS_THREADS', '0'],
      ['PARALLEL_KERNELS_THREADS', '257'],
      ['PARALLEL_KERNELS_THREADS', '1.5'],
      ['PARALLEL_KERNELS_THREADS', '-2'],
      ['PARALLEL_KERNELS_THREADS', '4x'],
      ['PARALLEL_KERNELS_BACKEND', 'gpu'],
      ['PARALLEL_KERNELS_BACKEND', 'NATIVE '],
    ];
    for (const [name, value] of cases) {
      const r = infoWithEnv({ [name]: value });
      assert.equal(r.ok, false, `${name}=${value} should make the import fail; got ${JSON.stringify(r.info)}`);
      assert.ok(['TypeError', 'RangeError'].includes(r.name), `${name}=${value}: ${r.name}`);
      assert.match(r.message, new RegExp(name), `${name}=${value}: message "${r.message}"`);
    }
  });
});

describe('return types', () => {
  it('sortSync returns the same object; sort resolves to the same object; for every type', async () => {
    for (const type of TYPES) {
      for (const backend of ['native', 'workers', 'js']) {
        const x = makeArray(type, 100, 'uniform', 1);
        assert.equal(sortSync(x, { backend }), x);
        const y = makeArray(type, 100, 'uniform', 2);
        const p = sort(y, { backend });
        assert.ok(p instanceof Promise);
        assert.equal(await p, y);
      }
    }
  });

  it('matmulSync returns a Float32Array for f32 input and a Float64Array for f64 input; out itself when given', async () => {
    for (const ctor of [Float32Array, Float64Array]) {
      for (const backend of ['native', 'workers', 'js']) {
        const a = randomMatrix(ctor, 6, 1);
        const b = randomMatrix(ctor, 12, 2);
        const c = matmulSync(a, b, { m: 2, k: 3, n: 4, backend });
        assert.equal(c.constructor, ctor);
        assert.equal(c.length, 8);
        assert.notEqual(c.buffer, a.buffer);
        const c2 = await matmul(a, b, { m: 2, k: 3, n: 4, backend });
        assert.equal(c2.constructor, ctor);
        const out = new ctor(8);
        assert.equal(matmulSync(a, b, { m: 2, k: 3, n: 4, out, backend }), out);
        assert.equal(await matmul(a, b, { m: 2, k: 3, n: 4, out, backend }), out);
      }
    }
  });

  it('argsort returns a new Uint32Array; the input is untouched', async () => {
    for (const type of TYPES) {
      for (const backend of ['native', 'workers', 'js']) {
        const x = makeArray(type, 100, 'special', 3);
        const copy = x.slice();
        const r = argsortSync(x, { backend });
        assert.equal(r.constructor, Uint32Array);
        assert.equal(r.length, 100);
        assertSameElements(x, copy, 'input untouched');
        assertSameElements(r, refArgsort(x), `${type.name} ${backend}`);
        const r2 = await argsort(x, { backend });
        assert.equal(r2.constructor, Uint32Array);
        assert.notEqual(r2, r);
        const e = argsortSync(new type.ctor(0), { backend });
        assert.ok(e instanceof Uint32Array && e.length === 0);
      }
    }
  });

  it('an aborted call rejects with an AbortError named AbortError whose cause is the reason', async () => {
    const reason = new Error('why');
    const err = await sort(new Int8Array(10), { signal: AbortSignal.abort(reason) }).then(() => null, (e) => e);
    assert.ok(err instanceof AbortError);
    assert.equal(err.name, 'AbortError');
    assert.equal(err.cause, reason);
  });
});

describe('the event loop stays free during long async calls', () => {
  async function ticksDuring(start) {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 5);
    const t0 = performance.now();
    try {
      await start();
    } finally {
      clearInterval(timer);
    }
    return { ticks, ms: performance.now() - t0 };
  }

  // The work is sized to take well over 100 ms on the native backend; if the event loop were
  // blocked for its duration, the interval could not fire at all. Only a loose lower bound is
  // asserted, scaled by how long the call took, so a fast machine cannot make this fail.
  for (const backend of ['native', 'workers']) {
    it(`a long sort (${backend})`, async () => {
      const x = makeArray(Float64Array, 10_000_000, 'uniform', 42);
      const { ticks, ms } = await ticksDuring(() => sort(x, { backend }));
      const expected = Math.min(3, Math.floor(ms / 60));
      assert.ok(ticks >= expected, `setInterval(5 ms) fired ${ticks} times during a ${ms.toFixed(0)} ms sort`);
      for (let i = 1; i < x.length; i += 997) assert.ok(x[i - 1] <= x[i]);
    });

    it(`a long matmul (${backend})`, async () => {
      const n = 768;
      const a = randomMatrix(Float64Array, n * n, 1);
      const { ticks, ms } = await ticksDuring(async () => {
        for (let r = 0; r < 3; r++) await matmul(a, a, { m: n, k: n, n, backend });
      });
      const expected = Math.min(3, Math.floor(ms / 60));
      assert.ok(ticks >= expected, `setInterval(5 ms) fired ${ticks} times during ${ms.toFixed(0)} ms of matmul`);
    });

    it(`a long argsort (${backend})`, async () => {
      const x = makeArray(Float32Array, 5_000_000, 'uniform', 43);
      const { ticks, ms } = await ticksDuring(() => argsort(x, { backend }));
      const expected = Math.min(3, Math.floor(ms / 60));
      assert.ok(ticks >= expected, `setInterval(5 ms) fired ${ticks} times during a ${ms.toFixed(0)} ms argsort`);
    });
  }
});
