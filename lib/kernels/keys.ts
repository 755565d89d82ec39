// Order-preserving unsigned keys. Each element's bits, read as one or two little-endian 32-bit
// words, map to a key whose unsigned order (high word first) is the order of
// TypedArray.prototype.sort(): integers flip the sign bit; floats flip every bit of a negative
// value and the sign bit of a positive one, which also puts -0 before +0. Descending order
// complements the keys of numbers. NaN keys stay above every number in both directions, so the
// NaNs sort last: a sort keeps their bits (with the sign cleared, the only bit the order would
// need), an argsort gives them all one key so that they tie and keep their index order.
//
// The radix, merge and sample-sort kernels work on these keys alone, with no comparisons of
// numbers, NaN checks or bigints in their loops.
import type { NumericArray } from './types.js';

/** How the bits of an element type map to keys. */
export type KeyKind = 'int32' | 'float32' | 'int64' | 'float64';

export interface KeyCodec {
  kind: KeyKind;
  /** 32-bit words per element: 1 or 2. */
  words: 1 | 2;
  /** XORed into the most significant word of an integer: flips the sign bit of signed types. */
  signFlip: number;
}

/** The codec of a 32- or 64-bit element type; undefined for the 8- and 16-bit ones. */
export function keyCodec(array: NumericArray): KeyCodec | undefined {
  if (array instanceof Float64Array) return { kind: 'float64', words: 2, signFlip: 0 };
  if (array instanceof Float32Array) return { kind: 'float32', words: 1, signFlip: 0 };
  if (array instanceof BigInt64Array) return { kind: 'int64', words: 2, signFlip: 0x80000000 };
  if (array instanceof BigUint64Array) return { kind: 'int64', words: 2, signFlip: 0 };
  if (array instanceof Int32Array) return { kind: 'int32', words: 1, signFlip: 0x80000000 };
  if (array instanceof Uint32Array) return { kind: 'int32', words: 1, signFlip: 0 };
  return undefined;
}

/**
 * The elements of an 8- or 16-bit type as unsigned bits (a view of the same memory), with the XOR
 * that orders them as the values (0x80 or 0x8000 for the signed types); undefined for the others.
 */
export function narrowBits(array: NumericArray): { bits: Uint8Array | Uint16Array; signFlip: number } | undefined {
  const { buffer, byteOffset, length } = array;
  if (array instanceof Int8Array) return { bits: new Uint8Array(buffer, byteOffset, length), signFlip: 0x80 };
  if (array instanceof Uint8Array || array instanceof Uint8ClampedArray) return { bits: new Uint8Array(buffer, byteOffset, length), signFlip: 0 };
  if (array instanceof Int16Array) return { bits: new Uint16Array(buffer, byteOffset, length), signFlip: 0x8000 };
  if (array instanceof Uint16Array) return { bits: new Uint16Array(buffer, byteOffset, length), signFlip: 0 };
  return undefined;
}

/** The element's bits as 32-bit words (a view of the same memory). */
export function wordsOf(array: NumericArray): Uint32Array {
  return new Uint32Array(array.buffer, array.byteOffset, array.byteLength >>> 2);
}

/** Keys of a float32 above this are NaNs (+Inf's key; in descending order -Inf's is the same). */
const NAN_KEY_ABOVE_32 = 0xff800000;
/** High word of the key of +Inf (and, descending, of -Inf) in a float64. */
const NAN_KEY_ABOVE_64 = 0xfff00000;

/**
 * Writes the sort keys of elements [lo, hi) of `bits` to the same positions of `keys` (which may
 * be `bits`: the transform works in place).
 */
export function toSortKeys(codec: KeyCodec, bits: Uint32Array, keys: Uint32Array, lo: number, hi: number, descending: boolean): void {
  const flip = descending ? 0xffffffff : 0;
  switch (codec.kind) {
    case 'int32': return xorWords(bits, keys, lo, hi, codec.signFlip ^ flip);
    case 'int64': return xorWordPairs(bits, keys, lo, hi, flip, codec.signFlip ^ flip);
    case 'float32': return float32Keys(bits, keys, lo, hi, flip, false);
    case 'float64': return float64Keys(bits, keys, lo, hi, flip, false);
  }
}

/** The inverse of toSortKeys: element bits back from keys (in place when `bits` is `keys`). */
export function fromSortKeys(codec: KeyCodec, keys: Uint32Array, bits: Uint32Array, lo: number, hi: number, descending: boolean): void {
  const flip = descending ? 0xffffffff : 0;
  switch (codec.kind) {
    case 'int32': return xorWords(keys, bits, lo, hi, codec.signFlip ^ flip);
    case 'int64': return xorWordPairs(keys, bits, lo, hi, flip, codec.signFlip ^ flip);
    case 'float32': return float32Values(keys, bits, lo, hi, flip);
    case 'float64': return float64Values(keys, bits, lo, hi, flip);
  }
}

/**
 * Writes argsort records for elements [lo, hi): record i is `width` words at i·width, the index i
 * first, then the key (low word first), so the records' own order is (key, index).
 */
