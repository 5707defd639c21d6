import { readdirSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '@mge/db';
import postgres from 'postgres';
import { startPgBouncer, type PgBouncer } from '@test/pgbouncer';
import { createTestDatabase, describeWhen, missingTool, type TestDatabase } from '@test/services';

const MIGRATIONS = readdirSync(path.resolve(__dirname, '../../packages/db/drizzle')).filter((f) =>
  f.endsWith('.sql'),
);

describeWhen(
  missingTool('pgbouncer'),
  'Postgres behind PgBouncer in transaction pooling mode',
  () => {
    let bouncer: PgBouncer;
    let database: TestDatabase;

    beforeAll(async () => {
      bouncer = await startPgBouncer({ poolMode: 'transaction', poolSize: 2 });
      database = await createTestDatabase({ migrate: false });
    }, 30_000);

    afterAll(async () => {
      await database?.drop();
      await bouncer?.stop();
    });

    it('migrates from many processes at once, each migration applied exactly once', async () => {
      const url = bouncer.via(database.url);
      // Six starters over two server connections: the lock must hold inside one transaction.
      const handles = Array.from({ length: 6 }, () =>
        openDatabase({ url, maxConnections: 2, poolMode: 'transaction' }),
      );
      try {
        await Promise.all(handles.map((h) => h.migrate()));
      } finally {
        await Promise.all(handles.map((h) => h.close()));
      }
      expect(await bouncer.poolModeOf(new URL(database.url).pathname.slice(1))).toBe('transaction');

      const sql = postgres(database.url, { max: 1 });
      try {
        const rows = await sql<{ hash: string }[]>`select hash from drizzle.__drizzle_migrations`;
        expect(rows).toHaveLength(MIGRATIONS.length);
        expect(new Set(rows.map((r) => r.hash)).size).toBe(MIGRATIONS.length);
        const [tables] = await sql<{ count: number }[]>`
        select count(*)::int as count from information_schema.tables
        where table_schema = 'public' and table_name in ('masterplans', 'atomic_units', 'api_keys')`;
        expect(tables?.count).toBe(3);
      } finally {
        await sql.end();
      }
    }, 60_000);
  },
);
