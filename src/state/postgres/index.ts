import { Connection } from "./connection";
import { PostgresHistoryStore } from "./history";
import { PostgresLocker } from "./locker";
import { PostgresStateStore } from "./store";
import { StateError, type StateBackend } from "../types";

export interface PostgresBackendOptions {
  /** Connection string, already resolved from `${env:…}`; never printed. */
  url: string;
  stack: string;
  environment: string;
  /** Where this machine keeps what the database could not take (see StateBackend.localDir). */
  localDir: string;
}

/**
 * State, history and the apply lock in PostgreSQL, for teams and CI runners
 * sharing one state (tables are created on first use). Once the session that
 * holds the lock is lost, another run may hold it: the state store refuses
 * every further write, so the apply stops starting operations.
 */
export class PostgresBackend implements StateBackend {
  readonly kind = "postgres" as const;
  readonly localDir: string;
  private readonly db: Connection;
  readonly state: PostgresStateStore;
  readonly locker: PostgresLocker;
  readonly history: PostgresHistoryStore;
  private lockLost = false;

  constructor(opts: PostgresBackendOptions) {
    this.localDir = opts.localDir;
    this.db = new Connection(opts.url);
    this.state = new PostgresStateStore(this.db, opts.stack, opts.environment);
    this.locker = new PostgresLocker(this.db, opts.stack, opts.environment);
    this.history = new PostgresHistoryStore(this.db, opts.stack, opts.environment);
    this.locker.onLost = () => {
      this.lockLost = true;
    };
    this.state.guard = () => {
      if (this.lockLost) {
        throw new StateError(
          "the connection that held the state lock was lost: another run may hold the lock now, so Mops stopped writing state",
          "run `mops plan` to see what is left, then apply again",
        );
      }
    };
  }

  /** Connect and create the tables if needed; errors are redacted. */
  open(): Promise<void> {
    return this.db.open();
  }

  async close(): Promise<void> {
    await this.locker.releaseAll();
    await this.db.close();
  }
}
