// Command-line options of `npm run bench`. A bad option throws a TypeError (no value) or a
// RangeError (unknown option or value) whose message names the option, before anything runs.
import { BACKENDS } from './backends.mjs';
import { KINDS } from './cases.mjs';

export const USAGE = `Usage: npm run bench [-- options]

  --full             every size, type, thread count and distribution (tens of minutes)
  --tiny             small sizes only, for a smoke test (seconds)
  --only LIST        kernels to run, from sort,argsort,matmul (default: all)
  --backend LIST     package backends to run, from native,workers,js (default: all available)
  --threads LIST     thread counts for the package rows, e.g. 2 or 1,2 (default: 1 and all cores where
                     a speedup is charted and for native matmul, all cores elsewhere; --full: every
                     count); the OpenBLAS matmul anchor runs on each count of the list
  --rounds N         run every (case, implementation) pair N times, each time in a fresh process at
                     another point of the shuffled order, and pool the samples (default 1; --full: 2)
  --seed N           seed of the case order (default: random, printed); inputs never depend on it
  --out DIR          where results.json, summary.md and the charts go (default: bench/results/latest)
  --json FILE        also write the raw results to FILE
  --help             this text`;

const FLAGS = new Set(['full', 'tiny', 'quick', 'help']);
const VALUED = new Set(['only', 'backend', 'threads', 'rounds', 'seed', 'out', 'json']);

function list(name, value, allowed) {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new RangeError(`Expected a comma-separated list for --${name} but received "${value}"`);
  for (const item of items) {
    if (!allowed.includes(item)) throw new RangeError(`Expected ${allowed.join(', ')} for --${name} but received "${item}"`);
  }
  return [...new Set(items)];
}

function threadList(value) {
  const items = value.split(',').map((s) => s.trim());
  const out = items.map((s) => {
    const t = /^\d+$/.test(s) ? Number(s) : NaN;
    if (!(t >= 1 && t <= 256)) throw new RangeError(`Expected integers from 1 to 256 for --threads but received "${s}"`);
    return t;
  });
  return [...new Set(out)].sort((x, y) => x - y);
}

/**
 * Parses argv (without node and the script). `defaultSeed` is used when --seed is absent, so
 * callers decide where the randomness comes from.
 */
export function parseOptions(argv, { defaultSeed = 1 } = {}) {
  if (!Array.isArray(argv)) throw new TypeError('Expected an array of strings for argv');
  const seen = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) throw new RangeError(`Unexpected argument "${arg}" (options start with --; see --help)`);
    const [, name, inline] = match;
    if (FLAGS.has(name)) {
      if (inline !== undefined) throw new RangeError(`--${name} takes no value but received "${inline}"`);
      seen[name] = true;
    } else if (VALUED.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new TypeError(`Expected a value for --${name}`);
      if (name in seen) throw new RangeError(`--${name} given twice`);
      seen[name] = value;
    } else {
      throw new RangeError(`Unknown option --${name} (known: ${[...FLAGS, ...VALUED].map((f) => `--${f}`).join(', ')})`);
    }
  }
  const modes = ['full', 'tiny', 'quick'].filter((m) => seen[m]);
  if (modes.length > 1) throw new RangeError(`Expected at most one of --full, --tiny and --quick but received ${modes.map((m) => `--${m}`).join(' and ')}`);
  let seed = defaultSeed;
  if (seen.seed !== undefined) {
    if (!/^\d+$/.test(seen.seed) || Number(seen.seed) > 0xffffffff) throw new RangeError(`Expected an integer from 0 to 4294967295 for --seed but received "${seen.seed}"`);
    seed = Number(seen.seed);
  }
  let rounds;
  if (seen.rounds !== undefined) {
    if (!/^\d+$/.test(seen.rounds) || !(Number(seen.rounds) >= 1 && Number(seen.rounds) <= 20)) throw new RangeError(`Expected an integer from 1 to 20 for --rounds but received "${seen.rounds}"`);
    rounds = Number(seen.rounds);
  }
  if (seen.out === '') throw new RangeError('Expected a directory for --out but received ""');
  if (seen.json === '') throw new RangeError('Expected a file name for --json but received ""');
  return {
    help: Boolean(seen.help),
    mode: modes[0] ?? 'quick',
    only: seen.only === undefined ? [...KINDS] : list('only', seen.only, KINDS),
    backends: seen.backend === undefined ? [...BACKENDS] : list('backend', seen.backend, BACKENDS),
    threads: seen.threads === undefined ? undefined : threadList(seen.threads),
    rounds: rounds ?? (modes[0] === 'full' ? 2 : 1),
    seed,
    out: seen.out,
    json: seen.json,
  };
}
