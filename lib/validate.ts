// All argument checking of the public API, done once before any backend runs. Each check either
// returns the value in the form the backends want or throws a TypeError/RangeError from errors.ts
// naming the argument. Nothing here touches the caller's arrays.
import { errors } from './errors.js';
import type { BackendName } from './backends/backend.js';
import type { FloatArray, NumericArray } from './kernels/types.js';

/** The most threads a call or the pool accepts (the native pool has the same bound). */
export const MAX_THREADS = 256;

export const BACKEND_NAMES: readonly BackendName[] = ['native', 'workers', 'js'];
export const SORT_ALGORITHMS = ['auto', 'merge', 'quick', 'radix'] as const;
export type SortAlgorithm = (typeof SORT_ALGORITHMS)[number];

const NUMERIC_ARRAY_TAGS = new Set([
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
]);
const NUMERIC_ARRAY_DESCRIPTION = 'a numeric TypedArray (Int8Array … Float64Array, BigInt64Array, BigUint64Array)';

// The built-in getters of %TypedArray%.prototype read the internal slots, so an own property
// (a forged Symbol.toStringTag or length) or a subclass cannot make them lie.
const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype) as object;
function intrinsicGetter(key: PropertyKey): (this: unknown) => unknown {
  return Object.getOwnPropertyDescriptor(TypedArrayPrototype, key)!.get! as (this: unknown) => unknown;
}
const getTag = intrinsicGetter(Symbol.toStringTag);
const getBuffer = intrinsicGetter('buffer');
const getByteOffset = intrinsicGetter('byteOffset');
const getByteLength = intrinsicGetter('byteLength');
const getLength = intrinsicGetter('length');

/** The TypedArray's real element type ('Float64Array'...), or undefined for anything else. */
function typedArrayTag(value: unknown): string | undefined {
  return getTag.call(value) as string | undefined;
}

/** The element count, from the internal slot (an own `length` property cannot change it). */
export function lengthOf(view: ArrayBufferView): number {
  return getLength.call(view) as number;
}

type TypedArrayConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => NumericArray;

const CONSTRUCTORS = new Map<string, TypedArrayConstructor>(
  [...NUMERIC_ARRAY_TAGS].map((tag) => [tag, (globalThis as unknown as Record<string, TypedArrayConstructor>)[tag]!]),
);

/** This realm's constructor of the array's element type (not its `constructor` property, which can lie). */
export function constructorOf<T extends NumericArray>(view: T): new (length: number) => T {
  return CONSTRUCTORS.get(typedArrayTag(view)!)! as unknown as new (length: number) => T;
}

/**
 * The array itself when it is a plain TypedArray of this realm, else a view of the same memory that
 * is one. The TypeScript kernels tell element types apart with instanceof, and read length, buffer
 * and byteOffset as properties, which an array from another realm (vm, an iframe-like context), a
 * subclass or an own property would get wrong; the native backend reads the internal slots through
 * Node-API and needs no view (lib/backends/plain-views.ts gives them to the other backends).
 */
export function plainView<T extends NumericArray>(value: T): T {
  const ctor = CONSTRUCTORS.get(typedArrayTag(value)!)!;
  const clean = Object.getPrototypeOf(value) === ctor.prototype &&
    !Object.hasOwn(value, 'length') && !Object.hasOwn(value, 'buffer') && !Object.hasOwn(value, 'byteOffset') &&
    !Object.hasOwn(value, 'byteLength') && !Object.hasOwn(value, 'constructor');
  if (clean) return value;
  return new ctor(getBuffer.call(value) as ArrayBufferLike, getByteOffset.call(value) as number, lengthOf(value)) as T;
}

/** True when the array's buffer has been transferred or detached. */
function isDetached(view: ArrayBufferView): boolean {
  if (getByteLength.call(view) !== 0) return false;
  const buffer = getBuffer.call(view) as ArrayBufferLike;
  if (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer) return false;
  const detached = (buffer as { detached?: boolean }).detached;
  if (typeof detached === 'boolean') return detached;
  try {
    new Uint8Array(buffer); // throws on a detached buffer (Node 20 has no ArrayBuffer#detached)
    return false;
  } catch {
    return true;
  }
}

