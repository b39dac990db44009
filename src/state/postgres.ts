import { randomUUID } from "node:crypto";
import pg from "pg";
import { sealVersion, verifyChain, type VersionInput } from "./history";
import { lockedError, newLockInfo } from "./lock";
import { copy, withRecord } from "./new";
import { serialize } from "./queue";
import { StateError, type HistoryCheck, type HistoryVersion, type LockInfo, type State, type StateBackend, type StateResource } from "./types";
import { redact } from "./redact";

export interface PostgresBackendOptions {
  /** Connection string, already resolved from `${env:…}`; never printed. */
  url: string;
  stack: string;
  environment: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS mops_state (
  stack text NOT NULL,
  environment text NOT NULL,
  lineage text NOT NULL,
  serial bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stack, environment)
);
CREATE TABLE IF NOT EXISTS mops_resource (
  stack text NOT NULL,
  environment text NOT NULL,
  address text NOT NULL,
  resource jsonb NOT NULL,
  PRIMARY KEY (stack, environment, address),
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

/**
 * 64-bit advisory lock key of a stack+environment. hashtextextended (not the
 * 32-bit hashtext) so two stacks sharing one database practically never contend.
 */
const LOCK_KEY = "hashtextextended($1::text, 0)";

/** Sessions holding the advisory lock for key $1: pg_locks splits a bigint key into classid (high) and objid (low). */
const HOLDERS = `
SELECT l.pid FROM pg_locks l
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND l.classid = ((${LOCK_KEY} >> 32) & 4294967295)::oid
  AND l.objid = (${LOCK_KEY} & 4294967295)::oid`;

const UNIQUE_VIOLATION = "23505";

/**
 * State, history and the apply lock in PostgreSQL, for teams and CI runners
 * sharing one state. Tables are created on first use.
 *
 * The apply lock is a session-level advisory lock taken on a dedicated
 * connection held until unlock; the `mops_lock` row only says who holds it. If
 * the holder crashes, its connection closes, PostgreSQL ends the session and the
 * advisory lock frees itself, so the next `lock` succeeds and overwrites the
 * stale row: no force-unlock is needed after a crash. `forceUnlock` is for a
 * holder that is hung but still connected: it terminates that session.
 */
export class PostgresBackend implements StateBackend {
  readonly kind = "postgres" as const;
  private readonly pool: pg.Pool;
  private readonly url: string;
  private readonly stack: string;
  private readonly environment: string;
  private readonly key: string;
  private schema?: Promise<void>;
  private held?: { info: LockInfo; client: pg.Client };
  /** The session holding the advisory lock ended: another apply may hold it now, so writes must stop. */
  private lockLost = false;

  private assertLockHeld(): void {
    if (this.lockLost) {
      throw new StateError(
        "the connection that held the state lock was lost: another run may hold the lock now, so Mops stopped writing state",
        "run `mops plan` to see what is left, then apply again",
      );
    }
  }
  /** The state as this instance last knew it, so `record` need not read every resource back. */
  private cache?: State;
  private readonly queue = `postgres:${randomUUID()}`;

  constructor(opts: PostgresBackendOptions) {
    this.url = opts.url;
    this.stack = opts.stack;
    this.environment = opts.environment;
    this.key = `${opts.stack}/${opts.environment}`;
    this.pool = new pg.Pool({ connectionString: opts.url, max: 4, idleTimeoutMillis: 10_000 });
    // An idle connection dropped by the server must not crash the process; the next query reports it.
    this.pool.on("error", () => undefined);
  }

  /** Connect and create the tables if needed; errors are redacted. */
  async open(): Promise<void> {
    this.schema ??= this.createSchema();
    try {
      await this.schema;
    } catch (e) {
      this.schema = undefined;
      throw e;
    }
  }

  private createSchema(): Promise<void> {
    return this.transaction(async (c) => {
      // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog: serialise first uses.
      await this.run(c, "SELECT pg_advisory_xact_lock(hashtextextended('mops/schema', 0))");
      await this.run(c, SCHEMA);
    });
  }

  /** `fn` inside BEGIN … COMMIT on one pooled connection; ROLLBACK when it throws. */
  private async transaction(fn: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    const c = await this.connect(() => this.pool.connect());
    try {
      await this.run(c, "BEGIN");
      await fn(c);
      await this.run(c, "COMMIT");
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  private async q<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    await this.open();
    return this.run<R>(this.pool, sql, params);
  }

  private async run<R extends pg.QueryResultRow>(
    on: pg.Pool | pg.PoolClient | pg.Client,
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      return await on.query<R>(sql, params);
    } catch (e) {
      throw this.redacted(e);
    }
  }

  private async connect<C>(how: () => Promise<C>): Promise<C> {
    try {
      return await how();
    } catch (e) {
      throw this.redacted(e);
    }
  }

  private redacted(e: unknown): Error {
    const err = new StateError(`postgres state backend: ${redact((e as Error).message ?? String(e), this.url)}`);
    const code = (e as { code?: string }).code;
    if (code) Object.assign(err, { code });
    return err;
  }

  /** One statement, so the serial and the resources come from the same snapshot. */
  async read(): Promise<State> {
    const where = [this.stack, this.environment];
    const sel = `SELECT lineage, serial,
        (SELECT coalesce(jsonb_object_agg(address, resource), '{}'::jsonb) FROM mops_resource r
          WHERE r.stack = s.stack AND r.environment = s.environment) AS resources
      FROM mops_state s WHERE stack = $1 AND environment = $2`;
    let r = await this.q<StateRow>(sel, where);
    if (r.rowCount === 0) {
      // Stored at once so that a plan made now and the apply of it agree on the lineage.
      await this.q(
        "INSERT INTO mops_state (stack, environment, lineage, serial) VALUES ($1, $2, gen_random_uuid()::text, 0) ON CONFLICT DO NOTHING",
        where,
      );
      r = await this.q<StateRow>(sel, where);
    }
    const row = r.rows[0]!;
    this.cache = { lineage: row.lineage, serial: Number(row.serial), stack: this.stack, environment: this.environment, resources: row.resources };
    return structuredClone(this.cache);
  }

  /**
   * One statement: bumping the serial row-locks the state row first (the
   * resource writes wait on it), so concurrent records are ordered and none is
   * lost. Only the one resource row is written, and the full state is rebuilt
   * from this instance's cache unless another writer came in between.
   */
  async record(address: string, resource: StateResource | null): Promise<State> {
    this.assertLockHeld();
    return serialize(this.queue, () => this.recordNow(address, resource));
  }

  private async recordNow(address: string, resource: StateResource | null): Promise<State> {
    for (;;) {
      const r = await this.q<{ lineage: string; serial: string }>(
        `WITH s AS (
           UPDATE mops_state SET serial = serial + 1, updated_at = now()
           WHERE stack = $1 AND environment = $2 RETURNING stack, environment, lineage, serial),
         d AS (
           DELETE FROM mops_resource r USING s
           WHERE $4::jsonb IS NULL AND r.stack = s.stack AND r.environment = s.environment AND r.address = $3),
         u AS (
           INSERT INTO mops_resource (stack, environment, address, resource)
           SELECT s.stack, s.environment, $3, $4::jsonb FROM s WHERE $4::jsonb IS NOT NULL
           ON CONFLICT (stack, environment, address) DO UPDATE SET resource = EXCLUDED.resource)
         SELECT lineage, serial FROM s`,
        [this.stack, this.environment, address, resource === null ? null : JSON.stringify(resource)],
      );
      const row = r.rows[0];
      if (!row) {
        await this.read();
        continue;
      }
      const serial = Number(row.serial);
      const cache = this.cache;
      if (cache && cache.lineage === row.lineage && serial === cache.serial + 1) {
        this.cache = withRecord(cache, address, resource);
        return copy(this.cache);
      }
      // A read() of ours already moved the cache past this serial: the cache includes this change.
      if (cache && cache.lineage === row.lineage && serial <= cache.serial) return copy(cache);
      return this.read();
    }
  }

  async write(state: State): Promise<State> {
    await this.open();
    await this.transaction(async (c) => {
      await this.run(
        c,
        `INSERT INTO mops_state (stack, environment, lineage, serial) VALUES ($1, $2, $3, GREATEST($4::bigint, 1))
         ON CONFLICT (stack, environment) DO UPDATE SET lineage = EXCLUDED.lineage,
           serial = GREATEST($4::bigint, mops_state.serial + 1), updated_at = now()`,
        [this.stack, this.environment, state.lineage, state.serial],
      );
      await this.run(c, "DELETE FROM mops_resource WHERE stack = $1 AND environment = $2", [this.stack, this.environment]);
      await this.run(
        c,
        `INSERT INTO mops_resource (stack, environment, address, resource)
         SELECT $1, $2, key, value FROM jsonb_each($3::jsonb)`,
        [this.stack, this.environment, JSON.stringify(state.resources)],
      );
    });
    return this.read();
  }

  async lock(operation: string, holder: string): Promise<LockInfo> {
    await this.open();
    const client = new pg.Client({ connectionString: this.url });
    // A session ended by forceUnlock or a server restart reports here: the lock is gone, and with it the right to write.
    client.on("error", () => {
      if (this.held?.client === client) this.lockLost = true;
    });
    await this.connect(() => client.connect());
    try {
      const got = await this.run<{ ok: boolean }>(client, `SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`, [this.key]);
      if (got.rows[0]?.ok) {
        const info = newLockInfo(operation, holder);
        await this.run(
          client,
          `INSERT INTO mops_lock (stack, environment, id, holder, operation, time, pid, host, backend_pid)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, pg_backend_pid())
           ON CONFLICT (stack, environment) DO UPDATE SET id = EXCLUDED.id, holder = EXCLUDED.holder,
             operation = EXCLUDED.operation, time = EXCLUDED.time, pid = EXCLUDED.pid, host = EXCLUDED.host,
             backend_pid = EXCLUDED.backend_pid`,
          [this.stack, this.environment, info.id, info.holder, info.operation, info.time, info.pid, info.host],
        );
        this.held = { info, client };
        this.lockLost = false;
        return info;
      }
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    await client.end().catch(() => undefined);
    // The holder writes its row just after taking the lock: give it a moment.
    for (let i = 0; i < 20; i++) {
      const row = await this.lockRow();
      if (row) throw lockedError(row, false);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw lockedError({ id: "unknown", holder: "another session", operation: "unknown", time: "unknown" }, false);
  }

  async unlock(lockId: string): Promise<void> {
    const held = this.held;
    // Another session's advisory lock cannot be released from here, and must not be.
    if (!held || held.info.id !== lockId) return;
    this.held = undefined;
    await this.q("DELETE FROM mops_lock WHERE stack = $1 AND environment = $2 AND id = $3", [
      this.stack,
      this.environment,
      lockId,
    ]);
    // Ending the session releases its advisory lock, even if forceUnlock already ended it.
    await held.client.end().catch(() => undefined);
  }

  async forceUnlock(lockId?: string): Promise<LockInfo | undefined> {
    const row = await this.lockRow();
    if (lockId !== undefined && row?.id !== lockId) return undefined;
    const holders = await this.q<{ pid: number }>(HOLDERS, [this.key]);
    for (const { pid } of holders.rows) {
      // Waits (up to 5 s) until the session is gone, so the next lock() succeeds.
      await this.q("SELECT pg_terminate_backend($1, 5000)", [pid]);
    }
    if (!row) return undefined;
    await this.q("DELETE FROM mops_lock WHERE stack = $1 AND environment = $2 AND id = $3", [
      this.stack,
      this.environment,
      row.id,
    ]);
    return row;
  }

  /** The lock row, only while a session really holds the advisory lock (a crashed holder's row is stale). */
  async currentLock(): Promise<LockInfo | undefined> {
    const holders = await this.q(HOLDERS, [this.key]);
    return holders.rowCount ? this.lockRow() : undefined;
  }

  private async lockRow(): Promise<LockInfo | undefined> {
    const r = await this.q<LockInfo & { pid: number | null; host: string | null }>(
      "SELECT id, holder, operation, time, pid, host FROM mops_lock WHERE stack = $1 AND environment = $2",
      [this.stack, this.environment],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    const { pid, host, ...rest } = row;
    return { ...rest, ...(pid === null ? {} : { pid }), ...(host === null ? {} : { host }) };
  }

  /** The primary key makes a second version N impossible; the loser of a race takes N+1. */
  async appendVersion(v: VersionInput): Promise<HistoryVersion> {
    this.assertLockHeld();
    for (;;) {
      const last = await this.q<{ version: number; hash: string }>(
        "SELECT version, hash FROM mops_history WHERE stack = $1 AND environment = $2 ORDER BY version DESC LIMIT 1",
        [this.stack, this.environment],
      );
      const sealed = sealVersion(v, last.rows[0]);
      const { hash, ...content } = sealed;
      try {
        await this.q(
          `INSERT INTO mops_history (stack, environment, version, time, actor, command, outcome, content, prev_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
          [
            this.stack,
            this.environment,
            sealed.version,
            sealed.time,
            sealed.actor,
            sealed.command,
            sealed.outcome,
            JSON.stringify(content),
            sealed.prevHash,
            hash,
          ],
        );
        return sealed;
      } catch (e) {
        if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      }
    }
  }

  async listVersions(): Promise<HistoryVersion[]> {
    const r = await this.q<HistoryRow>(
      "SELECT version, content, hash FROM mops_history WHERE stack = $1 AND environment = $2 ORDER BY version",
      [this.stack, this.environment],
    );
    return r.rows.map(toVersion);
  }

  async latestVersion(): Promise<HistoryVersion | undefined> {
    const r = await this.q<HistoryRow>(
      "SELECT version, content, hash FROM mops_history WHERE stack = $1 AND environment = $2 ORDER BY version DESC LIMIT 1",
      [this.stack, this.environment],
    );
    return r.rows[0] && toVersion(r.rows[0]);
  }

  async getVersion(n: number): Promise<HistoryVersion | undefined> {
    if (!Number.isInteger(n) || n < 1) return undefined;
    const r = await this.q<HistoryRow>(
      "SELECT version, content, hash FROM mops_history WHERE stack = $1 AND environment = $2 AND version = $3",
      [this.stack, this.environment, n],
    );
    return r.rows[0] && toVersion(r.rows[0]);
  }

  async verifyHistory(): Promise<HistoryCheck> {
    const r = await this.q<HistoryRow & { prev_hash: string }>(
      "SELECT version, content, prev_hash, hash FROM mops_history WHERE stack = $1 AND environment = $2 ORDER BY version",
      [this.stack, this.environment],
    );
    return verifyChain(
      r.rows.map((row) =>
        row.prev_hash === row.content.prevHash
          ? { slot: row.version, value: toVersion(row) }
          : { slot: row.version, problem: "prev_hash column differs from the prevHash in its content" },
      ),
    );
  }

  async close(): Promise<void> {
    if (this.held) await this.unlock(this.held.info.id).catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}

interface StateRow {
  lineage: string;
  serial: string;
  resources: Record<string, StateResource>;
}

interface HistoryRow {
  version: number;
  content: Omit<HistoryVersion, "hash">;
  hash: string;
}

const toVersion = (row: HistoryRow): HistoryVersion => ({ ...row.content, hash: row.hash });

