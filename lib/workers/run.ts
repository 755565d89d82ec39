// Runs a plan (plan.ts): sync, blocking the calling thread while the pool works, or async, never
// blocking it. A phase of a single part in a sync call runs right here instead: the thread would
// only wait for the one worker.
import { AbortError } from '../errors.js';
import { runToEnd } from '../kernels/types.js';
import { OPS } from './ops.js';
import type { Part, Plan } from './plan.js';
import { workerPool } from './pool.js';

export function runSync(plan: Plan): void {
  const task = workerPool.newTask(undefined);
  try {
    for (let step = plan.next(); !step.done; step = plan.next()) {
      const { parts } = step.value;
      if (parts.length === 1) runHere(parts[0]);
      else if (parts.length > 1) workerPool.runPhaseSync(task, parts);
    }
  } finally {
    task.done();
  }
}

/** Rejects with an AbortError when `signal` fires before the result is committed. */
export async function runAsync(plan: Plan, signal: AbortSignal | undefined): Promise<void> {
  const task = workerPool.newTask(signal);
  try {
    for (let step = plan.next(); !step.done;) {
      // Checked before each phase, and before resuming the plan after the last one, when it
      // commits on this thread.
      if (task.aborted) throw new AbortError(signal!.reason);
      const phase = step.value;
      if (phase.commits) task.committed = true;
      if (phase.parts.length > 0) await workerPool.runPhase(task, phase.parts);
      if (task.aborted) throw new AbortError(signal!.reason);
      step = plan.next();
    }
  } finally {
    task.done();
    plan.return();
  }
}

function runHere({ op, args }: Part): void {
  runToEnd(OPS[op](args as never));
}
