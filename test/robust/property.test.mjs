// Property-based tests of the public API with fast-check: random element types, sizes and
// layouts (views at an offset into plain, shared, growable and resizable buffers, arrays from
// another realm), options objects with wrong, missing and extra fields, and values of every JS
// type in every argument, on every function, sync and async, on every backend.
//
// The oracle is independent of lib/validate.ts: the test decides from the generated values alone
// whether a call is valid. A valid call must return the right result (checked against the
// references in helpers.mjs) and must not write a byte outside its output; an invalid one must
// throw (sync) or reject (async, never throw) a TypeError or RangeError whose message names one of
// the arguments the test made invalid, and must leave every byte of every buffer it was given as
// it was. An aborted signal gives an AbortError with the same guarantee.
//
// Seeded: the seed is printed; PK_PROPERTY_SEED=<seed> replays a run (fast-check also prints the
// seed and path of a failing property). PK_PROPERTY_SCALE=<x> scales the number of runs.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import fc from 'fast-check';
import {
  matmul, matmulSync, sort, sortSync, argsort, argsortSync, configure, backendInfo, AbortError,
} from '../../dist/index.js';
import {
  TYPES, DIST_NAMES, DISTRIBUTIONS, makeRng, refSort, refArgsort, assertSameElements, refMatmul,
  assertMatClose, namesArgument, detach,
} from '../helpers.mjs';

const SEED = process.env.PK_PROPERTY_SEED !== undefined && process.env.PK_PROPERTY_SEED !== ''
  ? Number(process.env.PK_PROPERTY_SEED)
  : (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
assert.ok(Number.isSafeInteger(SEED), `PK_PROPERTY_SEED must be an integer, got ${process.env.PK_PROPERTY_SEED}`);
const SCALE = Number(process.env.PK_PROPERTY_SCALE ?? 1);
assert.ok(SCALE > 0, `PK_PROPERTY_SCALE must be a positive number, got ${process.env.PK_PROPERTY_SCALE}`);
const runs = (n) => Math.max(1, Math.round(n * SCALE));

// Calls made through the public API, counted for the closing diagnostic.
const calls = { total: 0, ok: 0, rejected: 0, aborted: 0 };

const initial = configure({});
before(() => console.log(`# property tests: seed ${SEED} (replay with PK_PROPERTY_SEED=${SEED})`));
after(() => configure(initial));

// ---------------------------------------------------------------------------------------------
// An oracle of our own: what a valid argument is, from the values alone.

// The intrinsic getters, which an own property on the array cannot shadow.
const TypedArrayProto = Object.getPrototypeOf(Int8Array.prototype);
const intrinsic = (name) => Object.getOwnPropertyDescriptor(TypedArrayProto, name).get;
const TAG = intrinsic(Symbol.toStringTag);
const BUFFER = intrinsic('buffer');
const BYTE_OFFSET = intrinsic('byteOffset');
const BYTE_LENGTH = intrinsic('byteLength');
const tagOf = (v) => TAG.call(v);

function isDetached(view) {
  const buf = BUFFER.call(view);
  if (buf instanceof SharedArrayBuffer) return false;
  try {
    new Uint8Array(buf);
    return false;
  } catch {
    return true;
  }
}

const NUMERIC_TAGS = new Set(TYPES.map((t) => t.name));
const FLOAT_TAGS = new Set(['Float32Array', 'Float64Array']);
const BACKENDS = backendInfo().available;
const ALGORITHMS = ['auto', 'merge', 'quick', 'radix'];

/** Valid as an array argument: one of `tags`, not detached, and (async) not on a resizable ArrayBuffer. */
function validArray(v, tags, isAsync) {
  return typeOk(v, tags) && (!isAsync || fixedLength(v));
}
function typeOk(v, tags) {
  const tag = tagOf(v);
  return tag !== undefined && tags.has(tag) && !isDetached(v);
}
const fixedLength = (v) => BUFFER.call(v).resizable !== true;

/** A copy of a typed array as a plain array of this realm (what the references expect). */
function plainCopy(v) {
  const ctor = globalThis[tagOf(v)];
  const copy = new ctor(BYTE_LENGTH.call(v) / ctor.BYTES_PER_ELEMENT);
  new Uint8Array(copy.buffer).set(new Uint8Array(BUFFER.call(v), BYTE_OFFSET.call(v), BYTE_LENGTH.call(v)));
  return copy;
}

const optionRules = {
  backend: (v) => BACKENDS.includes(v),
  threads: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 256,
  algorithm: (v) => ALGORITHMS.includes(v),
  descending: (v) => typeof v === 'boolean',
  transA: (v) => typeof v === 'boolean',
  transB: (v) => typeof v === 'boolean',
  alpha: (v) => typeof v === 'number',
  beta: (v) => typeof v === 'number',
  m: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
  n: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
  k: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
  signal: (v) => v instanceof AbortSignal,
};

/**
 * The faults of an options value: 'options' when it is not an options object, else `options.<key>`
 * for every unknown key and every known key whose value is not valid (undefined means absent).
 */
function optionFaults(options, allowed, faults) {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    faults.add('options');
    return;
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) faults.add(`options.${key}`);
    else if (key !== 'out' && options[key] !== undefined && !optionRules[key](options[key])) faults.add(`options.${key}`);
  }
}

