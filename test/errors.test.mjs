// Every error path of the public API, for every function, sync and async: the error class
// (TypeError for a wrong type, RangeError for a bad value or size, AbortError for a signal), a
// message that names the argument (`a`, `b`, `array`, `options`, `options.<name>`), thrown (sync)
// or rejected (async, never thrown synchronously) before any work, with the caller's arrays
// untouched. Also aborting a long async call.

import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import {
  matmul, matmulSync, sort, sortSync, argsort, argsortSync, configure, AbortError,
} from '../dist/index.js';
import {
  errorNaming, bytesOf, assertBytesEqual, detach, makeArray, makeRng, seedOf, refSort,
  assertSameElements, refMatmul, randomMatrix, assertMatClose, cmpAsc, checkArgsort,
} from './helpers.mjs';

const T = TypeError;
const R = RangeError;
const EITHER = [TypeError, RangeError];

const initial = configure({});
after(() => configure(initial));

/**
 * Calls fn(...args) and checks the error. `watch` are arrays whose bytes must be unchanged.
 * For async functions: no synchronous throw, a Promise, and a rejection.
 */
async function expectError(fn, isAsync, args, cls, names, watch, title) {
  const snaps = watch.map((v) => [v, bytesOf(v)]);
  const check = errorNaming(cls, names);
  if (isAsync) {
    let p;
    assert.doesNotThrow(() => { p = fn(...args); }, `${title}: the async form must not throw synchronously`);
    assert.ok(p instanceof Promise, `${title}: returns a Promise`);
    await assert.rejects(p, check, title);
  } else {
    assert.throws(() => fn(...args), check, title);
  }
  for (const [v, s] of snaps) assertBytesEqual(v, s, `${title}: caller's array untouched`);
}

// ---------------------------------------------------------------------------------------------
// sort / argsort

const SORTS = [
  { name: 'sortSync', fn: sortSync, isAsync: false, hasAlgorithm: true },
  { name: 'sort', fn: sort, isAsync: true, hasAlgorithm: true },
  { name: 'argsortSync', fn: argsortSync, isAsync: false, hasAlgorithm: false },
  { name: 'argsort', fn: argsort, isAsync: true, hasAlgorithm: false },
];

/** An unsorted array that any sort would change. */
function victim(ctor = Float64Array) {
  return makeArray(ctor, 64, 'uniform', seedOf('victim', ctor.name));
}

function badArrays() {
  const detachedArr = new Float64Array([3, 1, 2]);
  detach(detachedArr.buffer);
  const detachedInt = new Int32Array(new ArrayBuffer(16), 4, 2);
  detach(detachedInt.buffer);
  return [
    ['undefined', undefined, T],
    ['null', null, T],
    ['a number', 5, T],
    ['a string', 'abc', T],
    ['a plain Array', [3, 1, 2], T],
    ['an array-like object', { length: 2, 0: 1, 1: 0 }, T],
    ['a DataView', new DataView(new ArrayBuffer(16)), T],
    ['an ArrayBuffer', new ArrayBuffer(16), T],
    ['a SharedArrayBuffer', new SharedArrayBuffer(16), T],
    ['a detached Float64Array', detachedArr, EITHER],
    ['a detached Int32Array view', detachedInt, EITHER],
  ];
}

