import pg from "pg";
import { redact } from "../redact";
import { StateError } from "../types";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mops_state (
  stack text NOT NULL,
  environment text NOT NULL,
  lineage text NOT NULL,
  serial bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stack, environment)
);
ALTER TABLE mops_state ADD COLUMN IF NOT EXISTS retired jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE TABLE IF NOT EXISTS mops_resource (
  stack text NOT NULL,
  environment text NOT NULL,
  address text NOT NULL,
  resource jsonb NOT NULL,
  PRIMARY KEY (stack, environment, address),
  FOREIGN KEY (stack, environment) REFERENCES mops_state (stack, environment) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS mops_run (
  stack text NOT NULL,
  environment text NOT NULL,
  run jsonb NOT NULL,
  PRIMARY KEY (stack, environment),
  FOREIGN KEY (stack, environment) REFERENCES mops_state (stack, environment) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS mops_operation (
  stack text NOT NULL,
  environment text NOT NULL,
  op text NOT NULL,
  seq bigserial,
  entry jsonb NOT NULL,
  PRIMARY KEY (stack, environment, op),
  FOREIGN KEY (stack, environment) REFERENCES mops_state (stack, environment) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS mops_history (
  stack text NOT NULL,
  environment text NOT NULL,
  version integer NOT NULL,
  time text NOT NULL,
  actor text NOT NULL,
  command text NOT NULL,
  outcome text NOT NULL,
  content jsonb NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (stack, environment, version)
);
ALTER TABLE mops_history ADD COLUMN IF NOT EXISTS summary jsonb;
CREATE TABLE IF NOT EXISTS mops_lock (
  stack text NOT NULL,
  environment text NOT NULL,
  id text NOT NULL,
  holder text NOT NULL,
  operation text NOT NULL,
  time text NOT NULL,
  pid integer,
  host text,
  backend_pid integer NOT NULL,
  PRIMARY KEY (stack, environment)
);`;

export type Queryable = pg.Pool | pg.PoolClient | pg.Client;

/**
 * The pool, the schema and the error redaction shared by the postgres state,
 * lock and history stores of one stack+environment. Tables are created on
 * first use; every error is redacted (a driver may echo the connection string).
 */
export class Connection {
  readonly pool: pg.Pool;
  private schema?: Promise<void>;

  constructor(readonly url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 10_000 });
    // An idle connection dropped by the server must not crash the process; the next query reports it.
    this.pool.on("error", () => undefined);
  }

  async open(): Promise<void> {
    this.schema ??= this.transaction(async (c) => {
      // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog: serialise first uses.
      await this.run(c, "SELECT pg_advisory_xact_lock(hashtextextended('mops/schema', 0))");
      await this.run(c, SCHEMA);
    }, false);
    try {
      await this.schema;
    } catch (e) {
      this.schema = undefined;
      throw e;
    }
  }

  /** `fn` inside BEGIN … COMMIT on one pooled connection; ROLLBACK when it throws. */
  async transaction<T>(fn: (c: pg.PoolClient) => Promise<T>, open = true): Promise<T> {
    if (open) await this.open();
    const c = await this.connect(() => this.pool.connect());
    try {
      await this.run(c, "BEGIN");
      const out = await fn(c);
      await this.run(c, "COMMIT");
      return out;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async q<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    await this.open();
    return this.run<R>(this.pool, sql, params);
  }

  async run<R extends pg.QueryResultRow>(on: Queryable, sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await on.query<R>(sql, params);
    } catch (e) {
      throw this.redacted(e);
    }
  }

  async connect<C>(how: () => Promise<C>): Promise<C> {
    try {
      return await how();
    } catch (e) {
      throw this.redacted(e);
    }
  }

  /** A connection of its own, outside the pool (the lock's session). */
  client(): pg.Client {
    return new pg.Client({ connectionString: this.url });
  }

  redacted(e: unknown): Error {
    const err = new StateError(`postgres state backend: ${redact((e as Error).message ?? String(e), this.url)}`);
    const code = (e as { code?: string }).code;
    if (code) Object.assign(err, { code });
    return err;
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
