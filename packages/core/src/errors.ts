/**
 * The few named errors MGE raises. Retryability lives on the error; only the queue edge
 * (packages/queue) translates it to BullMQ's UnrecoverableError / RateLimitError.
 */
export abstract class MgeError extends Error {
  /** Stable machine-readable code, also used in API error bodies. */
  abstract readonly code: string;
  /** Whether running the same job again could succeed. */
  abstract readonly retryable: boolean;

  constructor(
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The input itself is wrong (a bad plan, a task whose code does not parse). Never retried. */
export class InvalidInputError extends MgeError {
  readonly code = 'invalid_input';
  readonly retryable = false;
}

/** A referenced row or job does not exist. Never retried. */
export class NotFoundError extends MgeError {
  readonly code = 'not_found';
  readonly retryable = false;

  constructor(
    readonly entity: string,
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`${entity} ${id} not found`, { entity, id }, options);
  }
}

/** The request is well formed but the row is not in a state that allows it (HTTP 409). Never retried. */
export class ConflictError extends MgeError {
  readonly code = 'conflict';
  readonly retryable = false;
}

/** A dependency (Redis, Postgres, the LLM) failed in a way that may pass on retry. */
export class TransientError extends MgeError {
  readonly code = 'transient';
  readonly retryable = true;
}

/**
 * The LLM (or another rate-limited dependency) asked us to slow down (HTTP 429) or is overloaded
 * (529). The queue edge turns this into a queue-wide pause of `retryAfterMs` that does not consume
 * the job's attempts or the atom's attempt budget.
 */
export class RateLimitedError extends MgeError {
  readonly code = 'rate_limited';
  readonly retryable = true;

  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, { retryAfterMs }, options);
  }
}

/**
 * A process could not start. The message names what failed and where (a path, a URL, a port);
 * `hint` says what to do; `cause` keeps the underlying error, whose root `describeError` prints.
 */
export class StartupError extends MgeError {
  readonly code = 'startup_failed';
  readonly retryable = false;

  constructor(
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, { hint }, options);
  }
}

/** The innermost `cause` of an error chain (the error itself when it has none). */
export function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 20 && current instanceof Error && current.cause; depth++)
    current = current.cause;
  return current;
}

/**
 * What a command prints when it fails: the error's message, its root cause when that says more
 * (`Failed query: ...` hides `ENOENT: no such file or directory, mkdir '...'`), and the hint of
 * the nearest StartupError in the chain. One line each, prefixed `mge: ` / `  cause: ` / `  hint: `.
 */
export function describeError(error: unknown): string {
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).trim();
  const lines = [`mge: ${message(error)}`];
  const root = rootCause(error);
  if (root !== error && !message(error).includes(message(root)))
    lines.push(`  cause: ${message(root)}`);
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e instanceof StartupError) {
      lines.push(`  hint: ${e.hint}`);
      break;
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Normalizes anything thrown into an Error (graphile's coerceError). */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
}

export function isRetryable(error: unknown): boolean {
  return error instanceof MgeError ? error.retryable : true;
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
