// Pools the rounds of one (case, implementation) pair into the result the report shows: the
// samples of every round together, summarized; a pair with any failed round is a failure, since
// a wrong result in one process is a wrong result.
import { rateOf } from './report.mjs';
import { summarize } from './stats.mjs';

export function poolRounds(c, row, replies) {
  const failed = replies.find((r) => !r.ok);
  if (failed) return { caseId: c.id, row, ok: false, checkFailed: Boolean(failed.checkFailed), error: failed.error, rounds: replies.length };
  const samplesMs = replies.flatMap((r) => r.samplesMs);
  const stats = summarize(samplesMs);
  return {
    caseId: c.id,
    row,
    ok: true,
    rounds: replies.length,
    samplesMs,
    warmupMs: replies.flatMap((r) => r.warmupMs),
    checks: replies.reduce((sum, r) => sum + r.checks, 0),
    stats,
    rate: rateOf(c, stats.median),
  };
}
