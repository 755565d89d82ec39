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

type TypedArrayConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => NumericArray;

/**
 * The array itself when it is a plain TypedArray of this realm, else a view of the same memory that
 * is one: the kernels tell element types apart with instanceof, and read length, buffer and
 * byteOffset as properties, which an array from another realm (vm, an iframe-like context), a
 * subclass or an own property would get wrong.
 */
const CONSTRUCTORS = new Map<string, TypedArrayConstructor>(
  [...NUMERIC_ARRAY_TAGS].map((tag) => [tag, (globalThis as unknown as Record<string, TypedArrayConstructor>)[tag]!]),
);

function ownRealmView<T extends NumericArray>(value: T, tag: string): T {
  const ctor = CONSTRUCTORS.get(tag)!;
  const clean = Object.getPrototypeOf(value) === ctor.prototype &&
    !Object.hasOwn(value, 'length') && !Object.hasOwn(value, 'buffer') && !Object.hasOwn(value, 'byteOffset') &&
    !Object.hasOwn(value, 'byteLength') && !Object.hasOwn(value, 'constructor');
  if (clean) return value;
  return new ctor(getBuffer.call(value) as ArrayBufferLike, getByteOffset.call(value) as number, getLength.call(value) as number) as T;
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

export function numericArray(value: unknown, name: string): NumericArray {
  const tag = typedArrayTag(value);
  if (tag === undefined || !NUMERIC_ARRAY_TAGS.has(tag)) throw errors.type(name, NUMERIC_ARRAY_DESCRIPTION, value);
  checkNotDetached(value as NumericArray, name);
  return ownRealmView(value as NumericArray, tag);
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
  return ownRealmView(value as FloatArray, tag!);
}

/**
 * An async call works on the array's memory after returning to the event loop. A resizable
 * ArrayBuffer could shrink under it meanwhile, so async calls take fixed-length buffers only
 * (a growable SharedArrayBuffer never shrinks, so it is fine).
 */
export function fixedLength(view: ArrayBufferView, name: string): void {
  if ((view.buffer as { resizable?: boolean }).resizable === true) {
    throw errors.type(name, 'a TypedArray on a fixed-length ArrayBuffer (async calls cannot use a resizable one; use the sync form)', view);
  }
}

/** The options object: undefined means {}; anything but a plain object, or an unknown key, throws. */
export function options(value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw errors.type('options', 'an object', value);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw errors.unknownOption(`options.${key}`, allowed);
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
  const expected = allowed.map((v) => `'${v}'`).join(', ');
  if (typeof value !== 'string') throw errors.type(name, `one of ${expected}`, value);
  if (!(allowed as readonly string[]).includes(value)) throw errors.range(name, `one of ${expected}`, value);
  return value as T;
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

/**
 * Resolves m, n and k from the options and the array lengths (at most one may be left out) and
 * checks that every length agrees. `out` is undefined when the caller did not pass one.
 */
export function matmulShape(
  a: FloatArray,
  b: FloatArray,
  out: FloatArray | undefined,
  given: { m: number | undefined; n: number | undefined; k: number | undefined },
): MatmulShape {
  let { m, n, k } = given;
  const missing = (['m', 'n', 'k'] as const).filter((d) => given[d] === undefined);
  if (missing.length > 1) {
    throw errors.type(`options.${missing[1]}`, `a non-negative integer (only one of options.m, options.n, options.k may be left out)`, undefined);
  }
  // length / divisor, which must be exact; `what` names the quantity being derived.
  const derive = (what: string, length: number, lengthName: string, divisor: number, divisorName: string): number => {
    if (length % divisor !== 0) {
      throw errors.shape(what, `${lengthName} (${length}) is not a multiple of ${divisorName} (${divisor})`);
    }
    return length / divisor;
  };
  const undetermined = (what: string) => errors.shape(what, 'it cannot be determined from the array lengths when the other sizes are 0; pass it explicitly');
  if (m === undefined) {
    if (k! > 0) m = derive('options.m', a.length, 'a.length', k!, 'options.k');
    else if (out !== undefined && n! > 0) m = derive('options.m', out.length, 'options.out.length', n!, 'options.n');
    else throw undetermined('options.m');
  } else if (k === undefined) {
    if (m > 0) k = derive('options.k', a.length, 'a.length', m, 'options.m');
    else if (n! > 0) k = derive('options.k', b.length, 'b.length', n!, 'options.n');
    else throw undetermined('options.k');
  } else if (n === undefined) {
    if (k > 0) n = derive('options.n', b.length, 'b.length', k, 'options.k');
    else if (out !== undefined && m > 0) n = derive('options.n', out.length, 'options.out.length', m, 'options.m');
    else throw undetermined('options.n');
  }
  const product = (x: number, y: number, what: string): number => {
    const p = x * y;
    if (!Number.isSafeInteger(p)) throw errors.shape(what, `${x} × ${y} elements is more than any array can hold`);
    return p;
  };
  const aLength = product(m!, k!, 'a');
  const bLength = product(k!, n!, 'b');
  const cLength = product(m!, n!, out === undefined ? 'options.m × options.n' : 'options.out');
  if (a.length !== aLength) throw errors.shape('a', `expected ${aLength} elements (m = ${m}, k = ${k}) but a.length is ${a.length}`);
  if (b.length !== bLength) throw errors.shape('b', `expected ${bLength} elements (k = ${k}, n = ${n}) but b.length is ${b.length}`);
  if (out !== undefined && out.length !== cLength) {
    throw errors.shape('options.out', `expected ${cLength} elements (m = ${m}, n = ${n}) but options.out.length is ${out.length}`);
  }
  return { m: m!, n: n!, k: k! };
}

/** Throws when `out` shares memory with `other`. */
export function noOverlap(out: ArrayBufferView, other: ArrayBufferView, otherName: string): void {
  if (out.buffer !== other.buffer || out.byteLength === 0 || other.byteLength === 0) return;
  const outStart = out.byteOffset, otherStart = other.byteOffset;
  if (outStart < otherStart + other.byteLength && otherStart < outStart + out.byteLength) {
    throw errors.shape('options.out', `it overlaps ${otherName}; pass a separate array`);
  }
}
