import { randomUUID } from "node:crypto";
import { applyDelta, copy, nextSerialForWrite } from "../delta";
import { serialize } from "../queue";
import { firstProblem, StateSchema } from "../schema";
import { StateError, type JournaledOperation, type RunJournal, type State, type StateDelta, type StateStore } from "../types";
import type { Connection } from "./connection";

/** Bumps the serial (row-locking the state row, so concurrent deltas are ordered and none is lost). */
const BUMP = `s AS (UPDATE mops_state SET serial = serial + 1, updated_at = now()
  WHERE stack = $1 AND environment = $2 RETURNING stack, environment, lineage, serial)`;

/** Marks operation $op of this stack done, in the same statement as the delta that finished it. */
const done = (param: number) => `o AS (UPDATE mops_operation m SET entry = m.entry || '{"result":"done"}'::jsonb FROM s
  WHERE $${param}::text IS NOT NULL AND m.stack = s.stack AND m.environment = s.environment AND m.op = $${param})`;

/** One statement per delta: the serial bump and the change commit together or not at all. */
function statement(delta: StateDelta): { sql: string; params: unknown[] } {
  switch (delta.type) {
    case "resource":
      return {
        sql: `WITH ${BUMP},
          d AS (DELETE FROM mops_resource r USING s
            WHERE $4::jsonb IS NULL AND r.stack = s.stack AND r.environment = s.environment AND r.address = $3),
          u AS (INSERT INTO mops_resource (stack, environment, address, resource)
            SELECT s.stack, s.environment, $3, $4::jsonb FROM s WHERE $4::jsonb IS NOT NULL
            ON CONFLICT (stack, environment, address) DO UPDATE SET resource = EXCLUDED.resource),
          ${done(5)}
          SELECT lineage, serial FROM s`,
        params: [delta.address, delta.resource === null ? null : JSON.stringify(delta.resource), delta.op ?? null],
      };
    case "retired":
      return {
        sql: `WITH s AS (UPDATE mops_state SET serial = serial + 1, updated_at = now(),
            retired = CASE WHEN $4::jsonb IS NULL THEN retired - $3 ELSE jsonb_set(retired, ARRAY[$3], $4::jsonb) END
            WHERE stack = $1 AND environment = $2 RETURNING stack, environment, lineage, serial),
          ${done(5)}
          SELECT lineage, serial FROM s`,
        params: [delta.key, delta.object === null ? null : JSON.stringify(delta.object), delta.op ?? null],
      };
    case "run-begin":
      return {
        sql: `WITH ${BUMP},
          r AS (INSERT INTO mops_run (stack, environment, run) SELECT s.stack, s.environment, $3::jsonb FROM s
            ON CONFLICT (stack, environment) DO UPDATE SET run = EXCLUDED.run),
          x AS (DELETE FROM mops_operation m USING s WHERE m.stack = s.stack AND m.environment = s.environment)
          SELECT lineage, serial FROM s`,
        params: [JSON.stringify(delta.run)],
      };
    case "op-begin":
      return {
        sql: `WITH ${BUMP},
          i AS (INSERT INTO mops_operation (stack, environment, op, entry) SELECT s.stack, s.environment, $3, $4::jsonb FROM s)
          SELECT lineage, serial FROM s`,
        params: [delta.operation.op, JSON.stringify(delta.operation)],
      };
    case "op-end":
      return {
        sql: `WITH ${BUMP},
          e AS (UPDATE mops_operation m SET entry = m.entry || $4::jsonb FROM s
            WHERE m.stack = s.stack AND m.environment = s.environment AND m.op = $3)
          SELECT lineage, serial FROM s`,
        params: [delta.op, JSON.stringify({ result: delta.result, ...(delta.message ? { message: delta.message } : {}) })],
      };
    case "run-end":
      return {
        sql: `WITH ${BUMP},
          r AS (DELETE FROM mops_run u USING s WHERE u.stack = s.stack AND u.environment = s.environment AND u.run->>'id' = $3),
          x AS (DELETE FROM mops_operation m USING s WHERE m.stack = s.stack AND m.environment = s.environment
            AND EXISTS (SELECT 1 FROM mops_run u2 WHERE u2.stack = s.stack AND u2.environment = s.environment AND u2.run->>'id' = $3))
          SELECT lineage, serial FROM s`,
        params: [delta.run],
      };
  }
}

interface StateRow {
  lineage: string;
  serial: string;
  retired: State["retired"];
  resources: State["resources"];
  run: Omit<RunJournal, "operations"> | null;
  operations: JournaledOperation[];
}

