// The parent's side of the child processes: one fresh Node per job, run one at a time (the machine's
// cores are the thing being measured), with a time limit and the child's stderr kept for the report.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url));

/** Runs `job` in a child; resolves to its reply, or to { ok: false, error } when it dies or overruns. */
export function runInChild(job, { timeoutMs }) {
  return new Promise((resolve) => {
    // --expose-gc lets the sampling loop collect garbage between samples, outside the timed region.
    // --single-threaded-gc makes that collection finish before gc() returns: otherwise V8's
    // concurrent sweeper went on working on another core during the next sample, which the rows on
    // several threads need (a 1e6 f32 sort on 2 threads: medians of 2.1-3.7 ms in three children,
    // 1.95 ms in each of three with the flag; one thread unchanged at 3.5).
    const child = fork(CHILD, [JSON.stringify(job)], {
      execArgv: ['--expose-gc', '--single-threaded-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let reply;
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-2000); });
    child.on('message', (message) => { reply = message; });
    const timer = setTimeout(() => {
      reply ??= { ok: false, error: `timed out after ${Math.round(timeoutMs / 1000)} s` };
      child.kill('SIGKILL');
    }, timeoutMs);
    // 'close', not 'exit': it comes after the stdio and IPC channels are drained, so the reply is in.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve(reply ?? { ok: false, error: `child exited (${signal ?? `code ${code}`}) without a result${stderr ? `: ${stderr.trim()}` : ''}` });
    });
  });
}

/**
 * A progress line on stderr: rewritten in place on a terminal, one line per tenth of the run
 * otherwise (so CI logs stay short).
 */
export function progressLine(total, stream = process.stderr) {
  const start = Date.now();
  let lastDecile = -1;
  const format = (s) => (s >= 90 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);
  return {
    update(done, what) {
      const elapsed = (Date.now() - start) / 1000;
      const eta = done > 0 ? `, about ${format((elapsed / done) * (total - done))} left` : '';
      const line = `[${String(done + 1).padStart(String(total).length)}/${total}] ${what} (${format(elapsed)} elapsed${eta})`;
      if (stream.isTTY) {
        stream.write(`\r\x1b[K${line.slice(0, (stream.columns ?? 120) - 1)}`);
      } else {
        const decile = Math.floor((10 * done) / total);
        if (decile !== lastDecile) stream.write(`${line}\n`);
        lastDecile = decile;
      }
    },
    end() {
      if (stream.isTTY) stream.write('\r\x1b[K');
      stream.write(`benchmark finished in ${format((Date.now() - start) / 1000)}\n`);
    },
  };
}
