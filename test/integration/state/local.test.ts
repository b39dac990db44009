import { execFile, spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { LocalBackend } from "../../../src/state/local";
import { LockedError, StateError, type HistoryVersion } from "../../../src/state/types";
import { conformance } from "./conformance";
import { record, resource, versionInput } from "./fixtures";

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
    await record(b, "segment.vip", resource("vip"));
    await b.history.append(versionInput("one"));
    const lock = (await b.locker.lock("apply", "ana@laptop")).info;
    expect((await fs.readdir(dir)).sort()).toEqual(["history", "journal.jsonl", "lock.json", "state.json"]);
    expect((await fs.readdir(join(dir, "history"))).sort()).toEqual(["000001.json", "latest"]);
    expect(JSON.parse(await fs.readFile(join(dir, "lock.json"), "utf8"))).toEqual(lock);
    expect(lock).toMatchObject({ pid: process.pid, host: hostname() });
    // The record went to the journal; the snapshot is still the empty state.
    expect(JSON.parse(await fs.readFile(join(dir, "state.json"), "utf8")).serial).toBe(0);
    const lines = (await fs.readFile(join(dir, "journal.jsonl"), "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ serial: 1, delta: expect.objectContaining({ type: "resource", address: "segment.vip" }) })]);
  });

  it("folds the journal into state.json once it outgrows the snapshot, and reads the same state after", async () => {
    const { dir, open } = await store();
    const b = open();
    const big = (i: number) => ({ ...resource(`s${i}`), attributes: { description: "x".repeat(20_000) } as never });
    for (let i = 0; i < 20; i++) await record(b, `segment.s${i}`, big(i));
    const snapshot = JSON.parse(await fs.readFile(join(dir, "state.json"), "utf8"));
    expect(snapshot.serial).toBeGreaterThan(10);
    expect((await fs.readFile(join(dir, "journal.jsonl"), "utf8")).split("\n").length).toBeLessThan(20 - 10 + 1);
    const back = await open().state.read();
    expect(back.serial).toBe(20);
    expect(Object.keys(back.resources)).toHaveLength(20);
    expect(back).toEqual(await b.state.read());
  });

  it("ignores a torn last journal line and cuts it off before the next record", async () => {
    const { dir, open } = await store();
    await record(open(), "segment.a", resource("a"));
    await fs.appendFile(join(dir, "journal.jsonl"), '{"lineage":"x","serial":2,"addr');
    expect((await open().state.read()).serial).toBe(1);
    const s = await record(open(), "segment.b", resource("b"));
    expect(s.serial).toBe(2);
    const back = await open().state.read();
    expect(Object.keys(back.resources).sort()).toEqual(["segment.a", "segment.b"]);
    expect((await fs.readFile(join(dir, "journal.jsonl"), "utf8")).endsWith("}\n")).toBe(true);
  });

  it("skips journal entries a newer snapshot already holds (a crash between snapshot and emptying the journal)", async () => {
    const { dir, open } = await store();
    const b = open();
    await record(b, "segment.a", resource("a"));
    await record(b, "segment.b", resource("b"));
    const journal = await fs.readFile(join(dir, "journal.jsonl"), "utf8");
    const s = await b.state.read();
    await fs.writeFile(join(dir, "state.json"), JSON.stringify({ ...s, resources: { ...s.resources, "segment.c": resource("c") }, serial: 3 }));
    await fs.writeFile(join(dir, "journal.jsonl"), journal);
    const back = await open().state.read();
    expect(back.serial).toBe(3);
    expect(Object.keys(back.resources).sort()).toEqual(["segment.a", "segment.b", "segment.c"]);
  });

  it("refuses a journal with a gap rather than guess", async () => {
    const { dir, open } = await store();
    const s = await record(open(), "segment.a", resource("a"));
    await fs.appendFile(join(dir, "journal.jsonl"), JSON.stringify({ lineage: s.lineage, serial: 3, address: "segment.b", resource: null }) + "\n");
    await expect(open().state.read()).rejects.toThrow(/jumps from serial 1 to 3/);
  });

  it("loses no update when two processes record at the same time (the file mutex, not the in-process queue)", async () => {
    const { dir, open } = await store();
    await open().state.read();
    const worker = new URL("./record-worker.ts", import.meta.url).pathname;
    const run = (prefix: string) => promisify(execFile)(process.execPath, ["--import", "tsx", worker, dir, prefix, "40"]);
    await Promise.all([run("p"), run("q")]);
    const s = await open().state.read();
    expect(Object.keys(s.resources)).toHaveLength(80);
    expect(s.serial).toBe(80);
  });

  it("reports a lock whose process died as stale, and still does not take it", async () => {
    const { dir, open } = await store();
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const info = { id: "3f1c", holder: "ana@laptop", operation: "apply", time: "2026-01-01T00:00:00.000Z", pid: dead, host: hostname() };
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, "lock.json"), JSON.stringify(info));
    const err = await open().locker.lock("apply", "ci@runner").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockedError);
    expect((err as Error).message).toContain(`process ${dead} on ${hostname()} is no longer running`);
    expect((err as Error).message).toContain("mops force-unlock 3f1c");
    expect(await open().locker.current()).toEqual(info);
    // A live holder is not called stale.
    await fs.writeFile(join(dir, "lock.json"), JSON.stringify({ ...info, pid: process.pid }));
    const live = await open().locker.lock("apply", "ci@runner").catch((e: unknown) => e);
    expect((live as Error).message).not.toContain("no longer running");
  });

  it("takes over a write mutex left by a dead process instead of waiting forever", async () => {
    const { dir, open } = await store();
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, ".write.lock"), JSON.stringify({ pid: dead, host: hostname(), token: "t" }));
    const s = await record(open(), "segment.vip", resource("vip"));
    expect(s.serial).toBe(1);
    await expect(fs.stat(join(dir, ".write.lock"))).rejects.toThrow(/ENOENT/);
    // Empty: its owner died before writing who it was. Only an old one is removed.
    await fs.writeFile(join(dir, ".write.lock"), "");
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(join(dir, ".write.lock"), old, old);
    expect((await record(open(), "segment.vip", null)).serial).toBe(2);
  });

  it("refuses a corrupt state file with its path instead of starting over", async () => {
    const { dir, open } = await store();
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(join(dir, "state.json"), "{ not json");
    await expect(open().state.read()).rejects.toThrow(join(dir, "state.json"));
    await expect(record(open(), "segment.vip", resource("vip"))).rejects.toThrow(/not valid JSON/);
  });

  it("reports an unreadable version file as the broken version", async () => {
    const { dir, open } = await store();
    const b = open();
    await b.history.append(versionInput("one"));
    await b.history.append(versionInput("two"));
    await fs.writeFile(versionFile(dir, 1), "{");
    expect(await b.history.verify()).toMatchObject({ ok: false, broken: { version: 1, reason: expect.stringContaining("not valid JSON") } });
  });
});

