import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { createExclusive, pidAlive, readIfExists, removeIf } from "./files";
import { heldLock, lockedError, newLockInfo, waitForLock } from "../lock";
import { LockInfoSchema, parseStored } from "../schema";
import type { HeldLock, LockInfo, Locker } from "../types";
import { StateError } from "../types";

/**
 * The apply lock as `lock.json`, created only if absent (never taken over:
 * only a person can know that no other run uses this state). A run notices
 * losing it (a force-unlock) before each operation it starts.
 */
export class LocalLocker implements Locker {
  constructor(private readonly dir: string) {}

  private get path() {
    return join(this.dir, "lock.json");
  }

  lock(operation: string, holder: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<HeldLock> {
    return waitForLock(() => this.tryLock(operation, holder), opts);
  }

  private async tryLock(operation: string, holder: string): Promise<HeldLock> {
    await fs.mkdir(this.dir, { recursive: true });
    const info = newLockInfo(operation, holder);
    for (;;) {
      if (await createExclusive(this.path, JSON.stringify(info, null, 2) + "\n")) {
        return heldLock(info, {
          check: async () => (await this.readId()) === info.id,
          release: async () => {
            // Someone else's lock (ours was force-unlocked and retaken) is left alone.
            await removeIf(this.path, (t) => idOf(t) === info.id);
          },
        });
      }
      const held = await this.current().catch(() => undefined);
      // Released between our attempt and the read: try again.
      if (!held) {
        if ((await readIfExists(this.path)) === undefined) continue;
        throw new StateError(`${this.path} is damaged, so nobody can tell who holds the lock`, "if no mops run is using this state, remove it with `mops force-unlock`");
      }
      const gone = held.host === hostname() && held.pid !== undefined && !pidAlive(held.pid);
      throw lockedError(held, gone);
    }
  }

  /** Removes the lock whatever its content: a damaged lock file must not make force-unlock fail too. */
  async forceUnlock(lockId?: string): Promise<LockInfo | undefined> {
    const removed = await removeIf(this.path, (t) => lockId === undefined || idOf(t) === lockId);
    if (removed === undefined) return undefined;
    try {
      return JSON.parse(removed) as LockInfo;
    } catch {
      return { id: "(damaged lock file)", holder: "unknown", operation: "unknown", time: "unknown" };
    }
  }

  async current(): Promise<LockInfo | undefined> {
    const text = await readIfExists(this.path);
    return text === undefined ? undefined : parseStored<LockInfo>(LockInfoSchema, text, this.path, "if no mops run is using this state, remove it with `mops force-unlock`");
  }

  private async readId(): Promise<string | undefined> {
    const text = await readIfExists(this.path);
    return text === undefined ? undefined : idOf(text);
  }
}

function idOf(text: string): string | undefined {
  try {
    return (JSON.parse(text) as LockInfo).id;
  } catch {
    return undefined;
  }
}