export function toArgsortRecords(
  codec: KeyCodec, bits: Uint32Array, records: Uint32Array, lo: number, hi: number, descending: boolean,
): void {
  const flip = descending ? 0xffffffff : 0;
  switch (codec.kind) {
    case 'int32': return int32Records(bits, records, lo, hi, codec.signFlip ^ flip);
    case 'int64': return int64Records(bits, records, lo, hi, flip, codec.signFlip ^ flip);
    case 'float32': return float32Keys(bits, records, lo, hi, flip, true);
    case 'float64': return float64Keys(bits, records, lo, hi, flip, true);
  }
}

/** Argsort records [index, key] of 8- or 16-bit elements, read as unsigned `bits` XOR `mask`. */
export function narrowRecords(bits: Uint8Array | Uint16Array, records: Uint32Array, lo: number, hi: number, mask: number): void {
  for (let i = lo; i < hi; i++) {
    records[2 * i] = i;
    records[2 * i + 1] = bits[i] ^ mask;
  }
}

/** Copies the index (first word) of records [lo, hi) to out[lo, hi). */
export function indicesOf(records: Uint32Array, width: number, out: Uint32Array, lo: number, hi: number): void {
  for (let i = lo; i < hi; i++) out[i] = records[i * width];
}

/** Words of argsort records per element: the index, then the key's words. */
export function argsortWidth(codec: KeyCodec | undefined): 2 | 3 {
  return codec?.words === 2 ? 3 : 2;
}

function xorWords(src: Uint32Array, dst: Uint32Array, lo: number, hi: number, mask: number): void {
  for (let i = lo; i < hi; i++) dst[i] = src[i] ^ mask;
}

function xorWordPairs(src: Uint32Array, dst: Uint32Array, lo: number, hi: number, lowMask: number, highMask: number): void {
  for (let i = 2 * lo; i < 2 * hi; i += 2) {
    dst[i] = src[i] ^ lowMask;
    dst[i + 1] = src[i + 1] ^ highMask;
  }
}

function int32Records(src: Uint32Array, dst: Uint32Array, lo: number, hi: number, mask: number): void {
  for (let i = lo; i < hi; i++) {
    dst[2 * i] = i;
    dst[2 * i + 1] = src[i] ^ mask;
  }
}

function int64Records(src: Uint32Array, dst: Uint32Array, lo: number, hi: number, lowMask: number, highMask: number): void {
  for (let i = lo; i < hi; i++) {
    dst[3 * i] = i;
    dst[3 * i + 1] = src[2 * i] ^ lowMask;
    dst[3 * i + 2] = src[2 * i + 1] ^ highMask;
  }
}

/**
 * float32 bits to keys; with `records`, writes [index, key] pairs and gives every NaN the key
 * 0xffffffff. `b >> 31` is the sign spread over the word: all bits flip for a negative value.
 */
function float32Keys(src: Uint32Array, dst: Uint32Array, lo: number, hi: number, flip: number, records: boolean): void {
  for (let i = lo; i < hi; i++) {
    const b = src[i];
    let key: number;
    if ((b & 0x7fffffff) > 0x7f800000) key = records ? 0xffffffff : b | 0x80000000;
    else key = b ^ ((b >> 31) | 0x80000000) ^ flip;
    if (records) {
      dst[2 * i] = i;
      dst[2 * i + 1] = key;
    } else {
      dst[i] = key;
    }
  }
}

function float32Values(src: Uint32Array, dst: Uint32Array, lo: number, hi: number, flip: number): void {
  for (let i = lo; i < hi; i++) {
    const key = src[i];
    if (key > NAN_KEY_ABOVE_32) {
      dst[i] = key ^ 0x80000000;
    } else {
      const k = key ^ flip;
      dst[i] = k < 0 ? k ^ 0x80000000 : ~k; // `^` yields an int32: negative means the top bit is set
    }
  }
}

function float64Keys(src: Uint32Array, dst: Uint32Array, lo: number, hi: number, flip: number, records: boolean): void {
  for (let i = lo; i < hi; i++) {
    const l = src[2 * i];
    const h = src[2 * i + 1];
    const magnitude = h & 0x7fffffff;
    let keyLow: number;
    let keyHigh: number;
    if (magnitude > 0x7ff00000 || (magnitude === 0x7ff00000 && l !== 0)) {
      keyLow = records ? 0xffffffff : l;
      keyHigh = records ? 0xffffffff : h | 0x80000000;
    } else {
      const m = h >> 31;
      keyLow = l ^ m ^ flip;
      keyHigh = h ^ (m | 0x80000000) ^ flip;
    }
    if (records) {
      dst[3 * i] = i;
      dst[3 * i + 1] = keyLow;
      dst[3 * i + 2] = keyHigh;
    } else {
      dst[2 * i] = keyLow;
      dst[2 * i + 1] = keyHigh;
    }
  }
}

function float64Values(src: Uint32Array, dst: Uint32Array, lo: number, hi: number, flip: number): void {
  for (let i = 2 * lo; i < 2 * hi; i += 2) {
    const l = src[i];
    const h = src[i + 1];
    if (h > NAN_KEY_ABOVE_64 || (h === NAN_KEY_ABOVE_64 && l !== 0)) {
      dst[i] = l;
      dst[i + 1] = h ^ 0x80000000;
    } else {
      const kh = h ^ flip;
      const m = ~(kh >> 31); // all ones when the value was negative (top bit of the key clear)
      dst[i] = l ^ flip ^ m;
      dst[i + 1] = kh ^ (m | 0x80000000);
    }
  }
}
