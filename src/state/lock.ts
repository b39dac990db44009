import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { LockedError, type LockInfo } from "./types";

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
