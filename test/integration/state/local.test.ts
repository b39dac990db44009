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
    expect((await fs.readdir(dir)).sort()).toEqual(["history", "journal.jsonl", "lock.json", "state.json"]);
    expect(await fs.readdir(join(dir, "history"))).toEqual(["000001.json"]);
    expect(JSON.parse(await fs.readFile(join(dir, "lock.json"), "utf8"))).toEqual(lock);
    expect(lock).toMatchObject({ pid: process.pid, host: hostname() });
    // The record went to the journal; the snapshot is still the empty state.
    expect(JSON.parse(await fs.readFile(join(dir, "state.json"), "utf8")).serial).toBe(0);
    const lines = (await fs.readFile(join(dir, "journal.jsonl"), "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ serial: 1, address: "segment.vip" })]);
  });

  it("folds the journal into state.json once it outgrows the snapshot, and reads the same state after", async () => {
    const { dir, open } = await store();
    const b = open();
    const big = (i: number) => ({ ...resource(`s${i}`), attributes: { description: "x".repeat(20_000) } as never });
    for (let i = 0; i < 20; i++) await b.record(`segment.s${i}`, big(i));
    const snapshot = JSON.parse(await fs.readFile(join(dir, "state.json"), "utf8"));
    expect(snapshot.serial).toBeGreaterThan(10);
    expect((await fs.readFile(join(dir, "journal.jsonl"), "utf8")).split("\n").length).toBeLessThan(20 - 10 + 1);
    const back = await open().read();
    expect(back.serial).toBe(20);
    expect(Object.keys(back.resources)).toHaveLength(20);
    expect(back).toEqual(await b.read());
  });

  it("ignores a torn last journal line and cuts it off before the next record", async () => {
    const { dir, open } = await store();
    await open().record("segment.a", resource("a"));
    await fs.appendFile(join(dir, "journal.jsonl"), '{"lineage":"x","serial":2,"addr');
    expect((await open().read()).serial).toBe(1);
    const s = await open().record("segment.b", resource("b"));
    expect(s.serial).toBe(2);
    const back = await open().read();
    expect(Object.keys(back.resources).sort()).toEqual(["segment.a", "segment.b"]);
    expect((await fs.readFile(join(dir, "journal.jsonl"), "utf8")).endsWith("}\n")).toBe(true);
  });

  it("skips journal entries a newer snapshot already holds (a crash between snapshot and emptying the journal)", async () => {
    const { dir, open } = await store();
    const b = open();
    await b.record("segment.a", resource("a"));
    await b.record("segment.b", resource("b"));
    const journal = await fs.readFile(join(dir, "journal.jsonl"), "utf8");
    const s = await b.read();
    await fs.writeFile(join(dir, "state.json"), JSON.stringify({ ...s, resources: { ...s.resources, "segment.c": resource("c") }, serial: 3 }));
    await fs.writeFile(join(dir, "journal.jsonl"), journal);
    const back = await open().read();
    expect(back.serial).toBe(3);
    expect(Object.keys(back.resources).sort()).toEqual(["segment.a", "segment.b", "segment.c"]);
  });

  it("refuses a journal with a gap rather than guess", async () => {
    const { dir, open } = await store();
    const s = await open().record("segment.a", resource("a"));
    await fs.appendFile(join(dir, "journal.jsonl"), JSON.stringify({ lineage: s.lineage, serial: 3, address: "segment.b", resource: null }) + "\n");
    await expect(open().read()).rejects.toThrow(/jumps from serial 1 to 3/);
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
    // Empty: its owner died before writing who it was. Only an old one is removed.
    await fs.writeFile(join(dir, ".write.lock"), "");
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(join(dir, ".write.lock"), old, old);
    expect((await open().record("segment.vip", null)).serial).toBe(2);
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
