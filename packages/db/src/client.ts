import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** What repositories take: the database or a transaction on it, on either driver. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface DatabaseHandle {
  db: Db;
  driver: 'postgres' | 'pglite';
  /** Applies committed migrations; safe to call from many processes at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A postgres:// URL; when absent an embedded PGlite database is used. */
  url?: string | undefined;
  /** PGlite data directory, or `memory://` for a throwaway database. @defaultValue `.mge/pglite` */
  pgliteDir?: string;
  /** Pool size for the postgres driver. @defaultValue 10 */
  maxConnections?: number;
}

const MIGRATIONS_FOLDER = path.join(__dirname, '..', 'drizzle');
/** Arbitrary constant: serializes migrations across processes. */
const MIGRATION_LOCK_ID = 7_245_001;

export function openDatabase(options: DatabaseOptions = {}): DatabaseHandle {
  return options.url
    ? openPostgres(options.url, options.maxConnections ?? 10)
    : openPglite(options.pgliteDir ?? '.mge/pglite');
}

function openPostgres(url: string, max: number): DatabaseHandle {
  const client = postgres(url, { max, onnotice: () => {} });
  return {
    db: drizzlePostgres(client, { schema }),
    driver: 'postgres',
    async migrate() {
      // A dedicated single connection holds the advisory lock for the whole migration.
      const lockClient = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await lockClient`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migratePostgres(drizzlePostgres(lockClient), { migrationsFolder: MIGRATIONS_FOLDER });
        await lockClient`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
      } finally {
        await lockClient.end();
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

function openPglite(dir: string): DatabaseHandle {
  const client = dir === 'memory://' ? new PGlite() : new PGlite(path.resolve(dir));
  const db = drizzlePglite(client, { schema });
  return {
    db: db,
    driver: 'pglite',
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close(),
  };
}
