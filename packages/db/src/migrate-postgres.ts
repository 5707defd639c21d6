import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Sql } from 'postgres';

/** Arbitrary constant: serializes migrations across processes. */
const MIGRATION_LOCK_ID = 7_245_001;

/**
 * Applies drizzle-kit's committed migrations in ONE transaction that first takes a
 * transaction-level advisory lock, so concurrent starters wait for each other and see the
 * finished schema. drizzle's own migrator cannot do this: it creates its bookkeeping table
 * outside its transaction and cannot run inside one we opened, and a session-level lock
 * (`pg_advisory_lock`) is meaningless behind PgBouncer in transaction mode, where consecutive
 * statements may run on different server connections. The bookkeeping is drizzle's own
 * (`drizzle.__drizzle_migrations`: hash, created_at = the migration's folder timestamp), so
 * drizzle-kit and this function agree on what is applied.
 */
export async function applyMigrations(client: Sql, migrationsFolder: string): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder });
  await client.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`;
    await tx`create schema if not exists drizzle`;
    await tx`create table if not exists drizzle.__drizzle_migrations (
      id serial primary key, hash text not null, created_at bigint)`;
    const [last] = await tx<{ createdAt: string }[]>`
      select created_at as "createdAt" from drizzle.__drizzle_migrations
      order by created_at desc limit 1`;
    const appliedUpTo = last ? Number(last.createdAt) : -1;
    for (const migration of migrations) {
      if (migration.folderMillis <= appliedUpTo) continue;
      for (const statement of migration.sql) if (statement.trim()) await tx.unsafe(statement);
      await tx`insert into drizzle.__drizzle_migrations (hash, created_at)
               values (${migration.hash}, ${migration.folderMillis})`;
    }
  });
}
