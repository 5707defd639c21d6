import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgPreparedQuery, type PreparedQueryConfig } from 'drizzle-orm/pg-core';
import type { Db } from '../client.js';

/** A statement's rows, whichever the driver (postgres.js: the rows, PGlite: an object with them). */
function rowsOf<Row>(result: unknown): Row[] {
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

/*
 * Hot statements built once. Building a per-attempt statement from drizzle's query builders (SQL
 * text, parameter list) cost about 1 ms of CPU per attempt in the bench's profile; built with
 * placeholders (`sql.placeholder`) it is built once per shape and database handle and then only
 * filled in. The SQL text is what is kept: whether the server keeps a named prepared statement
 * for it is postgres.js's `prepare` option, off when the pool mode is `transaction` (PgBouncer),
 * see client.ts; the name given here is only a label (neither driver sends it).
 */

type Prepared = PgPreparedQuery<PreparedQueryConfig>;
const preparedByDb = new WeakMap<Db, Map<string, unknown>>();

/**
 * The prepared form of a hot statement for `db` (the database or a transaction: a prepared query
 * runs on the session it was built on), built by `build` on first use of `key` (its name plus
 * whatever changes the statement's text).
 */
export function preparedFor<P>(db: Db, key: string, build: () => P): P {
  let prepared = preparedByDb.get(db);
  if (!prepared) preparedByDb.set(db, (prepared = new Map<string, unknown>()));
  let statement = prepared.get(key) as P | undefined;
  if (statement === undefined) prepared.set(key, (statement = build()));
  return statement;
}

const dialect = new PgDialect();

/**
 * Runs one hand-written statement (data-modifying CTEs: several writes in one round trip, atomic
 * without a transaction), built once (`preparedFor`) with placeholders, with `values` for them, and
 * returns its rows.
 */
export async function preparedRows<Row>(
  db: Db,
  key: string,
  build: () => SQL,
  values: Record<string, unknown>,
): Promise<Row[]> {
  const statement = preparedFor<Prepared>(db, key, () =>
    db._.session.prepareQuery(dialect.sqlToQuery(build()), undefined, key, false),
  );
  return rowsOf<Row>(await statement.execute(values));
}

/**
 * A placeholder where a builder's types want a value (`.set()`, `.values()`): drizzle fills it in
 * through the column's encoder (a date, JSON), as it would the value.
 */
export const slot = <T>(name: string): T => sql.placeholder(name) as unknown as T;
