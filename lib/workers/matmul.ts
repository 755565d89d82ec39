// matmul on the workers backend: C is cut into one block of whole rows (or of whole columns,
// when C is wider than tall) per part, and each part runs the register-blocked GEMM of
// kernels/matmul.ts on its block. The parts share A and B read-only; C is computed in shared
// scratch memory and copied to `out` at the end, so an aborted call leaves `out` as it was.
import type { MatmulJob } from '../backends/backend.js';
import { gemmSteps, MR, NR, type GemmArgs } from '../kernels/matmul.js';
import type { FloatArray, KernelSteps } from '../kernels/types.js';
import { ranges, splitRange, type Plan } from './plan.js';
import { SharedMemory } from './shared.js';

export function* matmulPlan(job: MatmulJob, parts: number): Plan {
  const { m, n, k, transA, transB, alpha, beta } = job;
  const memory = new SharedMemory();
  const a = memory.shareable(job.a);
  const b = memory.shareable(job.b);
  const c = memory.like(job.out, m * n);
  if (beta !== 0) c.set(job.out);
  const byRows = m >= n;
  const blocks = ranges(byRows ? splitRange(m, parts, MR) : splitRange(n, parts, NR)).filter(([lo, hi]) => hi > lo);
  yield {
    parts: blocks.map((range) => ({
      op: 'gemmBlock',
      args: { a, b, c, m, n, k, transA, transB, alpha, beta, rows: byRows ? range : [0, m], cols: byRows ? [0, n] : range } satisfies GemmArgs<FloatArray>,
    })),
  };
  job.out.set(c);
  memory.release();
}

function gemmBlock(args: GemmArgs<FloatArray>): KernelSteps {
  return gemmSteps(args);
}

export const matmulOps = { gemmBlock };