/**
 * The matmul shape rule, solved independently: at most one of m, n, k left out, and the one left
 * out must be the unique value that fits a.length = m·k, b.length = k·n, out.length = m·n.
 * Returns { m, n, k } or undefined when the sizes do not fit.
 */
function solveShape(given, aLen, bLen, outLen) {
  const missing = ['m', 'n', 'k'].filter((d) => given[d] === undefined);
  if (missing.length > 1) return undefined;
  const eqs = [['m', 'k', aLen], ['k', 'n', bLen]];
  if (outLen !== undefined) eqs.push(['m', 'n', outLen]);
  const s = { ...given };
  if (missing.length === 1) {
    const d = missing[0];
    const usable = eqs.filter(([x, y]) => (x === d ? s[y] : y === d ? s[x] : 0) > 0 && (x === d || y === d));
    if (usable.length === 0) return undefined;
    const [x, y, len] = usable[0];
    const coef = x === d ? s[y] : s[x];
    if (len % coef !== 0) return undefined;
    s[d] = len / coef;
  }
  // + 0 turns a -0 size (valid: a non-negative integer) into 0 for the checks that follow.
  return eqs.every(([x, y, len]) => s[x] * s[y] === len) ? { m: s.m + 0, n: s.n + 0, k: s.k + 0 } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Values of every JS type, made fresh for every call (some are detached or mutable).

const otherRealm = vm.createContext({});
const JUNK = [
  () => undefined, () => null, () => true, () => false, () => 0, () => -0, () => 1, () => 2, () => 3, () => -1,
  () => 1.5, () => NaN, () => Infinity, () => -Infinity, () => 2 ** 53, () => 1e300, () => 257, () => 256,
  () => 2n, () => '', () => '2', () => 'native', () => 'workers', () => 'merge', () => 'x'.repeat(100),
  () => Symbol('s'), () => function named() {}, () => () => 1, () => ({}), () => ({ length: 3, 0: 1, 1: 2, 2: 0 }),
  () => [3, 1, 2], () => [], () => new Date(0), () => new Map(), () => /re/, () => new Error('e'),
  () => new Proxy(new Float64Array(4), {}), () => new Proxy({}, {}), () => Object.create(null),
  () => new ArrayBuffer(16), () => new SharedArrayBuffer(16), () => new DataView(new ArrayBuffer(16)),
  () => new Float64Array(4), () => new Float32Array(6), () => new Int32Array(4), () => new BigInt64Array(2),
  () => new Uint8ClampedArray(3), () => { const x = new Float64Array(3); detach(x.buffer); return x; },
  () => { const x = new Int16Array(new ArrayBuffer(16), 2, 3); detach(x.buffer); return x; },
  () => Object.defineProperty(new Int32Array(4), Symbol.toStringTag, { value: 'Float64Array' }),
  () => Object.defineProperty(new Float32Array(4), Symbol.toStringTag, { value: 'Float64Array' }),
  () => Object.defineProperty(new DataView(new ArrayBuffer(16)), Symbol.toStringTag, { value: 'Float64Array' }),
  () => ({ [Symbol.toStringTag]: 'Float64Array', length: 2, 0: 1, 1: 0, buffer: new ArrayBuffer(16), byteOffset: 0, byteLength: 16 }),
  () => vm.runInContext('new Float64Array([3, 1, 2])', otherRealm),
  () => new AbortController().signal, () => AbortSignal.abort('why'), () => ({ aborted: false }),
  () => new (class extends Float64Array {})(4),
];
const junkArb = fc.nat(JUNK.length - 1);

// ---------------------------------------------------------------------------------------------
// Layouts: a view of `n` elements at an offset into a buffer of some kind, the rest of the buffer
// filled with random bytes that no call may change.

const layoutArb = fc.record({
  kind: fc.constantFrom('plain', 'plain', 'plain', 'shared', 'shared', 'resizable', 'growable', 'realm', 'subclass'),
  before: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })),
  after: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })),
});

const SUBCLASSES = new Map(TYPES.map((t) => [t.name, class extends t.ctor {}]));

/** A view of `n` elements of type `ctor` laid out as `layout`, filled with `fill(view)`. */
function place(ctor, n, layout, rng, fill) {
  const size = ctor.BYTES_PER_ELEMENT;
  const bytes = (layout.before + n + layout.after) * size;
  let buffer;
  let make = (buf, offset, length) => new ctor(buf, offset, length);
  switch (layout.kind) {
    case 'shared': buffer = new SharedArrayBuffer(bytes); break;
    case 'resizable': buffer = new ArrayBuffer(bytes, { maxByteLength: bytes + 64 }); break;
    case 'growable': buffer = new SharedArrayBuffer(bytes, { maxByteLength: bytes + 64 }); break;
    case 'realm': {
      buffer = vm.runInContext(`new ArrayBuffer(${bytes})`, otherRealm);
      const other = vm.runInContext(ctor.name, otherRealm);
      make = (buf, offset, length) => new other(buf, offset, length);
      break;
    }
    case 'subclass': {
      buffer = new ArrayBuffer(bytes);
      const sub = SUBCLASSES.get(ctor.name);
      make = (buf, offset, length) => new sub(buf, offset, length);
      break;
    }
    default: buffer = new ArrayBuffer(bytes);
  }
  rng.fillBytes(new Uint8Array(buffer));
  const view = make(buffer, layout.before * size, n);
  fill(new ctor(buffer, layout.before * size, n));
  return view;
}

