// Every error the package throws is made here, so messages share one shape:
// "Expected <expected> for <name> but received <value> of type <type>".

/** Rejection of a call whose AbortSignal fired. `cause` is the signal's reason. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(reason?: unknown) {
    super('The operation was aborted', { cause: reason });
    this.name = 'AbortError';
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null of type null';
  const type = typeof value;
  let shown: string;
  if (type === 'string') shown = JSON.stringify((value as string).length > 40 ? `${(value as string).slice(0, 40)}…` : value);
  else if (type === 'bigint') shown = `${value as bigint}n`;
  else if (type === 'number' || type === 'boolean' || type === 'undefined' || type === 'symbol') shown = String(value);
  else if (type === 'function') shown = `function ${(value as { name?: string }).name || '(anonymous)'}`;
  else if (ArrayBuffer.isView(value)) shown = `${value.constructor.name}(${(value as { length?: number }).length ?? value.byteLength})`;
  else shown = Object.prototype.toString.call(value) === '[object Array]' ? 'Array' : (value as object).constructor?.name ?? 'Object';
  return `${shown} of type ${type}`;
}

export const errors = {
  /** A value of the wrong type. */
  type(name: string, expected: string, value: unknown): TypeError {
    return new TypeError(`Expected ${expected} for ${name} but received ${describe(value)}`);
  },
  /** A value of the right type but outside what is accepted. */
  range(name: string, expected: string, value: unknown): RangeError {
    return new RangeError(`Expected ${expected} for ${name} but received ${describe(value)}`);
  },
  /** A size or shape problem that involves several arguments at once. */
  shape(name: string, message: string): RangeError {
    return new RangeError(`Invalid ${name}: ${message}`);
  },
  unknownOption(name: string, allowed: readonly string[]): TypeError {
    return new TypeError(`Unknown option ${name} (allowed: ${allowed.join(', ')})`);
  },
  /** A worker of the workers backend ended while it ran part of a call. */
  workerExited(code: number | undefined, cause: Error | undefined): Error {
    const how = cause !== undefined ? `(${cause.message})` : code !== undefined ? `with exit code ${code}` : 'unexpectedly';
    return Object.assign(
      new Error(`A worker thread of the workers backend stopped ${how} while running this call; the call failed, and the pool replaces the worker for later calls`, { cause }),
      { code: 'ERR_PK_WORKER_EXITED' },
    );
  },
  /**
   * A call whose memory (the result, or the kernels' scratch) could not be allocated. `what` names
   * the arguments, `cause` is the backend's error (code ERR_PK_OUT_OF_MEMORY from the addon, or
   * V8's RangeError from an ArrayBuffer allocation).
   */
  outOfMemory(what: string, detail: string, cause: unknown): RangeError {
    return Object.assign(new RangeError(`Not enough memory for ${what}: ${detail}`, { cause }), { code: 'ERR_PK_OUT_OF_MEMORY' });
  },
  backendUnavailable(name: string, backend: string, reason: string): RangeError {
    return new RangeError(`Expected an available backend for ${name} but '${backend}' is not available: ${reason}`);
  },
};
