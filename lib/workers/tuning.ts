// The workers backend's tunables, measured on the development machine (2 cores of an x86-64
// server, Node 20).

/** Below this many elements a sort or argsort runs on the calling thread (the js backend): at
 * 16384 two workers already beat it for f64, i32 and u8, sorts and argsorts, even with one core
 * busy elsewhere; at 8192 they lost or tied. */
export const SORT_SERIAL_BELOW = 1 << 14;
/** Fewest elements worth a part of their own in a sort or argsort. */
export const SORT_ELEMENTS_PER_PART = 1 << 13;
/** What 'auto' runs for 32- and 64-bit types. */
export const AUTO_SORT: 'merge' | 'quick' = 'merge';
/** Sample keys per bucket of the sample sort: about 1/sqrt of that is the size imbalance. */
export const SAMPLE_PER_BUCKET = 256;

/** Below this many floating-point operations (2·m·n·k) a matmul runs on the calling thread: two
 * workers tied with the js backend at 96³ (1.8e6) and won from 128³ (4.2e6). */
export const MATMUL_SERIAL_BELOW = 1 << 21;
/** Fewest floating-point operations worth a part of their own in a matmul. */
export const MATMUL_FLOPS_PER_PART = 1 << 20;

/** Most bytes of scratch shared memory kept for later calls, and for how long (ms) when unused. */
export const SCRATCH_CACHE_BYTES = 256 * 2 ** 20;
export const SCRATCH_CACHE_MS = 1000;

/** How often a sync call blocked on the pool checks that its workers are still alive (ms). */
export const LIVENESS_PROBE_MS = 50;
/** A blocked sync call gives up a busy worker whose heartbeat has not moved for this long (ms): a
 * healthy one beats every few ms while it works, and starts in about 50 ms (a few hundred when
 * the machine is loaded). */
export const STALL_TIMEOUT_MS = 10_000;

/** Lost workers replaced at once, without a reply from any worker in between (pool.ts, onExit): enough
 * for the pool's workers to be lost one after another, few enough that a worker that fails while
 * loading is not respawned in a loop. */
export const MAX_EAGER_REPLACEMENTS = 4;