/** Copies of the whole buffers of every typed array in `values` (each buffer once). */
function snapshot(values) {
  const seen = new Map();
  for (const v of values) {
    if (tagOf(v) === undefined || isDetached(v)) continue;
    const buf = BUFFER.call(v);
    if (!seen.has(buf)) seen.set(buf, Uint8Array.from(new Uint8Array(buf)));
  }
  return seen;
}

/** Asserts every snapshot buffer unchanged, except the byte range of `writable` (a view) if given. */
function assertUnchanged(snaps, ctx, writable) {
  let skipBuf, from = 0, to = 0;
  if (writable !== undefined) {
    skipBuf = BUFFER.call(writable);
    from = BYTE_OFFSET.call(writable);
    to = from + BYTE_LENGTH.call(writable);
  }
  for (const [buf, snap] of snaps) {
    const cur = new Uint8Array(buf);
    assert.equal(cur.length, snap.length, `${ctx}: a buffer changed length`);
    for (let i = 0; i < cur.length; i++) {
      if (buf === skipBuf && i >= from && i < to) continue;
      if (cur[i] !== snap[i]) {
        assert.fail(`${ctx}: byte ${i} of a caller's buffer changed (${snap[i]} → ${cur[i]})` +
          (writable ? ` outside the output [${from}, ${to})` : ' by a call that failed'));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Options: every allowed key may be absent, valid or junk; sometimes an unknown key; sometimes the
// options value itself is junk.

function optionsArb(validArbs) {
  const fields = {};
  for (const [key, arb] of Object.entries(validArbs)) {
    fields[key] = fc.oneof(
      { weight: 10, arbitrary: fc.constant({ absent: true }) },
      { weight: 10, arbitrary: arb.map((value) => ({ value })) },
      { weight: 1, arbitrary: junkArb.map((junk) => ({ junk })) },
    );
  }
  return fc.record({
    fields: fc.record(fields),
    extra: fc.oneof({ weight: 30, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('foo', 'm', 'algorithm', 'signal', 'out', 'threadz', '__proto__x', 'constructor'), junkArb) }),
    shape: fc.oneof({ weight: 25, arbitrary: fc.constant('object') }, { weight: 3, arbitrary: fc.constant('undefined') },
      { weight: 1, arbitrary: fc.constant('junk') }, { weight: 1, arbitrary: fc.constant('null-proto') }),
    shapeJunk: junkArb,
  });
}

/** The options value a plan describes; `overrides` are keys the caller fills itself (m, n, k, out...). */
function buildOptions(plan, overrides = {}) {
  if (plan.shape === 'undefined' && Object.keys(overrides).length === 0) return undefined;
  if (plan.shape === 'junk') return JUNK[plan.shapeJunk]();
  const options = plan.shape === 'null-proto' ? Object.create(null) : {};
  for (const [key, f] of Object.entries(plan.fields)) {
    if (f.absent) continue;
    options[key] = f.junk !== undefined ? JUNK[f.junk]() : f.value;
  }
  Object.assign(options, overrides);
  if (plan.extra) options[plan.extra[0]] = JUNK[plan.extra[1]]();
  return options;
}

const backendArb = fc.constantFrom(...BACKENDS, 'native', 'workers');
// Mostly the small counts a caller uses; rarely the largest the API accepts.
const threadsArb = fc.oneof({ weight: 40, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 5, max: 256 }) });
const seedArb = fc.integer({ min: 0, max: 0x7fffffff });

// ---------------------------------------------------------------------------------------------
// Signals for async calls: none, one already aborted, or one aborted at some point while the call runs.

const signalArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant('none') },
  { weight: 2, arbitrary: fc.constant('live') },
  { weight: 1, arbitrary: fc.constant('aborted') },
  { weight: 2, arbitrary: fc.constantFrom('sync', 'microtask', 'immediate', 'timeout') },
);

function makeSignal(mode) {
  if (mode === 'none') return { signal: undefined, arm() {} };
  if (mode === 'aborted') return { signal: AbortSignal.abort(new Error('before')), arm() {} };
  const controller = new AbortController();
  const reason = new Error(`abort ${mode}`);
  const fire = () => controller.abort(reason);
  return {
    signal: controller.signal,
    arm() {
      if (mode === 'sync') fire();
      else if (mode === 'microtask') queueMicrotask(fire);
      else if (mode === 'immediate') setImmediate(fire);
      else if (mode === 'timeout') setTimeout(fire, 1);
    },
  };
}

/** The signal a call really got (ours, or one that came in as a junk value) and how it aborts. */
function abortOf(options, ours, mode) {
  let given;
  try {
    given = options?.signal;
  } catch {
    given = undefined;
  }
  if (!(given instanceof AbortSignal)) return { signal: undefined, abortMode: 'none' };
  if (given === ours) return { signal: ours, abortMode: mode };
  return { signal: given, abortMode: given.aborted ? 'aborted' : 'none' };
}

// ---------------------------------------------------------------------------------------------
// Running one call and judging the outcome.

