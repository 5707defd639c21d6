import { parentPort } from 'node:worker_threads';
import { InvalidInputError } from '@mge/core';
import { atomizeSource } from './atomize.js';
import type { PoolReply, PoolRequest } from './pool-protocol.js';

/** Worker-thread entry of `AtomizerPool`: atomizes one file per message. */
parentPort?.on('message', (request: PoolRequest) => {
  let reply: PoolReply;
  try {
    reply = {
      id: request.id,
      ok: true,
      result: atomizeSource(request.code, request.file, request.language, request.options),
    };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    reply = {
      id: request.id,
      ok: false,
      error: {
        message: e.message,
        invalidInput: error instanceof InvalidInputError,
        details: error instanceof InvalidInputError ? error.details : undefined,
      },
    };
  }
  parentPort!.postMessage(reply);
});
