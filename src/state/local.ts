import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { createExclusive, errno, pidAlive, readIfExists, removeIf, withFileMutex } from "./files";
import { sealVersion, verifyChain, type StoredVersion, type VersionInput } from "./history";
import { lockedError, newLockInfo } from "./lock";
import { StateFiles } from "./journal";
import { copy, nextSerialForWrite } from "./new";
import { serialize } from "./queue";
import { StateError, type HistoryCheck, type HistoryVersion, type LockInfo, type State, type StateBackend, type StateResource } from "./types";

export interface LocalBackendOptions {
  /** Directory holding this stack+environment's files (`<stackDir>/.mops/<stack>/<environment>`). */
  dir: string;
  stack: string;
  environment: string;
}

const VERSION_FILE = /^(\d+)\.json$/;

/**
 * State and history as files:
 *   state.json           a snapshot of the state, replaced atomically (temp + fsync + rename + dir fsync)
 *   journal.jsonl        records since the snapshot, one fdatasync'ed line each (see StateFiles)
 *   history/000001.json  one immutable file per version, created only if absent
 *   lock.json            the apply lock, created only if absent
 *   .write.lock          a short mutex around each read or write of the two above
 */
export class LocalBackend implements StateBackend {
  readonly kind = "local" as const;
  readonly dir: string;
  private readonly stack: string;
  private readonly environment: string;
  /** Id of the lock this instance took: like a postgres session, only the taker releases it (others force-unlock). */
  private held?: string;
  private readonly files: StateFiles;

  constructor(opts: LocalBackendOptions) {
    this.dir = opts.dir;
    this.stack = opts.stack;
    this.environment = opts.environment;
    this.files = new StateFiles(join(this.dir, "state.json"), join(this.dir, "journal.jsonl"), this.stack, this.environment);
  }

  private get lockPath() {
    return join(this.dir, "lock.json");
  }
  private get historyDir() {
    return join(this.dir, "history");
  }
  private versionPath(n: number) {
    return join(this.historyDir, `${String(n).padStart(6, "0")}.json`);
  }

  /** The stored state; when there is none, an empty one is stored first (see StateFiles.load). */
  async read(): Promise<State> {
    return structuredClone(await this.exclusive(() => this.files.load()));
  }

  record(address: string, resource: StateResource | null): Promise<State> {
    return this.exclusive(async () => copy(await this.files.record(address, resource)));
  }

  write(state: State): Promise<State> {
    return this.exclusive(async () => {
      const next = { ...structuredClone(state), stack: this.stack, environment: this.environment, serial: nextSerialForWrite(await this.files.load(), state) };
      await this.files.write(next);
      return copy(next);
    });
  }

  /** Under the in-process queue and the cross-process mutex: one reader or writer of the state files at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return serialize(this.dir, async () => {
      await fs.mkdir(this.dir, { recursive: true });
      return withFileMutex(join(this.dir, ".write.lock"), fn);
    });
  }

  async lock(operation: string, holder: string): Promise<LockInfo> {
    await fs.mkdir(this.dir, { recursive: true });
    const info = newLockInfo(operation, holder);
    for (;;) {
      if (await createExclusive(this.lockPath, JSON.stringify(info, null, 2) + "\n")) {
        this.held = info.id;
        return info;
      }
      const held = await this.currentLock();
      // Released between our attempt and the read: try again.
      if (!held) continue;
      const gone = held.host === hostname() && held.pid !== undefined && !pidAlive(held.pid);
      throw lockedError(held, gone);
    }
  }

  async unlock(lockId: string): Promise<void> {
    if (this.held !== lockId) return;
    this.held = undefined;
    // Someone else's lock (ours was force-unlocked and retaken) is left alone.
    await removeIf(this.lockPath, (t) => lockIdOf(t) === lockId);
  }

  async forceUnlock(lockId?: string): Promise<LockInfo | undefined> {
    const removed = await removeIf(this.lockPath, (t) => lockId === undefined || lockIdOf(t) === lockId);
    return removed === undefined ? undefined : (JSON.parse(removed) as LockInfo);
  }

  async currentLock(): Promise<LockInfo | undefined> {
    const text = await readIfExists(this.lockPath);
    return text === undefined ? undefined : (JSON.parse(text) as LockInfo);
  }

  async appendVersion(v: VersionInput): Promise<HistoryVersion> {
    await fs.mkdir(this.historyDir, { recursive: true });
    for (;;) {
      const slots = await this.slots();
      const last = slots.at(-1);
      const prev = last === undefined ? undefined : await this.getVersion(last);
      const sealed = sealVersion(v, prev);
      // Another writer may have taken this number since we listed: then list again.
      if (await createExclusive(this.versionPath(sealed.version), JSON.stringify(sealed, null, 2) + "\n")) return sealed;
    }
  }

  async listVersions(): Promise<HistoryVersion[]> {
    const out: HistoryVersion[] = [];
    for (const n of await this.slots()) {
      const v = await this.getVersion(n);
      if (v) out.push(v);
    }
    return out;
  }

  async latestVersion(): Promise<HistoryVersion | undefined> {
    const last = (await this.slots()).at(-1);
    return last === undefined ? undefined : this.getVersion(last);
  }

  async getVersion(n: number): Promise<HistoryVersion | undefined> {
    if (!Number.isInteger(n) || n < 1) return undefined;
    const text = await readIfExists(this.versionPath(n));
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as HistoryVersion;
    } catch (e) {
      throw new StateError(`${this.versionPath(n)} is not valid JSON (${(e as Error).message}); run \`mops history --verify\``);
    }
  }

  async verifyHistory(): Promise<HistoryCheck> {
    const stored: StoredVersion[] = [];
    for (const slot of await this.slots()) {
      const text = (await readIfExists(this.versionPath(slot))) ?? "";
      try {
        stored.push({ slot, value: JSON.parse(text) });
      } catch {
        stored.push({ slot, problem: `${this.versionPath(slot)} is not valid JSON` });
      }
    }
    return verifyChain(stored);
  }

  async close(): Promise<void> {}

  /** Version numbers present, ascending. */
  private async slots(): Promise<number[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.historyDir);
    } catch (e) {
      if (errno(e) === "ENOENT") return [];
      throw e;
    }
    return names
      .map((f) => VERSION_FILE.exec(f)?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }
}

function lockIdOf(text: string): string | undefined {
  try {
    return (JSON.parse(text) as LockInfo).id;
  } catch {
    return undefined;
  }
}