/**
 * Calls fn(...args). Sync: returns or throws. Async: must return a Promise without throwing.
 * Returns { value } or { error }.
 */
async function invoke(fn, args, isAsync, arm, ctx) {
  calls.total++;
  if (!isAsync) {
    try {
      return { value: fn(...args) };
    } catch (error) {
      return { error };
    }
  }
  let promise;
  try {
    promise = fn(...args);
  } catch (error) {
    assert.fail(`${ctx}: the async form threw synchronously: ${error?.stack ?? error}`);
  }
  assert.ok(promise instanceof Promise, `${ctx}: the async form returns a Promise`);
  arm();
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

function describeFaults(faults) {
  return [...faults].map((f) => `\`${f}\``).join(', ');
}

/** A failure must be a TypeError or RangeError naming one of `faults`. */
function assertRejectedFor(error, faults, ctx) {
  assert.ok(error instanceof Error, `${ctx}: threw a non-Error ${String(error)}`);
  assert.ok(error.constructor === TypeError || error.constructor === RangeError,
    `${ctx}: expected a TypeError or RangeError naming ${describeFaults(faults)}, got ${error.constructor.name}: ${error.message}`);
  assert.ok([...faults].some((f) => namesArgument(error.message, f)),
    `${ctx}: the message should name one of ${describeFaults(faults)}: ${error.constructor.name}: "${error.message}"`);
}

/**
 * The common judgement: with faults, a named TypeError/RangeError and nothing changed; with an
 * aborted signal, an AbortError (cause = reason) and nothing changed, or (abort raced the call)
 * the right result; otherwise the right result, checked by `checkResult`.
 */
function judge(outcome, { faults, signal, abortMode, snaps, ctx, checkResult }) {
  if (faults.size > 0) {
    assert.ok('error' in outcome, `${ctx}: expected an error naming ${describeFaults(faults)}, but the call succeeded`);
    assertRejectedFor(outcome.error, faults, ctx);
    assertUnchanged(snaps, ctx);
    calls.rejected++;
    return;
  }
  if ('error' in outcome) {
    const { error } = outcome;
    const abortable = abortMode !== undefined && abortMode !== 'none' && abortMode !== 'live';
    assert.ok(abortable && error instanceof AbortError,
      `${ctx}: a valid call failed: ${error?.constructor?.name}: ${error?.message}\n${error?.stack}`);
    assert.equal(error.name, 'AbortError', ctx);
    assert.equal(error.cause, signal.reason, `${ctx}: AbortError.cause is the signal's reason`);
    assertUnchanged(snaps, `${ctx} (aborted)`);
    calls.aborted++;
    return;
  }
  assert.ok(abortMode !== 'aborted', `${ctx}: a call with an already-aborted signal resolved`);
  checkResult(outcome.value);
  calls.ok++;
}

// ---------------------------------------------------------------------------------------------
// sort and argsort

// Mostly tiny arrays (so that 100,000 calls stay quick), some medium, a few past the workers
// backend's calling-thread cutoff (16384) so its workers and the native parallel paths run too.
const sortSizeArb = (large) => fc.oneof(
  { weight: 800, arbitrary: fc.integer({ min: 0, max: 24 }) },
  { weight: 150, arbitrary: fc.integer({ min: 25, max: 600 }) },
  { weight: large, arbitrary: fc.integer({ min: 16_384, max: 40_000 }) },
);

// An argsort's options.out: absent, a Uint32Array of the right length laid out anywhere, one
// element short or long, on the array's own memory, or junk.
const argsortOutArb = fc.oneof(
  { weight: 20, arbitrary: fc.constant({ kind: 'absent' }) },
  { weight: 6, arbitrary: layoutArb.map((layout) => ({ kind: 'valid', layout })) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 1).map((delta) => ({ kind: 'length', delta })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'overlap' }) },
  { weight: 1, arbitrary: junkArb.map((junk) => ({ kind: 'junk', junk })) },
);

function sortPlanArb(isAsync, isArgsort, large) {
  const valid = { backend: backendArb, threads: threadsArb, descending: fc.boolean() };
  if (!isArgsort) valid.algorithm = fc.constantFrom(...ALGORITHMS);
  return fc.record({
    out: isArgsort ? argsortOutArb : fc.constant({ kind: 'absent' }),
    type: fc.nat(TYPES.length - 1),
    n: sortSizeArb(large),
    dist: fc.constantFrom(...DIST_NAMES),
    seed: seedArb,
    layout: layoutArb,
    arrayJunk: fc.oneof({ weight: 30, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: junkArb }),
    options: optionsArb(valid),
    signal: isAsync ? signalArb : fc.constant('none'),
  });
}

const INDEX_TAGS = new Set(['Uint32Array']);

/** The element count of a typed array (of any realm or subclass), from its internal slots. */
const elementCount = (view) => BYTE_LENGTH.call(view) / globalThis[tagOf(view)].BYTES_PER_ELEMENT;