/** Every file Mops reads back is checked: damage is an error naming the file and the first bad field, never a silent default. */
describe("local state files read back", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
  });
  const withState = async (text: string) => {
    const s = await localStore();
    dirs.push(s.dir);
    await fs.mkdir(s.dir, { recursive: true });
    await fs.writeFile(join(s.dir, "state.json"), text);
    return s;
  };

  it.each([
    ["null", "null", "(the whole value)"],
    ["an empty object", "{}", "lineage"],
    ["an array", "[]", "(the whole value)"],
    ["an edited key", JSON.stringify({ lineaXe: "L", serial: 1, stack: "shop", environment: "prod", resources: {} }), "lineage"],
    ["resources that are not a map", JSON.stringify({ lineage: "L", serial: 1, stack: "shop", environment: "prod", resources: "oops" }), "resources"],
    ["a resource of an unknown kind", JSON.stringify({ lineage: "L", serial: 1, stack: "shop", environment: "prod", resources: { "x.y": { ...resource("y"), kind: "gadget" } } }), 'resources["x.y"].kind'],
  ])("refuses a state.json holding %s, naming the field", async (_what, text, field) => {
    const { dir, open } = await withState(text);
    const err = (await open().state.read().catch((e: unknown) => e)) as StateError;
    expect(err).toBeInstanceOf(StateError);
    expect(err.message).toContain(join(dir, "state.json"));
    expect(err.message).toContain(field);
    expect(err.hint).toMatch(/backup/);
    // Nothing is written over a damaged file.
    await expect(record(open(), "segment.a", resource("a"))).rejects.toBeInstanceOf(StateError);
    expect(await fs.readFile(join(dir, "state.json"), "utf8")).toBe(text);
  });

  it("refuses a damaged journal entry with the file and the field", async () => {
    const s = await localStore();
    dirs.push(s.dir);
    await record(s.open(), "segment.a", resource("a"));
    const lineage = (await s.open().state.read()).lineage;
    await fs.appendFile(join(s.dir, "journal.jsonl"), `${JSON.stringify({ lineage, serial: 2, delta: { type: "resource", address: "segment.b", resource: { oops: 1 } } })}\n`);
    const err = (await s.open().state.read().catch((e: unknown) => e)) as StateError;
    expect(err).toBeInstanceOf(StateError);
    expect(err.message).toMatch(/journal\.jsonl \(entry after serial 1\) is damaged/);
  });

  it("a damaged lock file is an error naming it, and force-unlock still removes it", async () => {
    const s = await localStore();
    dirs.push(s.dir);
    await fs.mkdir(s.dir, { recursive: true });
    await fs.writeFile(join(s.dir, "lock.json"), "{ not json");
    const b = s.open();
    await expect(b.locker.current()).rejects.toThrow(/lock\.json is not valid JSON/);
    await expect(b.locker.lock("apply", "ana")).rejects.toThrow(/lock\.json is damaged/);
    expect(await b.locker.forceUnlock()).toMatchObject({ id: "(damaged lock file)" });
    await (await b.locker.lock("apply", "ana")).release();
  });

  it("reads a version that does not have the shape of one as damage at that version", async () => {
    const s = await localStore();
    dirs.push(s.dir);
    const b = s.open();
    await b.history.append(versionInput("one"));
    const v = JSON.parse(await fs.readFile(versionFile(s.dir, 1), "utf8"));
    await fs.writeFile(versionFile(s.dir, 1), JSON.stringify({ ...v, changes: "oops" }));
    await expect(b.history.get(1)).rejects.toThrow(/000001\.json is damaged: changes: /);
  });

  it("reads versions written before `changes` existed (they carried the whole plan)", async () => {
    const s = await localStore();
    dirs.push(s.dir);
    const b = s.open();
    const { changes: _c, summary, ...rest } = versionInput("legacy");
    const plan = { changes: [{ address: "segment.vip", kind: "segment", name: "vip", action: "create", id: "s1", reasons: ["not in state"] }, { address: "segment.x", kind: "segment", name: "x", action: "noop", reasons: [] }], summary };
    const { sealVersion } = await import("../../../src/state/chain");
    const sealed = sealVersion({ ...rest, plan } as never, undefined);
    await fs.mkdir(join(s.dir, "history"), { recursive: true });
    await fs.writeFile(versionFile(s.dir, 1), JSON.stringify(sealed));
    expect(await b.history.get(1)).toMatchObject({ version: 1, changes: [{ address: "segment.vip", action: "create", id: "s1", reasons: [] }], summary });
    expect(await b.history.verify()).toMatchObject({ ok: true });
  });
});