function checkNotDetached(view: ArrayBufferView, name: string): void {
  if (isDetached(view)) throw errors.type(name, 'a TypedArray whose buffer is not detached', view);
}

// The array checks below return the caller's array itself; everything read from it here goes
// through the intrinsic getters, so a forged property cannot mislead them.

export function numericArray(value: unknown, name: string): NumericArray {
  const tag = typedArrayTag(value);
  if (tag === undefined || !NUMERIC_ARRAY_TAGS.has(tag)) throw errors.type(name, NUMERIC_ARRAY_DESCRIPTION, value);
  checkNotDetached(value as NumericArray, name);
  return value as NumericArray;
}

export function floatArray(value: unknown, name: string, sameAs?: FloatArray, sameAsName?: string): FloatArray {
  const tag = typedArrayTag(value);
  if (sameAs !== undefined) {
    const expected = typedArrayTag(sameAs)!;
    if (tag !== expected) throw errors.type(name, `a ${expected} like ${sameAsName}`, value);
  } else if (tag !== 'Float32Array' && tag !== 'Float64Array') {
    throw errors.type(name, 'a Float32Array or Float64Array', value);
  }
  checkNotDetached(value as FloatArray, name);
  return value as FloatArray;
}

/** options.out of an argsort: a Uint32Array of `length` elements. */
export function indexArray(value: unknown, name: string, length: number): Uint32Array {
  if (typedArrayTag(value) !== 'Uint32Array') throw errors.type(name, 'a Uint32Array', value);
  checkNotDetached(value as Uint32Array, name);
  if (lengthOf(value as Uint32Array) !== length) {
    throw errors.shape(name, `expected ${length} elements (one index per element of array) but ${name}.length is ${lengthOf(value as Uint32Array)}`);
  }
  return value as Uint32Array;
}

/**
 * An async call works on the array's memory after returning to the event loop. A resizable
 * ArrayBuffer could shrink under it meanwhile, so async calls take fixed-length buffers only
 * (a growable SharedArrayBuffer never shrinks, so it is fine).
 */
export function fixedLength(view: ArrayBufferView, name: string): void {
  if ((getBuffer.call(view) as { resizable?: boolean }).resizable === true) {
    throw errors.type(name, 'a TypedArray on a fixed-length ArrayBuffer (async calls cannot use a resizable one; use the sync form)', view);
  }
}

/** The options object: undefined means {}; anything but a plain object, or an unknown own key, throws. */
export function options(value: unknown, allowed: ReadonlySet<string>): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw errors.type('options', 'an object', value);
  }
  // for-in over V8's enum cache with a Set lookup: half the cost of Object.keys and Array#includes,
  // which showed in the overhead of a small call. Inherited keys are not the caller's options.
  for (const key in value) {
    if (!allowed.has(key) && Object.hasOwn(value, key)) throw errors.unknownOption(`options.${key}`, [...allowed]);
  }
  return value as Record<string, unknown>;
}

export function boolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw errors.type(name, 'a boolean', value);
  return value;
}

export function number(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw errors.type(name, 'a number', value);
  return value;
}

/** A size: a non-negative safe integer, or undefined when the caller left it out. */
export function size(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw errors.type(name, 'a non-negative integer', value);
  if (!Number.isSafeInteger(value) || value < 0) throw errors.range(name, 'a non-negative integer', value);
  return value;
}

export function threads(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw errors.type(name, `an integer from 1 to ${MAX_THREADS}`, value);
  if (!Number.isInteger(value) || value < 1 || value > MAX_THREADS) {
    throw errors.range(name, `an integer from 1 to ${MAX_THREADS}`, value);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  // The message is built only on failure: joining the list cost more than the rest of a small call.
  const expected = `one of ${allowed.map((v) => `'${v}'`).join(', ')}`;
  throw typeof value !== 'string' ? errors.type(name, expected, value) : errors.range(name, expected, value);
}

export function signal(value: unknown, name: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) throw errors.type(name, 'an AbortSignal', value);
  return value;
}

export interface MatmulShape {
  m: number;
  n: number;
  k: number;
}

