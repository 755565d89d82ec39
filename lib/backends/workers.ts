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

export const workersBackend: Backend = {
  name: 'workers',
  matmulSync(job) {
    const plan = matmulPlanFor(job);
    if (plan === undefined) jsBackend.matmulSync(job);
    else runSync(plan);
  },
  matmul(job, signal) {
    const plan = matmulPlanFor(job);
    return plan === undefined ? jsBackend.matmul(job, signal) : runAsync(plan, signal);
  },
  sortSync(job) {
    const plan = sortPlanFor(job);
    if (plan === undefined) jsBackend.sortSync(job);
    else runSync(plan);
  },
  sort(job, signal) {
    const plan = sortPlanFor(job);
    return plan === undefined ? jsBackend.sort(job, signal) : runAsync(plan, signal);
  },
  argsortSync(job) {
    const plan = argsortPlanFor(job);
    if (plan === undefined) jsBackend.argsortSync(job);
    else runSync(plan);
  },
  argsort(job, signal) {
    const plan = argsortPlanFor(job);
    return plan === undefined ? jsBackend.argsort(job, signal) : runAsync(plan, signal);
  },
};
