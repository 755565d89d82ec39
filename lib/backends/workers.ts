// The workers backend: the pure-TypeScript kernels in parallel on a pool of worker_threads
// (lib/workers/). A call too small to pay for the round trip to the workers runs on the calling
// thread, as the js backend.
import type { Plan } from '../workers/plan.js';
import { workerPool } from '../workers/pool.js';
import { runAsync, runSync } from '../workers/run.js';
import { argsortPlan } from '../workers/argsort.js';
import { matmulPlan } from '../workers/matmul.js';
import { sortPlan } from '../workers/sort.js';
import {
  MATMUL_FLOPS_PER_PART, MATMUL_SERIAL_BELOW, SORT_ELEMENTS_PER_PART, SORT_SERIAL_BELOW,
} from '../workers/tuning.js';
import type { ArgsortJob, Backend, MatmulJob, SortJob } from './backend.js';
import { jsBackend } from './js.js';

/** Parts for `work` units: at most the call's threads and the pool's, and at least `perPart` each. */
function partsFor(work: number, perPart: number, threads: number): number {
  return Math.max(1, Math.min(threads, workerPool.threads, Math.floor(work / perPart)));
}

/** The plan of a matmul, or undefined when it runs on the calling thread. */
function matmulPlanFor(job: MatmulJob): Plan | undefined {
  const flops = 2 * job.m * job.n * job.k;
  if (flops < MATMUL_SERIAL_BELOW || job.alpha === 0) return undefined;
  return matmulPlan(job, partsFor(flops, MATMUL_FLOPS_PER_PART, job.threads));
}

function sortPlanFor(job: SortJob): Plan | undefined {
  const n = job.array.length;
  return n < SORT_SERIAL_BELOW ? undefined : sortPlan(job, partsFor(n, SORT_ELEMENTS_PER_PART, job.threads));
}

function argsortPlanFor(job: ArgsortJob): Plan | undefined {
  const n = job.array.length;
  return n < SORT_SERIAL_BELOW ? undefined : argsortPlan(job, partsFor(n, SORT_ELEMENTS_PER_PART, job.threads));
}

/**
 * A backend operation pair on the workers when the job is worth a plan, and on the calling thread
 * (the js backend) otherwise.
 */
function planned<Job>(
  planFor: (job: Job) => Plan | undefined,
  onCallingThreadSync: (job: Job) => void,
  onCallingThread: (job: Job, signal?: AbortSignal) => Promise<void>,
) {
  return {
    sync(job: Job): void {
      const plan = planFor(job);
      if (plan === undefined) onCallingThreadSync(job);
      else runSync(plan);
    },
    async(job: Job, signal?: AbortSignal): Promise<void> {
      const plan = planFor(job);
      return plan === undefined ? onCallingThread(job, signal) : runAsync(plan, signal);
    },
  };
}

const matmulOps = planned(matmulPlanFor, jsBackend.matmulSync, jsBackend.matmul);
const sortOps = planned(sortPlanFor, jsBackend.sortSync, jsBackend.sort);
const argsortOps = planned(argsortPlanFor, jsBackend.argsortSync, jsBackend.argsort);

export const workersBackend: Backend = {
  name: 'workers',
  matmulSync: matmulOps.sync,
  matmul: matmulOps.async,
  sortSync: sortOps.sync,
  sort: sortOps.async,
  argsortSync: argsortOps.sync,
  argsort: argsortOps.async,
};