/** The options.out that plan.out describes for `array` (undefined: none). */
function argsortOut(plan, array, rng) {
  const n = tagOf(array) !== undefined && !isDetached(array) ? elementCount(array) : plan.n;
  const fill = (view) => view.fill(7);
  switch (plan.out.kind) {
    case 'valid': return place(Uint32Array, n, plan.out.layout, rng, fill);
    case 'length': return place(Uint32Array, Math.max(0, n + plan.out.delta), { kind: 'plain', before: 0, after: 0 }, rng, fill);
    case 'overlap': {
      // A Uint32Array over the array's first bytes, where its buffer has room for n of them.
      if (tagOf(array) === undefined || isDetached(array) || n === 0) return undefined;
      const start = BYTE_OFFSET.call(array) - (BYTE_OFFSET.call(array) % 4);
      return start + 4 * n <= BUFFER.call(array).byteLength ? new Uint32Array(BUFFER.call(array), start, n) : undefined;
    }
    case 'junk': return JUNK[plan.out.junk]();
    default: return undefined;
  }
}

async function runSortCall(plan, { fn, name, isAsync, isArgsort }) {
  const type = TYPES[plan.type];
  const rng = makeRng(plan.seed);
  const array = plan.arrayJunk !== undefined
    ? JUNK[plan.arrayJunk]()
    : place(type.ctor, plan.n, plan.layout, rng, (view) => DISTRIBUTIONS[plan.dist](view, makeRng(plan.seed ^ 0x9e3779b9)));
  const { signal, arm } = makeSignal(plan.signal);
  const overrides = signal ? { signal } : {};
  const out = argsortOut(plan, array, rng);
  if (out !== undefined) overrides.out = out;
  const options = buildOptions(plan.options, overrides);
  const allowed = ['backend', 'threads', 'descending', ...(isArgsort ? ['out'] : ['algorithm']), ...(isAsync ? ['signal'] : [])];

  const faults = new Set();
  optionFaults(options, allowed, faults);
  const arrayOk = validArray(array, NUMERIC_TAGS, isAsync);
  if (!arrayOk) faults.add('array');
  const isOptionsObject = options !== null && typeof options === 'object' && !Array.isArray(options) && !ArrayBuffer.isView(options);
  const outGiven = isArgsort && isOptionsObject && options.out !== undefined;
  if (outGiven) {
    const given = options.out;
    if (!typeOk(given, INDEX_TAGS)) faults.add('options.out');
    else if (arrayOk && BYTE_LENGTH.call(given) / 4 !== elementCount(array)) faults.add('options.out');
    else if (isAsync && !fixedLength(given)) faults.add('options.out');
    else if (arrayOk && overlaps(given, array)) faults.add('options.out');
  }

  const input = tagOf(array) !== undefined && !isDetached(array) ? plainCopy(array) : undefined;
  const snaps = snapshot(outGiven ? [array, options.out] : [array]);
  const ctx = `${name}(${plan.arrayJunk !== undefined ? `junk #${plan.arrayJunk}` : `${type.name}(${plan.n}) ${plan.dist} ${plan.layout.kind}`}, ` +
    `${describeOptions(options)})`;
  const outcome = await invoke(fn, [array, options], isAsync, arm, ctx);
  const opts = faults.size === 0 && options ? options : {};
  const descending = opts.descending === true;
  judge(outcome, {
    ...abortOf(options, signal, plan.signal), faults, snaps, ctx,
    checkResult(result) {
      if (isArgsort) {
        assert.equal(tagOf(result), 'Uint32Array', `${ctx}: argsort returns a Uint32Array`);
        if (outGiven) assert.equal(result, options.out, `${ctx}: argsort returns options.out`);
        assertSameElements(plainCopy(result), refArgsort(input, descending), ctx);
        assertUnchanged(snaps, `${ctx}: argsort must not touch its input`, outGiven ? options.out : undefined);
      } else {
        assert.equal(result, array, `${ctx}: sort returns its argument`);
        assertSameElements(plainCopy(array), refSort(input, descending), ctx);
        assertUnchanged(snaps, ctx, array);
      }
    },
  });
}

function describeOptions(options) {
  if (options === undefined) return 'undefined';
  if (options === null || typeof options !== 'object') return typeof options === 'symbol' ? 'Symbol' : String(options);
  const parts = [];
  for (const key of Object.keys(options)) {
    const v = options[key];
    const shown = typeof v === 'symbol' ? 'Symbol()' : typeof v === 'bigint' ? `${v}n`
      : tagOf(v) ? `${tagOf(v)}(${isDetached(v) ? 'detached' : v.length})`
        : v instanceof AbortSignal ? `AbortSignal(${v.aborted ? 'aborted' : 'live'})`
          : typeof v === 'string' ? JSON.stringify(v.slice(0, 20)) : typeof v === 'object' && v !== null ? v.constructor?.name ?? 'Object' : String(v);
    parts.push(`${key}: ${shown}`);
  }
  return `{ ${parts.join(', ')} }`;
}

// ---------------------------------------------------------------------------------------------
// matmul

const dimArb = fc.oneof(
  { weight: 85, arbitrary: fc.integer({ min: 0, max: 9 }) },
  { weight: 14, arbitrary: fc.integer({ min: 10, max: 40 }) },
  // Past the workers backend's calling-thread cutoff (2^21 flops) and the native blocking.
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 140 }) },
);

