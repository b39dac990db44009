import { execFile, spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { LocalBackend } from "../../../src/state/local";
import { LockedError, type HistoryVersion } from "../../../src/state/types";
import { conformance } from "./conformance";
import { resource, versionInput } from "./fixtures";

const versionFile = (dir: string, n: number) => join(dir, "history", `${String(n).padStart(6, "0")}.json`);

async function localStore() {
  const dir = await fs.mkdtemp(join(tmpdir(), "mops-state-"));
  return { dir, open: () => new LocalBackend({ dir, stack: "shop", environment: "prod" }) };
}

conformance("local", async () => {
  const { dir, open } = await localStore();
  return {
    open,
    async tamper(n: number, edit: (v: HistoryVersion) => HistoryVersion) {
      const v = JSON.parse(await fs.readFile(versionFile(dir, n), "utf8")) as HistoryVersion;
      await fs.writeFile(versionFile(dir, n), JSON.stringify(edit(v), null, 2));
    },
    remove: (n: number) => fs.rm(versionFile(dir, n)),
    dispose: () => fs.rm(dir, { recursive: true, force: true }),
  };
});

describe("local state backend files", () => {
  const dirs: string[] = [];
  const store = async () => {
    const s = await localStore();
    dirs.push(s.dir);
    return s;
  };
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
  });

  it("keeps state.json, one file per version and lock.json, and leaves no temp files", async () => {
    const { dir, open } = await store();
    const b = open();
    await b.record("segment.vip", resource("vip"));
    await b.appendVersion(versionInput("one"));
    const lock = await b.lock("apply", "ana@laptop");
    expect((await fs.readdir(dir)).sort()).toEqual(["history", "lock.json", "state.json"]);
    expect(await fs.readdir(join(dir, "history"))).toEqual(["000001.json"]);
    expect(JSON.parse(await fs.readFile(join(dir, "lock.json"), "utf8"))).toEqual(lock);
    expect(lock).toMatchObject({ pid: process.pid, host: hostname() });
    expect(JSON.parse(await fs.readFile(join(dir, "state.json"), "utf8")).serial).toBe(1);
  });

  it("loses no update when two processes record at the same time (the file mutex, not the in-process queue)", async () => {
    const { dir, open } = await store();
    await open().read();
    const worker = new URL("./record-worker.ts", import.meta.url).pathname;
    const run = (prefix: string) => promisify(execFile)(process.execPath, ["--import", "tsx", worker, dir, prefix, "40"]);
    await Promise.all([run("p"), run("q")]);
    const s = await open().read();
    expect(Object.keys(s.resources)).toHaveLength(80);
    expect(s.serial).toBe(80);
  });

  it("reports a lock whose process died as stale, and still does not take it", async () => {
    const { dir, open } = await store();
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const info = { id: "3f1c", holder: "ana@laptop", operation: "apply", time: "2026-01-01T00:00:00.000Z", pid: dead, host: hostname() };
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, "lock.json"), JSON.stringify(info));
    const err = await open().lock("apply", "ci@runner").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockedError);
    expect((err as Error).message).toContain(`process ${dead} on ${hostname()} is no longer running`);
    expect((err as Error).message).toContain("mops force-unlock 3f1c");
    expect(await open().currentLock()).toEqual(info);
    // A live holder is not called stale.
    await fs.writeFile(join(dir, "lock.json"), JSON.stringify({ ...info, pid: process.pid }));
    const live = await open().lock("apply", "ci@runner").catch((e: unknown) => e);
    expect((live as Error).message).not.toContain("no longer running");
  });

  it("takes over a write mutex left by a dead process instead of waiting forever", async () => {
    const { dir, open } = await store();
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, ".write.lock"), JSON.stringify({ pid: dead, host: hostname(), token: "t" }));
    const s = await open().record("segment.vip", resource("vip"));
    expect(s.serial).toBe(1);
    await expect(fs.stat(join(dir, ".write.lock"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses a corrupt state file with its path instead of starting over", async () => {
    const { dir, open } = await store();
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, "state.json"), "{ not json");
    await expect(open().read()).rejects.toThrow(join(dir, "state.json"));
    await expect(open().record("segment.vip", resource("vip"))).rejects.toThrow(/not valid JSON/);
  });

  it("reports an unreadable version file as the broken version", async () => {
    const { dir, open } = await store();
    const b = open();
    await b.appendVersion(versionInput("one"));
    await b.appendVersion(versionInput("two"));
    await fs.writeFile(versionFile(dir, 1), "{");
    expect(await b.verifyHistory()).toEqual({ ok: false, broken: { version: 1, reason: expect.stringContaining("not valid JSON") } });
  });
});
