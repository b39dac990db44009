import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { LockedError, StateError, type HeldLock, type LockInfo } from "./types";

export function newLockInfo(operation: string, holder: string): LockInfo {
  return { id: randomUUID(), holder, operation, time: new Date().toISOString(), pid: process.pid, host: hostname() };
}

/**
 * The refusal the second apply sees. `holderGone`: the backend knows the
 * holding process is dead; the lock is still not taken over, because only a
 * person can know that no other run is using this state.
 */
export function lockedError(info: LockInfo, holderGone: boolean): LockedError {
  const unlock = `\`mops force-unlock ${info.id}\``;
  return new LockedError(
    info,
    holderGone
      ? `its process ${info.pid ?? "?"} on ${info.host ?? "?"} is no longer running; if no other run uses this state, release the lock with ${unlock}`
      : `lock id ${info.id}; wait for that run to finish, or if it was killed, release the lock with ${unlock}`,
  );
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Terraform's `-lock-timeout`: keep trying while another run holds the lock,
 * until `timeoutMs` has passed (0: one attempt). Other errors end the wait.
 */
export async function waitForLock<T>(attempt: () => Promise<T>, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 0);
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      const left = deadline - Date.now();
      if (!(e instanceof LockedError) || left <= 0 || opts.signal?.aborted) throw e;
      await sleep(Math.min(left, 100 * 2 ** Math.min(n, 4)), opts.signal);
    }
  }
}

/**
 * A held lock: `lost` aborts when `check` finds the lock is no longer ours
 * (the backend calls `markLost` when it learns so itself, e.g. a dead session).
 */
export function heldLock(
  info: LockInfo,
  how: { check: () => Promise<boolean>; release: () => Promise<void>; lost?: AbortController },
): HeldLock {
  const lost = how.lost ?? new AbortController();
  let released = false;
  return {
    info,
    lost: lost.signal,
    async assertHeld() {
      if (!lost.signal.aborted && !(await how.check().catch(() => false))) lost.abort();
      if (lost.signal.aborted) {
        throw new StateError(
          "this run no longer holds the state lock (it was force-unlocked, or its session ended): Mops stopped starting operations",
          "run `mops plan` to see what is left, then apply again",
        );
      }
    },
    async release() {
      if (released) return;
      released = true;
      await how.release();
    },
  };
}