const READ = `SELECT lineage, serial, retired,
    (SELECT coalesce(jsonb_object_agg(address, resource), '{}'::jsonb) FROM mops_resource r
      WHERE r.stack = s.stack AND r.environment = s.environment) AS resources,
    (SELECT run FROM mops_run u WHERE u.stack = s.stack AND u.environment = s.environment) AS run,
    (SELECT coalesce(jsonb_agg(entry ORDER BY seq), '[]'::jsonb) FROM mops_operation o
      WHERE o.stack = s.stack AND o.environment = s.environment) AS operations
  FROM mops_state s WHERE stack = $1 AND environment = $2`;

/**
 * State in PostgreSQL: a row per stack+environment (lineage, serial, retired
 * objects), a row per resource, the run journal in `mops_run` and
 * `mops_operation`. Every delta is one statement.
 */
export class PostgresStateStore implements StateStore {
  /** The state as this instance last knew it, so a delta need not read every resource back. */
  private cache?: State;
  private readonly queue = `postgres:${randomUUID()}`;
  /** Set by the locker when the session holding the lock ended: writes must stop. */
  guard: () => void = () => undefined;

  constructor(
    private readonly db: Connection,
    private readonly stack: string,
    private readonly environment: string,
  ) {}

  /** One statement, so the serial and the rows come from the same snapshot. */
  async read(): Promise<State> {
    const where = [this.stack, this.environment];
    let r = await this.db.q<StateRow>(READ, where);
    if (r.rowCount === 0) {
      // Stored at once so that a plan made now and the apply of it agree on the lineage.
      await this.db.q(
        "INSERT INTO mops_state (stack, environment, lineage, serial) VALUES ($1, $2, gen_random_uuid()::text, 0) ON CONFLICT DO NOTHING",
        where,
      );
      r = await this.db.q<StateRow>(READ, where);
    }
    const row = r.rows[0]!;
    const state: State = {
      lineage: row.lineage,
      serial: Number(row.serial),
      stack: this.stack,
      environment: this.environment,
      resources: row.resources,
      ...(row.retired && Object.keys(row.retired).length ? { retired: row.retired } : {}),
      ...(row.run ? { run: { ...row.run, operations: row.operations } } : {}),
    };
    const problem = firstProblem(StateSchema, state);
    if (problem) {
      throw new StateError(
        `the postgres state of ${this.stack}/${this.environment} is damaged: ${problem}`,
        "restore the mops_* tables from a backup; or start a new state (`state: { backend: postgres, … }` under another stack name, or delete these rows) and run `mops import --force` to adopt the live objects again",
      );
    }
    this.cache = state;
    return structuredClone(state);
  }

  async apply(delta: StateDelta): Promise<State> {
    this.guard();
    return serialize(this.queue, () => this.applyNow(delta));
  }

  private async applyNow(delta: StateDelta): Promise<State> {
    const { sql, params } = statement(delta);
    for (;;) {
      const r = await this.db.q<{ lineage: string; serial: string }>(sql, [this.stack, this.environment, ...params]);
      const row = r.rows[0];
      if (!row) {
        await this.read();
        continue;
      }
      const serial = Number(row.serial);
      const cache = this.cache;
      if (cache && cache.lineage === row.lineage && serial === cache.serial + 1) {
        this.cache = applyDelta(cache, delta);
        return copy(this.cache);
      }
      // A read() of ours already moved the cache past this serial: the cache includes this change.
      if (cache && cache.lineage === row.lineage && serial <= cache.serial) return copy(cache);
      return this.read();
    }
  }

  async write(state: State): Promise<State> {
    const current = await this.read();
    await this.db.transaction(async (c) => {
      await this.db.run(
        c,
        `INSERT INTO mops_state (stack, environment, lineage, serial, retired) VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (stack, environment) DO UPDATE SET lineage = EXCLUDED.lineage, serial = EXCLUDED.serial,
           retired = EXCLUDED.retired, updated_at = now()`,
        [this.stack, this.environment, state.lineage, nextSerialForWrite(current, state), JSON.stringify(state.retired ?? {})],
      );
      for (const table of ["mops_resource", "mops_run", "mops_operation"]) {
        await this.db.run(c, `DELETE FROM ${table} WHERE stack = $1 AND environment = $2`, [this.stack, this.environment]);
      }
      await this.db.run(
        c,
        `INSERT INTO mops_resource (stack, environment, address, resource) SELECT $1, $2, key, value FROM jsonb_each($3::jsonb)`,
        [this.stack, this.environment, JSON.stringify(state.resources)],
      );
      if (state.run) {
        const { operations, ...run } = state.run;
        await this.db.run(c, "INSERT INTO mops_run (stack, environment, run) VALUES ($1, $2, $3::jsonb)", [this.stack, this.environment, JSON.stringify(run)]);
        for (const o of operations) {
          await this.db.run(c, "INSERT INTO mops_operation (stack, environment, op, entry) VALUES ($1, $2, $3, $4::jsonb)", [this.stack, this.environment, o.op, JSON.stringify(o)]);
        }
      }
    });
    return this.read();
  }
}
