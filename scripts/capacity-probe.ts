/**
 * What one atom costs Redis and Postgres, and whether the cost per atom stays flat as executor
 * processes are added (the slope of docs/capacity.md's model). Each run: a private redis-server
 * (so `INFO commandstats` counts this run alone), a fresh Postgres database, then
 * `mge bench --executors N --no-raw --json` (SIMULATED `sim` provider; Redis, Postgres, BullMQ and
 * every stage real). Prints one JSON object per run.
 *
 *   node -r esbuild-register scripts/capacity-probe.ts [--atoms 400] [--latency-ms 200-400] \
 *     [--concurrency 16] [--processes 1,2,4] [--fair true]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    atoms: { type: 'string', default: '400' },
    'latency-ms': { type: 'string', default: '200-400' },
    concurrency: { type: 'string', default: '16' },
    processes: { type: 'string', default: '1,2,4' },
    fair: { type: 'string', default: 'true' },
    seed: { type: 'string', default: '7' },
  },
});

const MGE = path.resolve(__dirname, '..', 'apps', 'cli', 'bin', 'mge.js');
const PG = ['-h', '127.0.0.1', '-U', 'postgres'];

const psql = (sql: string, db = 'postgres') =>
  execFileSync('psql', [...PG, '-d', db, '-Atqc', sql], { encoding: 'utf8' }).trim();
const redisInfo = (port: number, section: string) =>
  execFileSync('redis-cli', ['-p', String(port), 'info', section], { encoding: 'utf8' });

function commandCounts(port: number): { total: number; scripts: number } {
  let total = 0;
  let scripts = 0;
  for (const line of redisInfo(port, 'commandstats').split('\n')) {
    const m = /^cmdstat_(\w+):calls=(\d+)/.exec(line);
    if (!m) continue;
    total += Number(m[2]);
    if (m[1] === 'evalsha' || m[1] === 'eval') scripts += Number(m[2]);
  }
  return { total, scripts };
}

const infoNumber = (text: string, key: string) =>
  Number(new RegExp(`^${key}:(\\d+)`, 'm').exec(text)?.[1] ?? NaN);

for (const processes of values.processes.split(',').map(Number)) {
  const port = 6500 + Math.floor(Math.random() * 400);
  const db = `mge_capacity_${processes}_${Date.now() % 100000}`;
  execFileSync('redis-server', [
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'yes',
  ]);
  spawnSync('sleep', ['0.5']);
  psql(`create database ${db}`);
  try {
    const out = execFileSync(
      process.execPath,
      [
        MGE,
        'bench',
        '--json',
        '--no-raw',
        '--atoms',
        values.atoms,
        '--latency-ms',
        values['latency-ms'],
        '--concurrency',
        values.concurrency,
        '--fault-rate',
        '0',
        '--executors',
        String(processes),
        '--seed',
        values.seed,
      ],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
        env: {
          ...process.env,
          REDIS_URL: `redis://127.0.0.1:${port}`,
          DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${db}`,
          MGE_FAIR_SCHEDULING: values.fair,
        },
      },
    );
    const bench = JSON.parse(out.trim().split('\n').at(-1)!) as {
      atoms: number;
      makespanMs: number;
      atomsPerSecond: number;
      maxInFlight: number;
      planStatus: string;
    };
    const redis = commandCounts(port);
    const memory = redisInfo(port, 'memory');
    const [xacts, inserted, updated, bytes] = psql(
      `select xact_commit, tup_inserted, tup_updated, pg_database_size('${db}') from pg_stat_database where datname = '${db}'`,
    )
      .split('|')
      .map(Number) as [number, number, number, number];
    const emptyBytes = Number(psql(`select pg_database_size('template1')`));
    const perAtom = (n: number) => Math.round((n / bench.atoms) * 10) / 10;
    console.log(
      JSON.stringify({
        label: 'SIMULATED: sim LLM provider; Redis, Postgres and BullMQ work are real',
        executorProcesses: processes,
        concurrencyPerProcess: Number(values.concurrency),
        fairScheduling: values.fair === 'true',
        atoms: bench.atoms,
        planStatus: bench.planStatus,
        makespanMs: bench.makespanMs,
        atomsPerSecond: bench.atomsPerSecond,
        maxInFlight: bench.maxInFlight,
        redisCommands: redis.total,
        redisCommandsPerAtom: perAtom(redis.total),
        redisScriptsPerAtom: perAtom(redis.scripts),
        redisUsedMemoryPeakBytes: infoNumber(memory, 'used_memory_peak'),
        redisUsedMemoryBytes: infoNumber(memory, 'used_memory'),
        postgresTransactionsPerAtom: perAtom(xacts),
        postgresRowsInsertedPerAtom: perAtom(inserted),
        postgresRowsUpdatedPerAtom: perAtom(updated),
        postgresBytesPerAtom: Math.round((bytes - emptyBytes) / bench.atoms),
      }),
    );
  } finally {
    spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
    psql(`drop database if exists ${db} with (force)`);
  }
}
