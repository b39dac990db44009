import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { StateError } from "../types";

/** fsync a directory so a rename or link inside it survives a power cut, not only the file's bytes. */
export async function syncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, "r");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Replace `path` with `text` so a reader sees the old or the new file, never a torn one; durable on return. */
export async function replaceFile(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text, { fsync: true });
  await syncDir(dirname(path));
}

/**
 * Create `path` with `text` only if nothing exists there: false when it does.
 * Written to a temp file and hard-linked into place, so the name never points
 * at a half-written file (O_EXCL on the final name would expose one) and two
 * writers can never both create it (link fails with EEXIST).
 */
export async function createExclusive(path: string, text: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  const h = await fs.open(tmp, "wx");
  try {
    await h.writeFile(text, "utf8");
    await h.sync();
  } finally {
    await h.close();
  }
  try {
    await fs.link(tmp, path);
    await syncDir(dirname(path));
    return true;
  } catch (e) {
    if (errno(e) === "EEXIST") return false;
    throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** The file's text, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path, "utf8");
  } catch (e) {
    if (errno(e) === "ENOENT") return undefined;
    throw e;
  }
}

export const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

/** Whether a process with this pid runs on this machine (EPERM: it does, under another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === "EPERM";
  }
}

/**
 * Delete `path` if `owns(text)` holds, returning the removed text. The check is
 * made before, and again after, renaming the file aside (an atomic step), so a
 * file replaced by someone else in between is put back instead of deleted.
 */
export async function removeIf(path: string, owns: (text: string) => boolean): Promise<string | undefined> {
  const before = await readIfExists(path);
  if (before === undefined || !owns(before)) return undefined;
  const aside = join(dirname(path), `.${randomUUID()}.removing`);
  try {
    await fs.rename(path, aside);
  } catch (e) {
    if (errno(e) === "ENOENT") return undefined;
    throw e;
  }
  const taken = await fs.readFile(aside, "utf8");
  if (!owns(taken)) {
    await fs.link(aside, path).catch(() => undefined);
    await fs.rm(aside, { force: true });
    return undefined;
  }
  await fs.rm(aside, { force: true });
  return taken;
}

interface MutexOwner {
  pid: number;
  host: string;
  token: string;
}

const EMPTY_MUTEX_STALE_MS = 10_000;

const ageMs = (path: string) =>
  fs.stat(path).then(
    (st) => Date.now() - st.mtimeMs,
    () => 0,
  );

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Run `fn` while holding a short-lived cross-process mutex (a file created with
 * O_EXCL). It guards a read-modify-write of a few milliseconds, not an apply:
 * the apply lock is `lock.json`, which is never taken over. A mutex left by a
 * process that died on this host is removed; otherwise we wait up to `waitMs`.
 */
export async function withFileMutex<T>(path: string, fn: () => Promise<T>, waitMs = 30_000): Promise<T> {
  const me: MutexOwner = { pid: process.pid, host: hostname(), token: randomUUID() };
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const h = await fs.open(path, "wx");
      await h.writeFile(JSON.stringify(me));
      await h.close();
      break;
    } catch (e) {
      if (errno(e) !== "EEXIST") throw e;
    }
    const owner = await readOwner(path);
    if (owner && owner.host === me.host && !pidAlive(owner.pid)) {
      await removeIf(path, (t) => ownerOf(t)?.token === owner.token);
      continue;
    }
    // Its owner died between creating and writing it: nobody can say whose it is, but it is long past any write.
    if (!owner && (await ageMs(path)) > EMPTY_MUTEX_STALE_MS) {
      await removeIf(path, (t) => t === "");
      continue;
    }
    if (Date.now() > deadline) {
      throw new StateError(
        `timed out after ${waitMs} ms waiting for ${path} (held by pid ${owner?.pid ?? "?"} on ${owner?.host ?? "?"}); ` +
          "if no mops process is running, delete that file",
      );
    }
    await sleep(Math.min(50, 1 + attempt) * (0.5 + Math.random()));
  }
  try {
    return await fn();
  } finally {
    // Only a dead owner's mutex is ever removed by others, so ours is still ours.
    await fs.rm(path, { force: true });
  }
}

const readOwner = async (path: string) => ownerOf((await readIfExists(path)) ?? "");

function ownerOf(text: string): MutexOwner | undefined {
  try {
    return text ? (JSON.parse(text) as MutexOwner) : undefined;
  } catch {
    // Created but not yet written by its owner: treat as live.
    return undefined;
  }
}
