#!/usr/bin/env node
'use strict';
/* global fetch, AbortSignal -- Node 20 globals */
// Container HEALTHCHECK for any role: the API answers /healthz on PORT, worker roles on
// MGE_METRICS_PORT. Whichever this container runs, one of the two answers; exit 0 if it does.
const ports = [process.env.MGE_METRICS_PORT || '9464', process.env.PORT || '3000'];

async function healthy(port) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, {
      signal: AbortSignal.timeout(2000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

Promise.all(ports.map(healthy)).then((answers) => process.exit(answers.some(Boolean) ? 0 : 1));
