/**
 * The behaviour every StateBackend must have, run against each backend by its
 * own *.test.ts with a harness that knows how to reach behind the backend
 * (to tamper with stored history the way an attacker or a bad edit would).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LockedError, type HistoryVersion, type StateBackend } from "../../../src/state/types";
import { listAll, record, resource, versionInput } from "./fixtures";

export interface StoreHarness {
  /** A new backend instance on the same store (another process, in effect). */
  open(): StateBackend;
  /** Overwrite stored version n with `edit(stored)` behind the backend's back. */
  tamper(n: number, edit: (v: HistoryVersion) => HistoryVersion): Promise<void>;
  /** Delete stored version n behind the backend's back. */
  remove(n: number): Promise<void>;
  dispose(): Promise<void>;
}

export function conformance(label: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`${label} state backend (conformance)`, () => {
    let h: StoreHarness;
    const opened: StateBackend[] = [];
    const open = () => {
      const b = h.open();
      opened.push(b);
      return b;
    };
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
      await h.dispose();
    });

    it("reads an empty state whose lineage is stored, so every reader sees the same one", async () => {
      const a = open();
      const s = await a.state.read();
      expect(s).toMatchObject({ serial: 0, resources: {} });
      expect(s.lineage).toMatch(/^[0-9a-f-]{36}$/);
      expect((await open().state.read()).lineage).toBe(s.lineage);
      expect(await listAll(a)).toEqual([]);
      expect(await a.history.latest()).toBeUndefined();
      expect(await a.locker.current()).toBeUndefined();
    });

    it("record sets and removes one resource and bumps the serial each time", async () => {
      const a = open();
      const lineage = (await a.state.read()).lineage;
      expect((await record(a, "segment.vip", resource("vip"))).serial).toBe(1);
      const s2 = await record(a, "segment.new", resource("new"));
      expect(s2.serial).toBe(2);
      expect(Object.keys(s2.resources).sort()).toEqual(["segment.new", "segment.vip"]);
      const s3 = await record(a, "segment.vip", null);
      expect(s3.serial).toBe(3);
      const back = await open().state.read();
      expect(back).toEqual(s3);
      expect(back.lineage).toBe(lineage);
      expect(back.resources["segment.new"]).toEqual(resource("new"));
    });

    it("loses no update when two instances record at the same time", async () => {
      const a = open();
      const b = open();
      await a.state.read();
      const n = 25;
      await Promise.all(
        Array.from({ length: n }, (_, i) => [record(a, `segment.a${i}`, resource(`a${i}`)), record(b, `segment.b${i}`, resource(`b${i}`))]).flat(),
      );
      const s = await open().state.read();
      expect(Object.keys(s.resources)).toHaveLength(2 * n);
      expect(s.serial).toBe(2 * n);
    });

    it("returns the true state from record even after another instance wrote in between", async () => {
      const a = open();
      const b = open();
      await record(a, "segment.a1", resource("a1"));
      await record(b, "segment.b1", resource("b1"));
      const s = await record(a, "segment.a2", resource("a2"));
      expect(s.serial).toBe(3);
      expect(Object.keys(s.resources).sort()).toEqual(["segment.a1", "segment.a2", "segment.b1"]);
      const replaced = await b.state.write({ ...(await b.state.read()), resources: { "segment.z": resource("z") } });
      const after = await record(a, "segment.a3", resource("a3"));
      expect(after.serial).toBe(replaced.serial + 1);
      expect(Object.keys(after.resources).sort()).toEqual(["segment.a3", "segment.z"]);
      expect(await open().state.read()).toEqual(after);
      // What a caller does to a returned state does not leak into the next one.
      after.resources["segment.bogus"] = resource("bogus");
      expect(Object.keys((await record(a, "segment.a3", null)).resources)).toEqual(["segment.z"]);
    });

    it("write replaces the state and never moves the serial backwards", async () => {
      const a = open();
      const s = await a.state.read();
      await record(a, "segment.x", resource("x"));
      await record(a, "segment.y", resource("y"));
      const w = await a.state.write({ ...s, resources: { "segment.z": resource("z") } });
      expect(w.serial).toBe(3);
      expect(await open().state.read()).toEqual(w);
      expect(Object.keys(w.resources)).toEqual(["segment.z"]);
    });

    it("refuses a second holder with who holds the lock and since when", async () => {
      const a = open();
      const b = open();
      const held = await a.locker.lock("apply", "ana@laptop");
      const info = held.info;
      expect(info).toMatchObject({ holder: "ana@laptop", operation: "apply" });
      const err = await b.locker.lock("apply", "ci@runner").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockedError);
      const msg = (err as Error).message;
      expect(msg).toContain("ana@laptop");
      expect(msg).toContain(info.time);
      expect(msg).toContain(`mops force-unlock ${info.id}`);
      expect((err as LockedError).info.id).toBe(info.id);
      expect(await b.locker.current()).toEqual(info);
      // The same instance cannot take it twice either.
      await expect(a.locker.lock("apply", "ana@laptop")).rejects.toBeInstanceOf(LockedError);
      await held.assertHeld();
      await held.release();
      await held.release(); // twice is harmless
      expect(await b.locker.current()).toBeUndefined();
      const second = await b.locker.lock("apply", "ci@runner");
      expect(second.info.id).not.toBe(info.id);
      await second.release();
    });

    it("waits for the lock up to --lock-timeout, and takes it once released", async () => {
      const a = open();
      const b = open();
      const held = await a.locker.lock("apply", "ana@laptop");
      const waiting = b.locker.lock("apply", "ci@runner", { timeoutMs: 60_000 });
      await held.release();
      const taken = await waiting;
      expect(taken.info.holder).toBe("ci@runner");
      await taken.release();
    });

    it("force-unlock removes only the named lock; the old holder then knows it lost it", async () => {
      const a = open();
      const b = open();
      const held = await a.locker.lock("apply", "ana@laptop");
      expect(await b.locker.forceUnlock("some-other-id")).toBeUndefined();
      await expect(b.locker.lock("apply", "ci@runner")).rejects.toBeInstanceOf(LockedError);
      expect(await b.locker.forceUnlock(held.info.id)).toEqual(held.info);
      expect(await b.locker.current()).toBeUndefined();
      const taken = await b.locker.lock("apply", "ci@runner");
      await expect(held.assertHeld()).rejects.toThrow(/no longer holds the state lock|connection that held the state lock was lost/);
      expect(held.lost.aborted).toBe(true);
      // The old holder finishing late does not release the new holder's lock.
      await held.release();
      expect(await open().locker.current()).toEqual(taken.info);
      await taken.release();
    });

    it("journals a run: its start, each operation before its request, each result, its end", async () => {
      const a = open();
      const desired = { name: "shop", environment: "prod", environments: {}, resources: [] } as never;
      await a.state.apply({ type: "run-begin", run: { id: "R", actor: "ana", command: "apply", startedAt: "t", version: 1, desired } });
      await a.state.apply({ type: "op-begin", operation: { op: "R:1", address: "segment.vip", kind: "segment", name: "vip", action: "create", after: { type: "dynamic" } as never, startedAt: "t" } });
      await a.state.apply({ type: "op-begin", operation: { op: "R:2", address: "segment.old", kind: "segment", name: "old", action: "delete", id: "x", startedAt: "t" } });
      await a.state.apply({ type: "resource", address: "segment.vip", resource: resource("vip"), op: "R:1" });
      await a.state.apply({ type: "op-end", op: "R:2", result: "failed", message: "in use" });
      await a.state.apply({ type: "retired", key: "segment.vip@old", object: { address: "segment.vip", kind: "segment", id: "old", attributes: {} as never, mode: "drain", since: "t" } });
      const seen = await open().state.read();
      expect(seen.run).toMatchObject({ id: "R", actor: "ana", version: 1 });
      expect(seen.run!.operations.map((o) => [o.op, o.result, o.message])).toEqual([["R:1", "done", undefined], ["R:2", "failed", "in use"]]);
      expect(seen.resources["segment.vip"]).toEqual(resource("vip"));
      expect(seen.retired).toEqual({ "segment.vip@old": expect.objectContaining({ id: "old", mode: "drain" }) });
      expect(seen.serial).toBe(6);
      await a.state.apply({ type: "retired", key: "segment.vip@old", object: null });
      await a.state.apply({ type: "run-end", run: "R" });
      const after = await open().state.read();
      expect(after.run).toBeUndefined();
      expect(after.retired).toBeUndefined();
      expect(after).toEqual(await a.state.read());
    });

    it("appends versions 1..n chained by hash, listed ascending", async () => {
      const a = open();
      const v1 = await a.history.append(versionInput("one"));
      const v2 = await open().history.append(versionInput("two"));
      const v3 = await a.history.append({ ...versionInput("three"), outcome: "partial", errors: [{ address: "segment.x", message: "429" }] });
      expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
      expect(v1.prevHash).toMatch(/^0{64}$/);
      expect(v2.prevHash).toBe(v1.hash);
      expect(v3.prevHash).toBe(v2.hash);
      expect(new Set([v1.hash, v2.hash, v3.hash]).size).toBe(3);
      const list = await listAll(open());
      expect(list.map((v) => v.version)).toEqual([1, 2, 3]);
      expect(list).toEqual([v1, v2, v3]);
      expect(await a.history.get(2)).toEqual(v2);
      expect(await open().history.latest()).toEqual(v3);
      expect(await a.history.get(4)).toBeUndefined();
      expect(await a.history.get(0)).toBeUndefined();
      expect(await a.history.verify()).toMatchObject({ ok: true, checked: 3 });
      expect(await a.history.verify(2)).toMatchObject({ ok: true, checked: 2 });
      expect(await a.history.verify(5)).toMatchObject({ ok: false, broken: { version: 4 } });
    });

    it("pages summaries newest first, with the total, without the desired stacks", async () => {
      const a = open();
      for (let i = 1; i <= 5; i++) await a.history.append(versionInput(`v${i}`));
      const first = await a.history.page({ limit: 2 });
      expect(first.total).toBe(5);
      expect(first.versions.map((v) => v.version)).toEqual([5, 4]);
      expect(first.versions[0]).toMatchObject({ gitCommit: "v5", outcome: "complete", summary: { add: 1 } });
      expect(first.versions[0]).not.toHaveProperty("desired");
      expect((await a.history.page({ limit: 10, before: 3 })).versions.map((v) => v.version)).toEqual([2, 1]);
      expect((await a.history.page({ limit: 10, before: 1 })).versions).toEqual([]);
    });

    it("detects an edited version at that version", async () => {
      const a = open();
      for (const n of ["one", "two", "three"]) await a.history.append(versionInput(n));

      await h.tamper(2, (v) => ({ ...v, actor: "mallory@evil" }));
      expect(await a.history.verify()).toMatchObject({ ok: false, broken: { version: 2, reason: expect.stringContaining("content edited") } });
      // Versions before the edit still verify on their own.
      expect(await a.history.verify(1)).toMatchObject({ ok: true });
    });

    it("detects a tampered version whose hash was recomputed, at the next version", async () => {
      const a = open();
      for (const n of ["one", "two", "three"]) await a.history.append(versionInput(n));
      const { hashVersion } = await import("../../../src/state/chain");
      await h.tamper(2, (v) => {
        const { hash: _old, ...content } = { ...v, outcome: "complete" as const, actor: "mallory@evil" };
        return { ...content, hash: hashVersion(content, content.prevHash) };
      });
      expect(await a.history.verify()).toMatchObject({ ok: false, broken: { version: 3, reason: expect.stringContaining("chain broken") } });
    });

    it("detects a deleted version", async () => {
      const a = open();
      for (const n of ["one", "two", "three"]) await a.history.append(versionInput(n));
      await h.remove(2);
      expect(await a.history.verify()).toMatchObject({ ok: false, broken: { version: 2, reason: expect.stringContaining("missing") } });
    });

    it("never produces two version N when instances append at the same time", async () => {
      const a = open();
      const b = open();
      const made = await Promise.all(
        Array.from({ length: 8 }, (_, i) => [a.history.append(versionInput(`a${i}`)), b.history.append(versionInput(`b${i}`))]).flat(),
      );
      expect(made.map((v) => v.version).sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      const list = await listAll(open());
      expect(list.map((v) => v.version)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(new Set(list.map((v) => v.gitCommit)).size).toBe(16);
      expect(await a.history.verify()).toMatchObject({ ok: true, checked: 16 });
    });
  });
}
