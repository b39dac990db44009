import { heldLock, lockedError, newLockInfo, waitForLock } from "../lock";
import type { HeldLock, LockInfo, Locker } from "../types";
import type { Connection } from "./connection";

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

/**
 * The apply lock is a session-level advisory lock taken on a dedicated
 * connection held until release; the `mops_lock` row only says who holds it.
 * If the holder crashes, its connection closes, PostgreSQL ends the session and
 * the advisory lock frees itself, so the next `lock` succeeds and overwrites
 * the stale row. `forceUnlock` is for a holder that is hung but still
 * connected: it terminates that session. The holder learns of a lost session
 * from its connection's error event: `lost` fires, and the state store stops
 * accepting writes.
 */
export class PostgresLocker implements Locker {
  private readonly key: string;
  /** Told when the session holding a lock of this instance ends. */
  onLost: () => void = () => undefined;
  /** Locks this instance holds: closing the backend releases them (their sessions would keep the process alive). */
  private readonly held = new Set<HeldLock>();

  constructor(
    private readonly db: Connection,
    private readonly stack: string,
    private readonly environment: string,
  ) {
    this.key = `${stack}/${environment}`;
  }

  lock(operation: string, holder: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<HeldLock> {
    return waitForLock(() => this.tryLock(operation, holder), opts);
  }

  private async tryLock(operation: string, holder: string): Promise<HeldLock> {
    await this.db.open();
    const client = this.db.client();
    const lost = new AbortController();
    // A session ended by forceUnlock or a server restart reports here: the lock is gone, and with it the right to write.
    // However it is learnt (the session's error event, or a check that finds it gone), a lost lock stops state writes.
    lost.signal.addEventListener("abort", () => this.onLost(), { once: true });
    client.on("error", () => lost.abort());
    await this.db.connect(() => client.connect());
    try {
      const got = await this.db.run<{ ok: boolean }>(client, `SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`, [this.key]);
      if (got.rows[0]?.ok) {
        const info = newLockInfo(operation, holder);
        let asking: Promise<boolean> | undefined;
        await this.db.run(
          client,
          `INSERT INTO mops_lock (stack, environment, id, holder, operation, time, pid, host, backend_pid)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, pg_backend_pid())
           ON CONFLICT (stack, environment) DO UPDATE SET id = EXCLUDED.id, holder = EXCLUDED.holder,
             operation = EXCLUDED.operation, time = EXCLUDED.time, pid = EXCLUDED.pid, host = EXCLUDED.host,
             backend_pid = EXCLUDED.backend_pid`,
          [this.stack, this.environment, info.id, info.holder, info.operation, info.time, info.pid, info.host],
        );
        const lock: HeldLock = heldLock(info, {
          lost,
          // Asked of the session itself: the error event that reports its end may come later than the next operation.
          // One question at a time: steps run concurrently, a pg client takes one query at a time.
          check: () =>
            (asking ??= (lost.signal.aborted ? Promise.resolve(false) : client.query("SELECT 1").then(() => true, () => false)).finally(() => {
              asking = undefined;
            })),
          release: async () => {
            this.held.delete(lock);
            await this.db.q("DELETE FROM mops_lock WHERE stack = $1 AND environment = $2 AND id = $3", [this.stack, this.environment, info.id]).catch(() => undefined);
            // Ending the session releases its advisory lock, even if forceUnlock already ended it.
            await client.end().catch(() => undefined);
          },
        });
        this.held.add(lock);
        return lock;
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

  async releaseAll(): Promise<void> {
    await Promise.all([...this.held].map((l) => l.release().catch(() => undefined)));
  }

  async forceUnlock(lockId?: string): Promise<LockInfo | undefined> {
    const row = await this.lockRow();
    if (lockId !== undefined && row?.id !== lockId) return undefined;
    const holders = await this.db.q<{ pid: number }>(HOLDERS, [this.key]);
    for (const { pid } of holders.rows) {
      // Waits (up to 5 s) until the session is gone, so the next lock() succeeds.
      await this.db.q("SELECT pg_terminate_backend($1, 5000)", [pid]);
    }
    if (!row) return undefined;
    await this.db.q("DELETE FROM mops_lock WHERE stack = $1 AND environment = $2 AND id = $3", [this.stack, this.environment, row.id]);
    return row;
  }

  /** The lock row, only while a session really holds the advisory lock (a crashed holder's row is stale). */
  async current(): Promise<LockInfo | undefined> {
    const holders = await this.db.q(HOLDERS, [this.key]);
    return holders.rowCount ? this.lockRow() : undefined;
  }

  private async lockRow(): Promise<LockInfo | undefined> {
    const r = await this.db.q<LockInfo & { pid: number | null; host: string | null }>(
      "SELECT id, holder, operation, time, pid, host FROM mops_lock WHERE stack = $1 AND environment = $2",
      [this.stack, this.environment],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    const { pid, host, ...rest } = row;
    return { ...rest, ...(pid === null ? {} : { pid }), ...(host === null ? {} : { host }) };
  }
}