function matmulPlanArb(isAsync) {
  return fc.record({
    float64: fc.boolean(),
    m: dimArb, n: dimArb, k: dimArb,
    omit: fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 4, arbitrary: fc.constantFrom('m', 'n', 'k') }, { weight: 1, arbitrary: fc.constantFrom('mn', 'nk', 'mk', 'mnk') }),
    // A size given wrong (off by one, or junk), or an array one element too long.
    sizeFault: fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.record({ dim: fc.constantFrom('m', 'n', 'k'), delta: fc.constantFrom(-1, 1) }) },
      { weight: 1, arbitrary: fc.record({ dim: fc.constantFrom('m', 'n', 'k'), junk: junkArb }) }),
    lengthFault: fc.oneof({ weight: 30, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('a', 'b', 'out') }),
    seed: seedArb,
    // 'separate': three buffers; 'together': a, b and out as disjoint views of one buffer;
    // 'overlap': out overlapping a or b.
    arrangement: fc.oneof({ weight: 10, arbitrary: fc.constant('separate') }, { weight: 3, arbitrary: fc.constant('together') },
      { weight: 1, arbitrary: fc.constantFrom('overlap-a', 'overlap-b') }),
    layoutA: layoutArb, layoutB: layoutArb, layoutOut: layoutArb,
    useOut: fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    outNaN: fc.boolean(),
    alpha: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: fc.constantFrom(1, -1, 0.5, 2, 0, -0) },
      { weight: 1, arbitrary: fc.double({ min: -4, max: 4, noNaN: true }) }, { weight: 1, arbitrary: junkArb.map((j) => ({ junk: j })) }),
    beta: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: fc.constantFrom(0, 1, -0.5, 2) },
      { weight: 1, arbitrary: fc.double({ min: -4, max: 4, noNaN: true }) }, { weight: 1, arbitrary: junkArb.map((j) => ({ junk: j })) }),
    aJunk: fc.oneof({ weight: 40, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: junkArb }),
    bJunk: fc.oneof({ weight: 40, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: junkArb }),
    outJunk: fc.oneof({ weight: 40, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: junkArb }),
    options: optionsArb({ backend: backendArb, threads: threadsArb, transA: fc.boolean(), transB: fc.boolean() }),
    signal: isAsync ? signalArb : fc.constant('none'),
  });
}

/** a, b and out (or undefined) for a plan, with the element counts it asks for. */
function matmulArrays(plan, ctor, lengths, rng) {
  const fillRandom = (view) => { for (let i = 0; i < view.length; i++) view[i] = rng.next() * 2 - 1; };
  const fillOut = (view) => {
    for (let i = 0; i < view.length; i++) view[i] = plan.outNaN && i % 3 === 0 ? NaN : rng.next() * 2 - 1;
  };
  if (plan.arrangement === 'separate') {
    return {
      a: place(ctor, lengths.a, plan.layoutA, rng, fillRandom),
      b: place(ctor, lengths.b, plan.layoutB, rng, fillRandom),
      out: plan.useOut ? place(ctor, lengths.out, plan.layoutOut, rng, fillOut) : undefined,
    };
  }
  // One buffer holding all three: disjoint ranges, or out starting inside a or b.
  const size = ctor.BYTES_PER_ELEMENT;
  const gap = plan.layoutA.before;
  const total = gap + lengths.a + gap + lengths.b + gap + lengths.out + plan.layoutA.after;
  const buffer = plan.layoutA.kind === 'shared' ? new SharedArrayBuffer(total * size) : new ArrayBuffer(total * size);
  // Finite values throughout: an out that overlaps only an empty a or b is valid, and is read when beta ≠ 0.
  fillRandom(new ctor(buffer));
  const aStart = gap, bStart = aStart + lengths.a + gap;
  let outStart = bStart + lengths.b + gap;
  if (plan.arrangement === 'overlap-a') outStart = aStart + Math.floor(lengths.a / 2);
  if (plan.arrangement === 'overlap-b') outStart = bStart + Math.floor(lengths.b / 2);
  const a = new ctor(buffer, aStart * size, lengths.a);
  const b = new ctor(buffer, bStart * size, lengths.b);
  fillRandom(a);
  fillRandom(b);
  let out;
  if (plan.useOut || plan.arrangement.startsWith('overlap')) {
    out = new ctor(buffer, outStart * size, lengths.out);
    // An overlapping out must not change a or b before the call: leave its bytes as they are.
    if (!plan.arrangement.startsWith('overlap')) fillOut(out);
  }
  return { a, b, out };
}

