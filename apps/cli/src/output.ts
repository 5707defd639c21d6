import { ConfigError } from '@mge/config';
import { describeError } from '@mge/core';

/**
 * The one way a command prints and ends. Every command writes through `print` / `printError` and
 * is run by `exitWith`, which waits until stdout and stderr have handed everything to the OS
 * before the process exits: writes to a pipe are asynchronous in Node, and exiting earlier cuts the
 * output at the pipe's buffer (64 KiB).
 */

/** Writes to stdout; resolves once the text has left the process. */
export function print(text: string): Promise<void> {
  return write(process.stdout, text);
}

/** Writes to stderr; resolves once the text has left the process. */
export function printError(text: string): Promise<void> {
  return write(process.stderr, text);
}

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    stream.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

/** Resolves when everything written to `stream` so far has been flushed (writes stay in order). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  // A closed reader (`mge ... | head`) is not this process's failure: nothing more to wait for.
  return write(stream, '').catch(() => undefined);
}

/**
 * Runs a command and exits with its code once stdout and stderr are drained. A thrown error prints
 * its root cause and a hint (see `describeError`) and exits 1, or 2 for bad configuration.
 */
export async function exitWith(action: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await action();
  } catch (error) {
    await drained(process.stdout);
    await printError(describeError(error)).catch(() => undefined);
    code = error instanceof ConfigError ? 2 : 1;
  }
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  // Exit explicitly rather than waiting for the event loop to empty: a command's output is
  // complete here, and a client library's lingering timer must not keep the shell waiting.
  process.exit(code);
}
