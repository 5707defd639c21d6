import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { applyMigrations } from './migrate-postgres.js';
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
  /**
   * `transaction` when the server is PgBouncer in transaction pooling mode: no named prepared
   * statements (a statement may run on another server connection than the one it was prepared
   * on). Nothing else changes: MGE keeps no session state and its only advisory lock (migrations)
   * is transaction-level. @defaultValue `session`
   */
  poolMode?: 'session' | 'transaction';
}

const MIGRATIONS_FOLDER = path.join(__dirname, '..', 'drizzle');

export function openDatabase(options: DatabaseOptions = {}): DatabaseHandle {
  return options.url
    ? openPostgres(options.url, options.maxConnections ?? 10, options.poolMode ?? 'session')
    : openPglite(options.pgliteDir ?? '.mge/pglite');
}

function openPostgres(
  url: string,
  max: number,
  poolMode: 'session' | 'transaction',
): DatabaseHandle {
  const client = postgres(url, { max, prepare: poolMode === 'session', onnotice: () => {} });
  return {
    db: drizzlePostgres(client, { schema }),
    driver: 'postgres',
    migrate: () => applyMigrations(client, MIGRATIONS_FOLDER),
    close: () => client.end({ timeout: 5 }),
  };
}

function openPglite(dir: string): DatabaseHandle {
  let client: PGlite;
  if (dir === 'memory://') client = new PGlite();
  else {
    // PGlite creates only the last directory of the path (`.mge/pglite` in a fresh clone needs `.mge`).
    mkdirSync(path.resolve(dir), { recursive: true });
    client = new PGlite(path.resolve(dir));
  }
  const db = drizzlePglite(client, { schema });
  return {
    db: db,
    driver: 'pglite',
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close(),
  };
}