async function runMatmulCall(plan, { fn, name, isAsync }) {
  const ctor = plan.float64 ? Float64Array : Float32Array;
  const rng = makeRng(plan.seed);
  const dims = { m: plan.m, n: plan.n, k: plan.k };
  const lengths = { a: dims.m * dims.k, b: dims.k * dims.n, out: dims.m * dims.n };
  if (plan.lengthFault) lengths[plan.lengthFault] += 1;
  const pick = (v) => (v === undefined ? undefined : typeof v === 'object' ? JUNK[v.junk]() : v);
  const alpha = pick(plan.alpha), beta = pick(plan.beta);
  // NaN in out only where beta is 0 (then out must not be read, so NaN must not leak into C).
  const nanInOut = plan.outNaN && (beta === undefined || beta === 0);
  let { a, b, out } = matmulArrays({ ...plan, outNaN: nanInOut }, ctor, lengths, rng);
  if (plan.aJunk !== undefined) a = JUNK[plan.aJunk]();
  if (plan.bJunk !== undefined) b = JUNK[plan.bJunk]();
  if (plan.outJunk !== undefined && out !== undefined) out = JUNK[plan.outJunk]();

  const given = { ...dims };
  if (plan.sizeFault) given[plan.sizeFault.dim] = plan.sizeFault.junk !== undefined ? JUNK[plan.sizeFault.junk]() : Math.max(0, given[plan.sizeFault.dim] + plan.sizeFault.delta);
  for (const d of plan.omit) given[d] = undefined;
  const overrides = {};
  for (const d of ['m', 'n', 'k']) if (given[d] !== undefined) overrides[d] = given[d];
  if (out !== undefined) overrides.out = out;
  if (alpha !== undefined) overrides.alpha = alpha;
  if (beta !== undefined) overrides.beta = beta;
  const { signal, arm } = makeSignal(plan.signal);
  if (signal) overrides.signal = signal;
  const options = buildOptions(plan.options, overrides);

  const allowed = ['m', 'n', 'k', 'transA', 'transB', 'alpha', 'beta', 'out', 'backend', 'threads', ...(isAsync ? ['signal'] : [])];
  const faults = new Set();
  optionFaults(options, allowed, faults);
  // Types first (b and out must match a); an async call also refuses resizable buffers.
  const aOk = typeOk(a, FLOAT_TAGS);
  if (!aOk) faults.add('a');
  const sameAsA = new Set(aOk ? [tagOf(a)] : []);
  const bOk = aOk && typeOk(b, sameAsA);
  if (aOk && !bOk) faults.add('b');
  const isOptionsObject = options !== null && typeof options === 'object' && !Array.isArray(options) && !ArrayBuffer.isView(options);
  const opts = isOptionsObject ? options : {};
  const outGiven = isOptionsObject && opts.out !== undefined;
  const outOk = !outGiven || (aOk && typeOk(opts.out, sameAsA));
  if (aOk && !outOk) faults.add('options.out');
  if (isAsync && aOk && !fixedLength(a)) faults.add('a');
  if (isAsync && bOk && !fixedLength(b)) faults.add('b');
  if (isAsync && outGiven && outOk && !fixedLength(opts.out)) faults.add('options.out');
  let shape;
  const sizesOk = ['m', 'n', 'k'].every((d) => opts[d] === undefined || optionRules[d](opts[d]));
  if (aOk && bOk && outOk && sizesOk) {
    shape = solveShape({ m: opts.m, n: opts.n, k: opts.k }, a.length, b.length, outGiven ? opts.out.length : undefined);
    if (shape === undefined) for (const f of ['a', 'b', 'options.m', 'options.n', 'options.k', 'options.out']) faults.add(f);
  }
  const betaValue = optionRules.beta(opts.beta) ? opts.beta : 0;
  if (betaValue !== 0 && !outGiven) faults.add('options.beta');
  if (outGiven && outOk && aOk && bOk && (overlaps(opts.out, a) || overlaps(opts.out, b))) faults.add('options.out');

  const snaps = snapshot([a, b, opts.out]);
  const inputs = aOk && bOk ? { a: plainCopy(a), b: plainCopy(b), c0: outGiven && outOk ? plainCopy(opts.out) : undefined } : undefined;
  const ctx = `${name}(${tagOf(a) ?? 'junk'}(${tagOf(a) ? a.length : ''}), ${tagOf(b) ?? 'junk'}(${tagOf(b) ? b.length : ''}), ${describeOptions(options)}) [${plan.arrangement}]`;
  const outcome = await invoke(fn, [a, b, options], isAsync, arm, ctx);
  judge(outcome, {
    ...abortOf(options, signal, plan.signal), faults, snaps, ctx,
    checkResult(result) {
      const { m, n, k } = shape;
      assert.equal(tagOf(result), tagOf(a), `${ctx}: C has a's type`);
      assert.equal(result.length, m * n, `${ctx}: C has m·n elements`);
      if (outGiven) assert.equal(result, opts.out, `${ctx}: returns out`);
      const alphaV = opts.alpha ?? 1, betaV = opts.beta ?? 0;
      // Huge or non-finite scalars overflow differently in f32 and the f64 reference.
      if (Math.abs(alphaV) <= 1e4 && Math.abs(betaV) <= 1e4) {
        const expected = refMatmul({ a: inputs.a, b: inputs.b, m, k, n, transA: opts.transA === true, transB: opts.transB === true, alpha: alphaV, beta: betaV, c0: inputs.c0 });
        assertMatClose(plainCopy(result), expected, { k, n }, ctx);
      }
      assertUnchanged(snaps, ctx, outGiven ? opts.out : undefined);
    },
  });
}

function overlaps(x, y) {
  if (BUFFER.call(x) !== BUFFER.call(y)) return false;
  const xs = BYTE_OFFSET.call(x), ys = BYTE_OFFSET.call(y), xl = BYTE_LENGTH.call(x), yl = BYTE_LENGTH.call(y);
  return xl > 0 && yl > 0 && xs < ys + yl && ys < xs + xl;
}

// ---------------------------------------------------------------------------------------------
// The properties. Run counts add up to just over 100,000 calls; sync calls dominate (they are the
// cheapest), async ones add the Promise, abort and resizable-buffer paths.

