// Compiled with `tsc --noEmit` by test/types.test.mjs against the built declarations in dist/.
// Each assertion fails to compile when a return type is wrong.
import {
  AbortError, argsort, argsortSync, backendInfo, configure, matmul, matmulSync, sort, sortSync,
  type Backend, type BackendInfo, type Settings,
} from '../../dist/index.js';

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

const f32 = new Float32Array(4);
const f64 = new Float64Array(4);
const i16 = new Int16Array(3);
const big = new BigInt64Array(3);

const c32 = matmulSync(f32, f32, { m: 2, k: 2 });
assertType<Equals<typeof c32, typeof f32>>();
const c64 = matmulSync(f64, f64, { m: 2, k: 2, n: 2, out: new Float64Array(4), beta: 1 });
assertType<Equals<typeof c64, typeof f64>>();
// @ts-expect-error a Float32Array result is not a Float64Array
assertType<Equals<typeof c32, typeof f64>>();
// @ts-expect-error mixing element types does not type-check
matmulSync(f32, f64, { m: 2, k: 2 });
// @ts-expect-error out must be the same type as a and b
matmulSync(f32, f32, { m: 2, k: 2, out: f64 });

assertType<Equals<ReturnType<typeof sortSync<typeof i16>>, typeof i16>>();
assertType<Equals<typeof sortSync<typeof big> extends (a: typeof big) => infer R ? R : never, typeof big>>();
assertType<Equals<ReturnType<typeof argsortSync>, Uint32Array>>();

async function asyncForms(): Promise<void> {
  const p = await matmul(f32, f32, { m: 2, k: 2, signal: new AbortController().signal });
  assertType<Equals<typeof p, typeof f32>>();
  const s = await sort(i16, { algorithm: 'merge', descending: true });
  assertType<Equals<typeof s, typeof i16>>();
  const idx = await argsort(f64);
  assertType<Equals<typeof idx, Uint32Array>>();
}
void asyncForms;

// @ts-expect-error unknown algorithm
sortSync(i16, { algorithm: 'bubble' });
// @ts-expect-error sync forms take no signal
sortSync(i16, { signal: new AbortController().signal });
// @ts-expect-error argsort takes no algorithm
argsortSync(i16, { algorithm: 'merge' });
argsortSync(i16, { out: new Uint32Array(i16.length), descending: true });
// @ts-expect-error argsort's out is a Uint32Array
argsortSync(i16, { out: new Int32Array(i16.length) });

const settings: Settings = configure({ threads: 2, backend: 'native' });
const info: BackendInfo = backendInfo();
const name: Backend = info.backend;
assertType<Equals<typeof settings.threads, number>>();
void name;
const e: Error = new AbortError('reason');
void e;