function badSortOptions(desc, isSyncFn) {
  const cases = [
    // [title, options, classes, names]
    ['options null', null, T, 'options'],
    ['options 5', 5, T, 'options'],
    ['options "x"', 'x', T, 'options'],
    ['options true', true, T, 'options'],
    ['unknown option foo', { foo: 1 }, EITHER, 'options.foo'],
    ['unknown option m', { m: 3 }, EITHER, 'options.m'],
    ['descending "yes"', { descending: 'yes' }, T, 'options.descending'],
    ['descending 1', { descending: 1 }, T, 'options.descending'],
    ['backend "gpu"', { backend: 'gpu' }, R, 'options.backend'],
    ['backend ""', { backend: '' }, R, 'options.backend'],
    ['backend 3', { backend: 3 }, T, 'options.backend'],
    ['threads 0', { threads: 0 }, R, 'options.threads'],
    ['threads -1', { threads: -1 }, R, 'options.threads'],
    ['threads 1.5', { threads: 1.5 }, R, 'options.threads'],
    ['threads 257', { threads: 257 }, R, 'options.threads'],
    ['threads NaN', { threads: NaN }, R, 'options.threads'],
    ['threads Infinity', { threads: Infinity }, R, 'options.threads'],
    ['threads "2"', { threads: '2' }, T, 'options.threads'],
    ['threads 2n', { threads: 2n }, T, 'options.threads'],
    ['threads 0 with backend js', { threads: 0, backend: 'js' }, R, 'options.threads'],
  ];
  if (desc.hasAlgorithm) {
    cases.push(['algorithm "bubble"', { algorithm: 'bubble' }, R, 'options.algorithm']);
    cases.push(['algorithm ""', { algorithm: '' }, R, 'options.algorithm']);
    cases.push(['algorithm 5', { algorithm: 5 }, T, 'options.algorithm']);
  } else {
    // argsort takes no algorithm: it is an unknown option there.
    cases.push(['algorithm (unknown for argsort)', { algorithm: 'merge' }, EITHER, 'options.algorithm']);
  }
  if (isSyncFn) {
    // The sync forms take no signal: an unknown option.
    cases.push(['signal (unknown for a sync call)', { signal: new AbortController().signal }, EITHER, 'options.signal']);
  } else {
    cases.push(['signal {}', { signal: {} }, T, 'options.signal']);
    cases.push(['signal "x"', { signal: 'x' }, T, 'options.signal']);
    cases.push(['signal true', { signal: true }, T, 'options.signal']);
  }
  return cases;
}