const FUNCTIONS = [
  { name: 'sortSync', fn: sortSync, isAsync: false, kind: 'sort', runs: 30_000, large: 3 },
  { name: 'argsortSync', fn: argsortSync, isAsync: false, kind: 'argsort', runs: 20_000, large: 1 },
  { name: 'matmulSync', fn: matmulSync, isAsync: false, kind: 'matmul', runs: 30_000 },
  { name: 'sort', fn: sort, isAsync: true, kind: 'sort', runs: 8_000, large: 3 },
  { name: 'argsort', fn: argsort, isAsync: true, kind: 'argsort', runs: 6_000, large: 1 },
  { name: 'matmul', fn: matmul, isAsync: true, kind: 'matmul', runs: 8_000 },
];

describe(`property-based calls of the public API (seed ${SEED})`, () => {
  FUNCTIONS.forEach((desc, index) => {
    it(`${desc.name}: ${runs(desc.runs)} generated calls give the right result or a named error, nothing else changed`, async (t) => {
      const before = calls.total;
      const arb = desc.kind === 'matmul' ? matmulPlanArb(desc.isAsync) : sortPlanArb(desc.isAsync, desc.kind === 'argsort', desc.large);
      const run = desc.kind === 'matmul'
        ? (plan) => runMatmulCall(plan, desc)
        : (plan) => runSortCall(plan, { ...desc, isArgsort: desc.kind === 'argsort' });
      await fc.assert(fc.asyncProperty(arb, run), { seed: SEED + index, numRuns: runs(desc.runs), includeErrorInReport: true });
      t.diagnostic(`${calls.total - before} calls`);
    });
  });

  it('totals', (t) => {
    t.diagnostic(`seed ${SEED}: ${calls.total} calls: ${calls.ok} correct results, ${calls.rejected} named errors, ${calls.aborted} aborted`);
    if (SCALE >= 1) assert.ok(calls.total >= 100_000, `at least 100,000 calls per run (made ${calls.total})`);
    assert.ok(calls.ok > 0 && calls.rejected > 0, 'both valid and invalid calls were generated');
  });
});

// Defects the properties found, pinned down.
describe('regressions found by the properties', () => {
  it('arrays from another realm (node:vm) sort, argsort and multiply on every backend', async () => {
    for (const backend of BACKENDS) {
      const big = vm.runInContext('new BigInt64Array([3n, -1n, 2n])', otherRealm);
      assert.deepEqual([...argsortSync(big, { backend })], [1, 2, 0], `${backend} argsortSync BigInt64Array`);
      assert.deepEqual([...await argsort(big, { backend })], [1, 2, 0], `${backend} argsort BigInt64Array`);
      const f = vm.runInContext('new Float64Array([3, NaN, -0, 0, -1])', otherRealm);
      assert.equal(sortSync(f, { backend }), f, `${backend}: sortSync returns the caller's array`);
      assert.deepEqual([...f].map((x) => Object.is(x, -0) ? '-0' : x), [-1, '-0', 0, 3, NaN], backend);
      const a = vm.runInContext('new Float32Array([1, 2, 3, 4])', otherRealm);
      const out = vm.runInContext('new Float32Array(4)', otherRealm);
      assert.equal(matmulSync(a, a, { m: 2, k: 2, out, backend }), out, `${backend}: matmulSync returns the caller's out`);
      assert.deepEqual([...out], [7, 10, 15, 22], backend);
    }
  });

  it('a forged Symbol.toStringTag does not pass for another type', () => {
    const forged = Object.defineProperty(new Int32Array(4), Symbol.toStringTag, { value: 'Float64Array' });
    assert.throws(() => matmulSync(forged, new Float64Array(4), { m: 2, k: 2 }), (e) => e instanceof TypeError && namesArgument(e.message, 'a'));
    const half = Object.defineProperty(new Float32Array(4), Symbol.toStringTag, { value: 'Float64Array' });
    assert.throws(() => matmulSync(new Float64Array(4), half, { m: 2, k: 2 }), (e) => e instanceof TypeError && namesArgument(e.message, 'b'));
    const dv = Object.defineProperty(new DataView(new ArrayBuffer(16)), Symbol.toStringTag, { value: 'Float64Array' });
    assert.throws(() => sortSync(dv), (e) => e instanceof TypeError && namesArgument(e.message, 'array'));
  });

  it('an own length property cannot make a call read or write past the array', () => {
    for (const backend of BACKENDS) {
      const whole = new Float64Array([9, 8, 7, 6, 5, 4]);
      const x = Object.defineProperty(whole.subarray(0, 3), 'length', { value: 6 });
      sortSync(x, { backend });
      assert.deepEqual([...whole], [7, 8, 9, 6, 5, 4], `${backend}: only the view's 3 elements are sorted`);
      assert.equal(argsortSync(x, { backend }).length, 3, backend);
    }
  });

  it('an own constructor property does not make the result of a matmul', () => {
    for (const backend of BACKENDS) {
      const a = Object.defineProperty(new Float64Array([1, 2, 3, 4]), 'constructor', { value: Float32Array });
      const c = matmulSync(a, a, { m: 2, k: 2, backend });
      assert.ok(c instanceof Float64Array, `${backend}: C is a Float64Array like a`);
      assert.deepEqual([...c], [7, 10, 15, 22], backend);
    }
  });
});