/** x·y elements, which must be a safe integer; `what` names the array they are the length of. */
function elementCount(x: number, y: number, what: string): number {
  const p = x * y;
  if (!Number.isSafeInteger(p)) throw errors.shape(what, `${x} × ${y} elements is more than any array can hold`);
  return p;
}

/** length / divisor, which must be exact; `what` names the quantity being derived. */
function derive(what: string, length: number, lengthName: string, divisor: number, divisorName: string): number {
  if (length % divisor !== 0) {
    throw errors.shape(what, `${lengthName} (${length}) is not a multiple of ${divisorName} (${divisor})`);
  }
  return length / divisor;
}

/** The one size of m, n and k the caller left out, from the array lengths. */
function deriveMissing(a: FloatArray, b: FloatArray, out: FloatArray | undefined, given: Partial<MatmulShape>): MatmulShape {
  const { m, n, k } = given;
  const missing = (['m', 'n', 'k'] as const).filter((d) => given[d] === undefined);
  if (missing.length > 1) {
    throw errors.type(`options.${missing[1]}`, `a non-negative integer (only one of options.m, options.n, options.k may be left out)`, undefined);
  }
  const undetermined = (what: string) => errors.shape(what, 'it cannot be determined from the array lengths when the other sizes are 0; pass it explicitly');
  if (m === undefined) {
    if (k! > 0) return { m: derive('options.m', lengthOf(a), 'a.length', k!, 'options.k'), n: n!, k: k! };
    if (out !== undefined && n! > 0) return { m: derive('options.m', lengthOf(out), 'options.out.length', n!, 'options.n'), n: n!, k: k! };
    throw undetermined('options.m');
  }
  if (k === undefined) {
    if (m > 0) return { m, n: n!, k: derive('options.k', lengthOf(a), 'a.length', m, 'options.m') };
    if (n! > 0) return { m, n: n!, k: derive('options.k', lengthOf(b), 'b.length', n!, 'options.n') };
    throw undetermined('options.k');
  }
  if (k > 0) return { m, n: derive('options.n', lengthOf(b), 'b.length', k, 'options.k'), k };
  if (out !== undefined && m > 0) return { m, n: derive('options.n', lengthOf(out), 'options.out.length', m, 'options.m'), k };
  throw undetermined('options.n');
}

/**
 * Resolves m, n and k from the options and the array lengths (at most one may be left out) and
 * checks that every length agrees. `out` is undefined when the caller did not pass one. No closure
 * or array is made when all three are given: this runs on every call, and a small multiply costs
 * less than a microsecond.
 */
export function matmulShape(a: FloatArray, b: FloatArray, out: FloatArray | undefined, given: Partial<MatmulShape>): MatmulShape {
  const { m, n, k } = given.m === undefined || given.n === undefined || given.k === undefined
    ? deriveMissing(a, b, out, given)
    : (given as MatmulShape);
  const aLength = elementCount(m, k, 'a');
  const bLength = elementCount(k, n, 'b');
  const cLength = elementCount(m, n, out === undefined ? 'options.m × options.n' : 'options.out');
  if (lengthOf(a) !== aLength) throw errors.shape('a', `expected ${aLength} elements (m = ${m}, k = ${k}) but a.length is ${lengthOf(a)}`);
  if (lengthOf(b) !== bLength) throw errors.shape('b', `expected ${bLength} elements (k = ${k}, n = ${n}) but b.length is ${lengthOf(b)}`);
  if (out !== undefined && lengthOf(out) !== cLength) {
    throw errors.shape('options.out', `expected ${cLength} elements (m = ${m}, n = ${n}) but options.out.length is ${lengthOf(out)}`);
  }
  return { m, n, k };
}

/** Throws when `out` shares memory with `other`. */
export function noOverlap(out: ArrayBufferView, other: ArrayBufferView, otherName: string): void {
  const outBytes = getByteLength.call(out) as number, otherBytes = getByteLength.call(other) as number;
  if (outBytes === 0 || otherBytes === 0 || getBuffer.call(out) !== getBuffer.call(other)) return;
  const outStart = getByteOffset.call(out) as number, otherStart = getByteOffset.call(other) as number;
  if (outStart < otherStart + otherBytes && otherStart < outStart + outBytes) {
    throw errors.shape('options.out', `it overlaps ${otherName}; pass a separate array`);
  }
}
