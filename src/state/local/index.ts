import { join } from "node:path";
import { LocalHistoryStore } from "./history";
import { LocalLocker } from "./locker";
import { LocalStateStore } from "./store";
import type { StateBackend } from "../types";

export interface LocalBackendOptions {
  /** Directory holding this stack+environment's files (`<stackDir>/.mops/<stack>/<environment>`). */
  dir: string;
  stack: string;
  environment: string;
}

/**
 * State, lock and history as files in one directory (state.json +
 * journal.jsonl, lock.json, history/): see each store for its layout.
 */
export class LocalBackend implements StateBackend {
  readonly kind = "local" as const;
  readonly dir: string;
  readonly localDir: string;
  readonly state: LocalStateStore;
  readonly locker: LocalLocker;
  readonly history: LocalHistoryStore;

  constructor(opts: LocalBackendOptions) {
    this.dir = opts.dir;
    this.localDir = opts.dir;
    this.state = new LocalStateStore(opts.dir, opts.stack, opts.environment);
    this.locker = new LocalLocker(opts.dir);
    this.history = new LocalHistoryStore(join(opts.dir, "history"));
  }

  async close(): Promise<void> {}
}
