/**
 * Counts what a client sends Postgres: a TCP proxy in front of the server that tallies frontend
 * messages by type (`S` Sync ends one extended-protocol statement, `Q` is one simple query such as
 * BEGIN or COMMIT; their sum is the statements, each a round trip) and writes the tally to a JSON
 * file every second. Used for the per-atom statement counts in docs/benchmarks.md:
 *
 *   node -r esbuild-register scripts/pg-count-proxy.ts 6433 5432 /tmp/pg-counts.json
 *   DATABASE_URL=postgres://postgres@127.0.0.1:6433/db npx mge bench ...
 */
import { writeFileSync } from 'node:fs';
import net from 'node:net';

const [listen = 6433, target = 5432] = process.argv.slice(2, 4).map(Number);
const out = process.argv[4] ?? '/tmp/pg-counts.json';
const counts: Record<string, number> = {};

net
  .createServer((client) => {
    const server = net.connect(target, '127.0.0.1');
    let pending = Buffer.alloc(0);
    let started = false; // the startup message has no type byte
    client.on('data', (chunk: Buffer) => {
      server.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const header = started ? 5 : 4;
        if (pending.length < header) break;
        const size = started ? pending.readInt32BE(1) + 1 : pending.readInt32BE(0);
        if (pending.length < size) break;
        if (started) {
          const type = String.fromCharCode(pending[0]!);
          counts[type] = (counts[type] ?? 0) + 1;
        }
        started = true;
        pending = pending.subarray(size);
      }
    });
    server.on('data', (chunk: Buffer) => client.write(chunk));
    for (const [a, b] of [
      [client, server],
      [server, client],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  })
  .listen(listen, '127.0.0.1');

setInterval(() => writeFileSync(out, JSON.stringify(counts)), 1000);