for (const desc of SORTS) {
  describe(`${desc.name} errors`, () => {
    it('array that is not a numeric TypedArray, or is detached → names `array`', async () => {
      for (const [title, value, cls] of badArrays()) {
        await expectError(desc.fn, desc.isAsync, [value], cls, 'array', [], `${desc.name}(${title})`);
        await expectError(desc.fn, desc.isAsync, [value, { backend: 'js' }], cls, 'array', [], `${desc.name}(${title}, {backend: 'js'})`);
      }
    });

    it('bad options → names the option, array untouched', async () => {
      for (const [title, options, cls, name] of badSortOptions(desc, !desc.isAsync)) {
        for (const ctor of [Float64Array, Int32Array, BigInt64Array]) {
          const arr = victim(ctor);
          await expectError(desc.fn, desc.isAsync, [arr, options], cls, name, [arr], `${desc.name} ${ctor.name} ${title}`);
        }
      }
    });

    if (!desc.hasAlgorithm) {
      it('bad options.out → names options.out, array and out untouched, on every backend', async () => {
        const detached = new Uint32Array(64);
        detach(detached.buffer);
        const cases = [
          // [title, make(array) → out, classes]
          ['a Float32Array', () => new Float32Array(64), T],
          ['an Int32Array', () => new Int32Array(64), T],
          ['a plain Array', () => new Array(64).fill(0), T],
          ['null', () => null, T],
          ['a string', () => 'out', T],
          ['too short', () => new Uint32Array(63), R],
          ['too long', () => new Uint32Array(65), R],
          ['empty', () => new Uint32Array(0), R],
          ['detached', () => detached, EITHER],
        ];
        for (const backend of ['native', 'workers', 'js']) {
          for (const [title, make, cls] of cases) {
            const arr = victim(Float64Array);
            const out = make();
            const watch = ArrayBuffer.isView(out) && out !== detached ? [arr, out] : [arr];
            await expectError(desc.fn, desc.isAsync, [arr, { backend, out }], cls, 'options.out', watch, `${desc.name} ${backend} out ${title}`);
          }
          // Overlapping the array: a Uint32Array array and out in one buffer.
          const whole = new Uint32Array(200).map((_, i) => (i * 7919) % 200);
          for (const [title, array, out] of [
            ['the array itself', whole.subarray(0, 64), whole.subarray(0, 64)],
            ['shifted by one', whole.subarray(0, 64), whole.subarray(1, 65)],
            ['its last element only', whole.subarray(0, 64), whole.subarray(63, 127)],
            ['its first element only', whole.subarray(100, 164), whole.subarray(37, 101)],
          ]) {
            await expectError(desc.fn, desc.isAsync, [array, { backend, out }], R, 'options.out', [whole], `${desc.name} ${backend} out overlaps ${title}`);
          }
        }
        // The same memory through another SharedArrayBuffer object: only the addon's address check sees it.
        const { port1, port2 } = new MessageChannel();
        const sab = new SharedArrayBuffer(4 * 128);
        port1.postMessage(sab);
        const sabAgain = receiveMessageOnPort(port2).message;
        port1.close();
        assert.notEqual(sabAgain, sab);
        const array = new Uint32Array(sab, 0, 64);
        array.forEach((_, i) => { array[i] = 64 - i; });
        const out = new Uint32Array(sabAgain, 4 * 32, 64);
        await expectError(desc.fn, desc.isAsync, [array, { backend: 'native', out }], R, 'options.out', [new Uint32Array(sab)], `${desc.name} native out overlaps through another SharedArrayBuffer object`);
        if (desc.isAsync) {
          const resizable = new Uint32Array(new ArrayBuffer(4 * 64, { maxByteLength: 4 * 128 }));
          const arr = victim(Float64Array);
          await expectError(desc.fn, true, [arr, { out: resizable }], T, 'options.out', [arr, resizable], `${desc.name} out on a resizable ArrayBuffer`);
        }
      });
    }

    it('a bad option next to good ones still throws before any work', async () => {
      const arr = victim(Float32Array);
      const opts = desc.hasAlgorithm
        ? { backend: 'native', algorithm: 'merge', descending: true, threads: 999 }
        : { backend: 'native', descending: true, threads: 999 };
      await expectError(desc.fn, desc.isAsync, [arr, opts], R, 'options.threads', [arr], `${desc.name} threads 999`);
      const big = makeArray(Float64Array, 100_003, 'uniform', 7);
      await expectError(desc.fn, desc.isAsync, [big, { backend: 'native', bogus: true }], EITHER, 'options.bogus', [big], `${desc.name} big array, unknown option`);
    });

    it('valid boundary values are accepted (threads 1 and 256, backend native and js, descending false)', async () => {
      for (const threads of [1, 256]) {
        const arr = victim(Int16Array);
        const expected = desc.name.startsWith('arg') ? null : refSort(arr);
        const res = await desc.fn(arr, { threads, backend: 'native', descending: false });
        if (expected) assertSameElements(arr, expected, `threads ${threads}`);
        else assert.ok(res instanceof Uint32Array);
      }
      for (const options of [undefined, {}, { backend: 'js' }, { backend: 'native' }]) {
        await desc.fn(victim(Float32Array), options);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// matmul

const MATMULS = [
  { name: 'matmulSync', fn: matmulSync, isAsync: false },
  { name: 'matmul', fn: matmul, isAsync: true },
];

/** A valid 2×3 · 3×4 problem in f32 (or the given type). */
function mm(ctor = Float32Array) {
  return {
    a: randomMatrix(ctor, 6, 11),
    b: randomMatrix(ctor, 12, 12),
    opts: { m: 2, k: 3, n: 4 },
  };
}

function matmulCases(isAsync) {
  const cases = [];
  // [title, () => ({ args, watch }), classes, names]
  const add = (title, make, cls, names) => cases.push([title, make, cls, names]);

  // a and b of the wrong type
  const wrong = () => {
    const detached = new Float32Array(6);
    detach(detached.buffer);
    return [
      ['undefined', undefined, T], ['null', null, T], ['a number', 6, T], ['a plain Array', [1, 2, 3, 4, 5, 6], T],
      ['an Int32Array', new Int32Array(6), T], ['a Uint8Array', new Uint8Array(6), T], ['a BigInt64Array', new BigInt64Array(6), T],
      ['a DataView', new DataView(new ArrayBuffer(24)), T], ['an ArrayBuffer', new ArrayBuffer(24), T],
      ['a detached Float32Array', detached, EITHER],
    ];
  };
  for (const [title, value, cls] of wrong()) {
    add(`a is ${title}`, () => { const p = mm(); return { args: [value, p.b, p.opts], watch: [p.b] }; }, cls, 'a');
    add(`b is ${title}`, () => { const p = mm(); return { args: [p.a, value, p.opts], watch: [p.a] }; }, cls, 'b');
  }
  add('b missing', () => { const p = mm(); return { args: [p.a], watch: [p.a] }; }, T, 'b');
  add('a Float32Array, b Float64Array', () => {
    const p = mm();
    const b = Float64Array.from(p.b);
    return { args: [p.a, b, p.opts], watch: [p.a, b] };
  }, T, ['a', 'b']);
  add('a Float64Array, b Float32Array', () => {
    const p = mm();
    const a = Float64Array.from(p.a);
    return { args: [a, p.b, p.opts], watch: [a, p.b] };
  }, T, ['a', 'b']);

  // options not an object
  for (const [title, v] of [['null', null], ['5', 5], ['"x"', 'x'], ['true', true]]) {
    add(`options ${title}`, () => { const p = mm(); return { args: [p.a, p.b, v], watch: [p.a, p.b] }; }, T, 'options');
  }

  // sizes of the wrong type or value
  for (const dim of ['m', 'k', 'n']) {
    for (const [title, v, cls] of [['-1', -1, R], ['1.5', 1.5, R], ['NaN', NaN, R], ['Infinity', Infinity, R], ['-Infinity', -Infinity, R],
      ['"2"', '2', T], ['2n', 2n, T], ['true', true, T], ['null', null, T], ['{}', {}, T]]) {
      add(`${dim} = ${title}`, () => {
        const p = mm();
        return { args: [p.a, p.b, { ...p.opts, [dim]: v }], watch: [p.a, p.b] };
      }, cls, `options.${dim}`);
    }
  }

  // sizes inconsistent with the lengths
  add('m·k ≠ a.length', () => { const p = mm(); return { args: [p.a, p.b, { m: 3, k: 3, n: 4 }], watch: [p.a, p.b] }; }, R, ['a', 'options.m', 'options.k']);
  add('k·n ≠ b.length', () => { const p = mm(); return { args: [p.a, p.b, { m: 2, k: 3, n: 5 }], watch: [p.a, p.b] }; }, R, ['b', 'options.k', 'options.n']);
  add('a.length not divisible by k (m derived)', () => {
    const a = randomMatrix(Float32Array, 7, 1); const b = randomMatrix(Float32Array, 12, 2);
    return { args: [a, b, { k: 3, n: 4 }], watch: [a, b] };
  }, R, ['a', 'options.k', 'options.m']);
  add('k derived from a and from b disagree', () => {
    const a = randomMatrix(Float32Array, 6, 1); const b = randomMatrix(Float32Array, 8, 2);
    return { args: [a, b, { m: 2, n: 2 }], watch: [a, b] };
  }, R, ['a', 'b', 'options.k', 'options.m', 'options.n']);
  add('b.length not divisible by k (n derived)', () => {
    const a = randomMatrix(Float32Array, 6, 1); const b = randomMatrix(Float32Array, 13, 2);
    return { args: [a, b, { m: 2, k: 3 }], watch: [a, b] };
  }, R, ['b', 'options.k', 'options.n']);

  // products that overflow
  add('m·k = 2^32 wraps to a.length = 0 in 32 bits', () => {
    const a = new Float32Array(0); const b = new Float32Array(0);
    return { args: [a, b, { m: 65536, k: 65536, n: 0 }], watch: [] };
  }, R, ['a', 'options.m', 'options.k']);
  add('k·n = 2^32 wraps to b.length = 0 in 32 bits', () => {
    const a = new Float32Array(0); const b = new Float32Array(0);
    return { args: [a, b, { m: 0, k: 65536, n: 65536 }], watch: [] };
  }, R, ['b', 'options.k', 'options.n']);
  add('m·k = 2^60 (beyond 2^53)', () => {
    const a = new Float32Array(0); const b = new Float32Array(0);
    return { args: [a, b, { m: 2 ** 30, k: 2 ** 30, n: 0 }], watch: [] };
  }, R, ['a', 'options.m', 'options.k']);
  add('m·n = 2^62 with k = 0', () => {
    const a = new Float32Array(0); const b = new Float32Array(0);
    return { args: [a, b, { m: 2 ** 31, k: 0, n: 2 ** 31 }], watch: [] };
  }, R, ['options.m', 'options.n', 'options.out']);

  // transposes, alpha, beta
  for (const [name, v] of [['transA', 'yes'], ['transA', 1], ['transB', 'no'], ['transB', 0], ['alpha', '1'], ['alpha', 1n],
    ['alpha', null], ['beta', '0'], ['beta', 0n], ['alpha', {}]]) {
    add(`${name} = ${typeof v === 'bigint' ? `${v}n` : JSON.stringify(v)}`, () => {
      const p = mm();
      const out = new Float32Array(8).fill(7);
      return { args: [p.a, p.b, { ...p.opts, [name]: v, out }], watch: [p.a, p.b, out] };
    }, T, `options.${name}`);
  }
  for (const beta of [1, 0.5, -1]) {
    add(`beta = ${beta} without out`, () => { const p = mm(); return { args: [p.a, p.b, { ...p.opts, beta }], watch: [p.a, p.b] }; }, EITHER, 'options.beta');
  }

  // out
  for (const [title, makeOut, cls] of [
    ['a Float64Array for Float32 inputs', () => new Float64Array(8), T],
    ['an Int32Array', () => new Int32Array(8), T],
    ['a plain Array', () => new Array(8).fill(0), T],
    ['a DataView', () => new DataView(new ArrayBuffer(32)), T],
    ['a number', () => 8, T],
    ['a string', () => 'out', T],
    ['one element short', () => new Float32Array(7), R],
    ['one element too long', () => new Float32Array(9), R],
    ['empty', () => new Float32Array(0), R],
  ]) {
    add(`out is ${title}`, () => {
      const p = mm();
      const out = makeOut();
      const watch = [p.a, p.b];
      if (ArrayBuffer.isView(out)) watch.push(out);
      return { args: [p.a, p.b, { ...p.opts, out }], watch };
    }, cls, 'options.out');
  }
  add('out is detached', () => {
    const p = mm(); const out = new Float32Array(8); detach(out.buffer);
    return { args: [p.a, p.b, { ...p.opts, out }], watch: [p.a, p.b] };
  }, EITHER, 'options.out');
  add('out is Float64Array for Float64 inputs but a is Float32Array', () => {
    const p = mm(); const b = Float64Array.from(p.b); const out = new Float64Array(8);
    return { args: [p.a, b, { ...p.opts, out }], watch: [p.a, b, out] };
  }, T, ['a', 'b', 'options.out']);

  // out overlapping a or b (in the same buffer)
  const overlapCase = (title, layout, names = 'options.out') => add(`out overlaps ${title}`, () => {
    const buf = new ArrayBuffer(64 * 4);
    const whole = new Float32Array(buf);
    makeRng(99).fillBytes(new Uint8Array(buf));
    for (let i = 0; i < whole.length; i++) if (whole[i] !== whole[i]) whole[i] = i;
    const { a, b, out } = layout(whole);
    return { args: [a, b, { m: 2, k: 3, n: 4, beta: 0.5, out }], watch: [whole] };
  }, EITHER, names);
  overlapCase('a (out === a region, shifted by one)', (w) => ({ a: w.subarray(0, 6), b: w.subarray(20, 32), out: w.subarray(1, 9) }));
  overlapCase('a (last element of a only)', (w) => ({ a: w.subarray(0, 6), b: w.subarray(20, 32), out: w.subarray(5, 13) }));
  overlapCase('a (first element of a only)', (w) => ({ a: w.subarray(10, 16), b: w.subarray(20, 32), out: w.subarray(3, 11) }));
  overlapCase('b (inside b)', (w) => ({ a: w.subarray(0, 6), b: w.subarray(20, 32), out: w.subarray(22, 30) }));
  overlapCase('b (out covers b)', (w) => ({ a: w.subarray(0, 6), b: w.subarray(40, 52), out: w.subarray(38, 46) }));
  overlapCase('b (last element of b only)', (w) => ({ a: w.subarray(0, 6), b: w.subarray(20, 32), out: w.subarray(31, 39) }));
  add('out is a itself (same object, m·n = m·k)', () => {
    const a = randomMatrix(Float32Array, 6, 1); const b = randomMatrix(Float32Array, 9, 2);
    return { args: [a, b, { m: 2, k: 3, n: 3, out: a }], watch: [a, b] };
  }, EITHER, 'options.out');
  add('out is b itself (same object)', () => {
    const a = randomMatrix(Float32Array, 4, 1); const b = randomMatrix(Float32Array, 4, 2);
    return { args: [a, b, { m: 2, k: 2, n: 2, out: b }], watch: [a, b] };
  }, EITHER, 'options.out');
  add('out overlaps a through a different view on a SharedArrayBuffer', () => {
    const sab = new SharedArrayBuffer(64 * 8);
    const a = new Float64Array(sab, 8, 6); a.set(randomMatrix(Float64Array, 6, 3));
    const out = new Float64Array(sab, 48, 8);
    const b = randomMatrix(Float64Array, 12, 4);
    return { args: [a, b, { m: 2, k: 3, n: 4, out }], watch: [a, b, out] };
  }, EITHER, 'options.out');

  // unknown options, backend, threads
  for (const [title, extra, cls, name] of [
    ['unknown option foo', { foo: 1 }, EITHER, 'options.foo'],
    ['unknown option algorithm', { algorithm: 'merge' }, EITHER, 'options.algorithm'],
    ['unknown option descending', { descending: true }, EITHER, 'options.descending'],
    ['unknown option transa (wrong case)', { transa: true }, EITHER, 'options.transa'],
    ['backend "gpu"', { backend: 'gpu' }, R, 'options.backend'],
    ['backend 1', { backend: 1 }, T, 'options.backend'],
    ['threads 0', { threads: 0 }, R, 'options.threads'],
    ['threads 1.5', { threads: 1.5 }, R, 'options.threads'],
    ['threads 257', { threads: 257 }, R, 'options.threads'],
    ['threads "2"', { threads: '2' }, T, 'options.threads'],
    ...(isAsync
      ? [['signal {}', { signal: {} }, T, 'options.signal'], ['signal 1', { signal: 1 }, T, 'options.signal']]
      : [['signal (unknown for a sync call)', { signal: new AbortController().signal }, EITHER, 'options.signal']]),
  ]) {
    add(title, () => {
      const p = mm();
      const out = new Float32Array(8).fill(3);
      return { args: [p.a, p.b, { ...p.opts, beta: 1, out, ...extra }], watch: [p.a, p.b, out] };
    }, cls, name);
  }
  return cases;
}

for (const desc of MATMULS) {
  describe(`${desc.name} errors`, () => {
    it('every bad argument and option → the right class, naming the argument, nothing touched', async () => {
      for (const [title, make, cls, names] of matmulCases(desc.isAsync)) {
        const { args, watch } = make();
        await expectError(desc.fn, desc.isAsync, args, cls, names, watch, `${desc.name}: ${title}`);
        // And with the js backend (validation is shared, before backend choice)
        if (args[2] !== null && typeof args[2] === 'object' && !('backend' in args[2])) {
          const { args: args2, watch: watch2 } = make();
          await expectError(desc.fn, desc.isAsync, [args2[0], args2[1], { ...args2[2], backend: 'js' }], cls, names, watch2, `${desc.name} (js): ${title}`);
        }
      }
    });

    it('out in the same buffer as a and b but not overlapping is accepted', async () => {
      const whole = new Float32Array(64);
      const a = whole.subarray(0, 6); a.set(randomMatrix(Float32Array, 6, 5));
      const out = whole.subarray(6, 14);
      const b = whole.subarray(14, 26); b.set(randomMatrix(Float32Array, 12, 6));
      const expected = refMatmul({ a, b, m: 2, k: 3, n: 4 });
      const res = await desc.fn(a, b, { m: 2, k: 3, n: 4, out });
      assert.equal(res, out);
      assertMatClose(out, expected, { k: 3, n: 4 }, 'adjacent out');
    });
  });
}

// ---------------------------------------------------------------------------------------------
// configure

describe('configure errors', () => {
  it('bad settings throw, name the option, and change nothing', () => {
    const before = configure({});
    const cases = [
      [null, T, 'options'], [5, T, 'options'], ['x', T, 'options'],
      [{ foo: 1 }, EITHER, 'options.foo'], [{ algorithm: 'merge' }, EITHER, 'options.algorithm'],
      [{ backend: 'gpu' }, R, 'options.backend'], [{ backend: 2 }, T, 'options.backend'],
      [{ threads: 0 }, R, 'options.threads'], [{ threads: 1.5 }, R, 'options.threads'],
      [{ threads: 257 }, R, 'options.threads'], [{ threads: -3 }, R, 'options.threads'],
      [{ threads: '2' }, T, 'options.threads'], [{ threads: NaN }, R, 'options.threads'],
      // A bad value next to a good one: nothing applied.
      [{ threads: 2, backend: 'gpu' }, R, 'options.backend'],
      [{ backend: 'js', threads: 0 }, R, 'options.threads'],
    ];
    for (const [value, cls, name] of cases) {
      assert.throws(() => configure(value), errorNaming(cls, name), `configure(${JSON.stringify(value)})`);
      assert.deepEqual(configure({}), before, `configure(${JSON.stringify(value)}) changed the settings`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// AbortSignal

describe('abort', () => {
  function checkAbortError(signal) {
    return (err) => {
      assert.ok(err instanceof AbortError, `expected an AbortError, got ${err?.constructor?.name}: ${err?.message}`);
      assert.ok(err instanceof Error);
      assert.equal(err.name, 'AbortError');
      assert.equal(err.cause, signal.reason, 'cause is signal.reason');
      return true;
    };
  }

  it('AbortError is exported, an Error subclass named AbortError', () => {
    assert.equal(typeof AbortError, 'function');
    assert.ok(AbortError.prototype instanceof Error);
  });

  it('an already-aborted signal rejects with AbortError (cause = reason) and touches nothing, on every backend', async () => {
    for (const backend of ['native', 'workers', 'js']) {
      for (const reason of [undefined, new Error('stop'), 'just because']) {
        const signal = reason === undefined ? AbortSignal.abort() : AbortSignal.abort(reason);
        const ctx = `${backend} reason=${String(reason)}`;
        // sort
        const arr = victim(Float64Array);
        const s1 = bytesOf(arr);
        let p;
        assert.doesNotThrow(() => { p = sort(arr, { backend, signal }); });
        await assert.rejects(p, checkAbortError(signal), `sort ${ctx}`);
        assertBytesEqual(arr, s1, `sort ${ctx}: array untouched`);
        // argsort
        const arr2 = victim(Uint16Array);
        const s2 = bytesOf(arr2);
        const indices = new Uint32Array(arr2.length).fill(5);
        assert.doesNotThrow(() => { p = argsort(arr2, { backend, signal, descending: true, out: indices }); });
        await assert.rejects(p, checkAbortError(signal), `argsort ${ctx}`);
        assertBytesEqual(arr2, s2, `argsort ${ctx}: array untouched`);
        assert.ok(indices.every((v) => v === 5), `argsort ${ctx}: out untouched`);
        // matmul with out and beta
        const q = mm(Float64Array);
        const out = randomMatrix(Float64Array, 8, 3);
        const s3 = bytesOf(out);
        assert.doesNotThrow(() => { p = matmul(q.a, q.b, { ...q.opts, beta: 1, out, backend, signal }); });
        await assert.rejects(p, checkAbortError(signal), `matmul ${ctx}`);
        assertBytesEqual(out, s3, `matmul ${ctx}: out untouched`);
      }
    }
  });

  it('a signal that is never aborted does not change the result', async () => {
    const ac = new AbortController();
    const arr = victim(Int8Array);
    const expected = refSort(arr, true);
    assert.equal(await sort(arr, { signal: ac.signal, descending: true }), arr);
    assertSameElements(arr, expected, 'sort with a live signal');
    ac.abort(); // after settling: nothing happens
    await new Promise((r) => setTimeout(r, 20));
    assertSameElements(arr, expected, 'aborting after the call settled changes nothing');
  });

  // Order-independent fingerprint of a Float64Array's bit patterns (the multiset of values).
  function fingerprint(arr) {
    const u = new Uint32Array(arr.buffer, arr.byteOffset, arr.length * 2);
    let s0 = 0; let s1 = 0; let x = 0;
    for (let i = 0; i < u.length; i += 2) {
      s0 = (s0 + u[i]) >>> 0;
      s1 = (s1 + u[i + 1]) >>> 0;
      x = (x ^ Math.imul(u[i] ^ u[i + 1], 0x9e3779b1)) >>> 0;
    }
    return `${s0}:${s1}:${x}`;
  }

  it('a long native sort aborted while it runs either completes correctly or rejects with the array untouched', async (t) => {
    const n = 20_000_000;
    const input = makeArray(Float64Array, n, 'uniform', seedOf('abort-sort'));
    const fp = fingerprint(input);
    const inputBytes = bytesOf(input);
    const outcomes = [];
    for (const [when, algorithm] of [['immediate', 'auto'], [5, 'merge'], [30, 'quick'], [100, 'auto']]) {
      const arr = input.slice();
      const ac = new AbortController();
      const p = sort(arr, { backend: 'native', algorithm, signal: ac.signal });
      if (when === 'immediate') setImmediate(() => ac.abort());
      else setTimeout(() => ac.abort(new Error(`after ${when} ms`)), when);
      let result;
      try {
        result = await p;
        outcomes.push('resolved');
      } catch (err) {
        outcomes.push('aborted');
        checkAbortError(ac.signal)(err);
        assertBytesEqual(arr, inputBytes, `aborted ${algorithm} at ${when}: array untouched`);
        // No late writes from the pool after the rejection.
        await new Promise((r) => setTimeout(r, 200));
        assertBytesEqual(arr, inputBytes, `aborted ${algorithm} at ${when}: array still untouched 200 ms later`);
        continue;
      }
      assert.equal(result, arr);
      for (let i = 1; i < n; i++) {
        if (cmpAsc(arr[i - 1], arr[i]) > 0) assert.fail(`resolved ${algorithm} at ${when}: not sorted at ${i}`);
      }
      assert.equal(fingerprint(arr), fp, `resolved ${algorithm} at ${when}: same multiset of values`);
    }
    // The pool still works afterwards.
    const small = victim(Float64Array);
    const exp = refSort(small);
    await sort(small, { backend: 'native' });
    assertSameElements(small, exp, 'a sort after the aborted ones');
    // Report which way each went (useful when reading the log; both are correct).
    assert.equal(outcomes.length, 4, outcomes.join(','));
    t.diagnostic(`outcomes: ${outcomes.join(', ')}`);
  });

  it('a long native argsort aborted while it runs either completes correctly or rejects, input untouched', async (t) => {
    const outcomes = [];
    const n = 5_000_000;
    const input = makeArray(Float32Array, n, 'fewDistinct', seedOf('abort-argsort'));
    const inputBytes = bytesOf(input);
    for (const when of ['immediate', 20]) {
      const ac = new AbortController();
      const p = argsort(input, { backend: 'native', signal: ac.signal });
      if (when === 'immediate') setImmediate(() => ac.abort());
      else setTimeout(() => ac.abort(), when);
      try {
        const res = await p;
        outcomes.push('resolved');
        checkArgsort(input, res, false, `argsort resolved (abort at ${when})`);
      } catch (err) {
        outcomes.push('aborted');
        checkAbortError(ac.signal)(err);
      }
      assertBytesEqual(input, inputBytes, `argsort abort at ${when}: input untouched`);
    }
    t.diagnostic(`outcomes: ${outcomes.join(', ')}`);
  });

  it('a 1024³ native matmul with out and beta aborted while it runs either completes correctly or leaves out untouched', async (t) => {
    const outcomes = [];
    const m = 1024; const k = 1024; const n = 1024;
    const a = randomMatrix(Float64Array, m * k, 1);
    const b = randomMatrix(Float64Array, k * n, 2);
    const c0 = randomMatrix(Float64Array, m * n, 3);
    const aBytes = bytesOf(a);
    const bBytes = bytesOf(b);
    for (const when of ['immediate', 10, 60]) {
      const out = c0.slice();
      const outBytes = bytesOf(out);
      const ac = new AbortController();
      const p = matmul(a, b, { m, k, n, alpha: 0.5, beta: -1, out, backend: 'native', signal: ac.signal });
      if (when === 'immediate') setImmediate(() => ac.abort());
      else setTimeout(() => ac.abort(), when);
      try {
        const res = await p;
        outcomes.push('resolved');
        assert.equal(res, out);
        // Check 64 sampled entries against the reference.
        const rng = makeRng(seedOf('sample', when));
        for (let s = 0; s < 64; s++) {
          const i = rng.int(0, m - 1); const j = rng.int(0, n - 1);
          let acc = 0; let accAbs = 0;
          for (let p2 = 0; p2 < k; p2++) { acc += a[i * k + p2] * b[p2 * n + j]; accAbs += Math.abs(a[i * k + p2] * b[p2 * n + j]); }
          const ref = 0.5 * acc - c0[i * n + j];
          const tol = 4 * (k + 2) * 2 ** -52 * (0.5 * accAbs + Math.abs(c0[i * n + j]));
          assert.ok(Math.abs(out[i * n + j] - ref) <= tol, `C[${i}][${j}] = ${out[i * n + j]}, expected ${ref}`);
        }
      } catch (err) {
        outcomes.push('aborted');
        checkAbortError(ac.signal)(err);
        assertBytesEqual(out, outBytes, `matmul aborted at ${when}: out untouched`);
        await new Promise((r) => setTimeout(r, 200));
        assertBytesEqual(out, outBytes, `matmul aborted at ${when}: out still untouched 200 ms later`);
      }
      assertBytesEqual(a, aBytes, 'a untouched');
      assertBytesEqual(b, bBytes, 'b untouched');
    }
    t.diagnostic(`outcomes: ${outcomes.join(', ')}`);
  });

  it('the abort listener is removed when a call settles (no leak on a long-lived signal)', async () => {
    const ac = new AbortController();
    for (const backend of ['native', 'workers', 'js']) {
      for (let i = 0; i < 15; i++) {
        await sort(victim(Int32Array), { backend, signal: ac.signal });
        await argsort(victim(Float32Array), { backend, signal: ac.signal });
        const q = mm(Float64Array);
        await matmul(q.a, q.b, { ...q.opts, backend, signal: ac.signal });
      }
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0, `${backend}: abort listeners left on the signal`);
    }
    // A call that fails validation leaves no listener either.
    await assert.rejects(sort(victim(), { signal: ac.signal, threads: 0 }), RangeError);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'listener left after a validation error');
  });
});
