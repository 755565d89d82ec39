// What the build, test and benchmark scripts share: the repository root, and running a command
// with its output shown, stopping the script with that command's status when it fails.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs `command` in the repository root (options go to spawnSync); exits on failure. */
export function run(command, args, options = {}) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) {
    console.error(`${command} could not be started: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Whether `command` is on the PATH and starts. */
export function installed(command) {
  return !spawnSync(command, ['--version'], { stdio: 'ignore' }).error;
}
