// A child process that times one implementation on one case (or measures the event-loop delay of
// one backend), so that no JIT state, heap or worker pool of another case colours the figure. The
// parent passes the job as JSON in argv[2]; the child sends back one message over IPC and exits.
import { ANCHORS } from './anchors.mjs';
import { PACKAGE_ROWS } from './backends.mjs';
import { BenchCheckError, EPSILON, checkArgsort, checkMatmul, checkSorted, multisetFingerprint } from './checks.mjs';
import { matrixInput, sortInput } from './data.mjs';
import { measureLatency } from './latency.mjs';
import { measure } from './measure.mjs';

/** The inputs of a case and the check of an output, both built once, outside every timing. */
function prepareCase(c, samples) {
  if (c.kind === 'matmul') {
    const a = matrixInput(c.dtype, c.m, c.k, c.seed);
    const b = matrixInput(c.dtype, c.k, c.n, c.seed + 1);
    const ctx = { a, b, m: c.m, n: c.n, k: c.k, dtype: c.dtype };
    return { ctx, check: (out) => checkMatmul({ a, b, c: out, m: c.m, n: c.n, k: c.k, eps: EPSILON[c.dtype], samples, seed: c.seed }) };
  }
  const input = sortInput(c.dtype, c.n, c.dist, c.seed);
  if (c.kind === 'argsort') return { ctx: { input }, check: (order) => checkArgsort(input, order) };
  const fingerprint = multisetFingerprint(input);
  return { ctx: { input }, check: (out) => checkSorted(input, out, fingerprint) };
}

async function timing({ case: c, row, sampling }) {
  const { ctx, check } = prepareCase(c, sampling.checkEvery ? 256 : 64);
  const make = row.family === 'anchor' ? ANCHORS[row.id].make : PACKAGE_ROWS[c.kind].make;
  const impl = await make(row.params, ctx);
  try {
    // An anchor outside Node (OpenBLAS) takes its samples itself, with the same policy.
    return impl.measure ? await impl.measure(sampling, check) : await measure(impl, sampling, check);
  } finally {
    await impl.close?.();
  }
}

async function main() {
  const job = JSON.parse(process.argv[2]);
  let reply;
  try {
    reply = { ok: true, ...(job.type === 'latency' ? await measureLatency(job) : await timing(job)) };
  } catch (error) {
    reply = { ok: false, checkFailed: error instanceof BenchCheckError, error: `${error?.name ?? 'Error'}: ${error?.message ?? error}` };
  }
  process.send(reply, () => process.exit(0));
}

main();
