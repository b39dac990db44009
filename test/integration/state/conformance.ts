/**
 * The behaviour every StateBackend must have, run against each backend by its
 * own *.test.ts with a harness that knows how to reach behind the backend
 * (to tamper with stored history the way an attacker or a bad edit would).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LockedError, type HistoryVersion, type StateBackend } from "../../../src/state/types";
import { resource, versionInput } from "./fixtures";

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
      const s = await a.read();
      expect(s).toMatchObject({ serial: 0, resources: {} });
      expect(s.lineage).toMatch(/^[0-9a-f-]{36}$/);
      expect((await open().read()).lineage).toBe(s.lineage);
      expect(await a.listVersions()).toEqual([]);
      expect(await a.latestVersion()).toBeUndefined();
      expect(await a.currentLock()).toBeUndefined();
    });

    it("record sets and removes one resource and bumps the serial each time", async () => {
      const a = open();
      const lineage = (await a.read()).lineage;
      expect((await a.record("segment.vip", resource("vip"))).serial).toBe(1);
      const s2 = await a.record("segment.new", resource("new"));
      expect(s2.serial).toBe(2);
      expect(Object.keys(s2.resources).sort()).toEqual(["segment.new", "segment.vip"]);
      const s3 = await a.record("segment.vip", null);
      expect(s3.serial).toBe(3);
      const back = await open().read();
      expect(back).toEqual(s3);
      expect(back.lineage).toBe(lineage);
      expect(back.resources["segment.new"]).toEqual(resource("new"));
    });

    it("loses no update when two instances record at the same time", async () => {
      const a = open();
      const b = open();
      await a.read();
      const n = 25;
      await Promise.all(
        Array.from({ length: n }, (_, i) => [a.record(`segment.a${i}`, resource(`a${i}`)), b.record(`segment.b${i}`, resource(`b${i}`))]).flat(),
      );
      const s = await open().read();
      expect(Object.keys(s.resources)).toHaveLength(2 * n);
      expect(s.serial).toBe(2 * n);
    });

    it("returns the true state from record even after another instance wrote in between", async () => {
      const a = open();
      const b = open();
      await a.record("segment.a1", resource("a1"));
      await b.record("segment.b1", resource("b1"));
      const s = await a.record("segment.a2", resource("a2"));
      expect(s.serial).toBe(3);
      expect(Object.keys(s.resources).sort()).toEqual(["segment.a1", "segment.a2", "segment.b1"]);
      const replaced = await b.write({ ...(await b.read()), resources: { "segment.z": resource("z") } });
      const after = await a.record("segment.a3", resource("a3"));
      expect(after.serial).toBe(replaced.serial + 1);
      expect(Object.keys(after.resources).sort()).toEqual(["segment.a3", "segment.z"]);
      expect(await open().read()).toEqual(after);
      // What a caller does to a returned state does not leak into the next one.
      after.resources["segment.bogus"] = resource("bogus");
      expect(Object.keys((await a.record("segment.a3", null)).resources)).toEqual(["segment.z"]);
    });

    it("write replaces the state and never moves the serial backwards", async () => {
      const a = open();
      const s = await a.read();
      await a.record("segment.x", resource("x"));
      await a.record("segment.y", resource("y"));
      const w = await a.write({ ...s, resources: { "segment.z": resource("z") } });
      expect(w.serial).toBe(3);
      expect(await open().read()).toEqual(w);
      expect(Object.keys(w.resources)).toEqual(["segment.z"]);
    });

    it("refuses a second holder with who holds the lock and since when", async () => {
      const a = open();
      const b = open();
      const info = await a.lock("apply", "ana@laptop");
      expect(info).toMatchObject({ holder: "ana@laptop", operation: "apply" });
      const err = await b.lock("apply", "ci@runner").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockedError);
      const msg = (err as Error).message;
      expect(msg).toContain("ana@laptop");
      expect(msg).toContain(info.time);
      expect(msg).toContain(`mops force-unlock ${info.id}`);
      expect((err as LockedError).info.id).toBe(info.id);
      expect(await b.currentLock()).toEqual(info);
      // The same instance cannot take it twice either.
      await expect(a.lock("apply", "ana@laptop")).rejects.toBeInstanceOf(LockedError);
      await b.unlock(info.id); // not b's lock: nothing happens
      await expect(b.lock("apply", "ci@runner")).rejects.toBeInstanceOf(LockedError);
      await a.unlock("not-the-id");
      await expect(b.lock("apply", "ci@runner")).rejects.toBeInstanceOf(LockedError);
      await a.unlock(info.id);
      expect(await b.currentLock()).toBeUndefined();
      const second = await b.lock("apply", "ci@runner");
      expect(second.id).not.toBe(info.id);
    });

    it("force-unlock removes only the named lock, then the lock can be taken", async () => {
      const a = open();
      const b = open();
      const info = await a.lock("apply", "ana@laptop");
      expect(await b.forceUnlock("some-other-id")).toBeUndefined();
      await expect(b.lock("apply", "ci@runner")).rejects.toBeInstanceOf(LockedError);
      expect(await b.forceUnlock(info.id)).toEqual(info);
      expect(await b.currentLock()).toBeUndefined();
      const taken = await b.lock("apply", "ci@runner");
      // The old holder finishing late does not release the new holder's lock.
      await a.unlock(info.id);
      expect(await open().currentLock()).toEqual(taken);
    });

    it("appends versions 1..n chained by hash, listed ascending", async () => {
      const a = open();
      const v1 = await a.appendVersion(versionInput("one"));
      const v2 = await open().appendVersion(versionInput("two"));
      const v3 = await a.appendVersion({ ...versionInput("three"), outcome: "partial", errors: [{ address: "segment.x", message: "429" }] });
      expect([v1.version, v2.version, v3.version]).toEqual([1, 2, 3]);
      expect(v1.prevHash).toMatch(/^0{64}$/);
      expect(v2.prevHash).toBe(v1.hash);
      expect(v3.prevHash).toBe(v2.hash);
      expect(new Set([v1.hash, v2.hash, v3.hash]).size).toBe(3);
      const list = await open().listVersions();
      expect(list.map((v) => v.version)).toEqual([1, 2, 3]);
      expect(list).toEqual([v1, v2, v3]);
      expect(await a.getVersion(2)).toEqual(v2);
      expect(await open().latestVersion()).toEqual(v3);
      expect(await a.getVersion(4)).toBeUndefined();
      expect(await a.getVersion(0)).toBeUndefined();
      expect(await a.verifyHistory()).toEqual({ ok: true });
    });

    it("detects an edited version at that version", async () => {
      const a = open();
      for (const n of ["one", "two", "three"]) await a.appendVersion(versionInput(n));

      await h.tamper(2, (v) => ({ ...v, actor: "mallory@evil" }));
      expect(await a.verifyHistory()).toEqual({ ok: false, broken: { version: 2, reason: expect.stringContaining("content edited") } });
    });

    it("detects a tampered version whose hash was recomputed, at the next version", async () => {
      const a = open();
      for (const n of ["one", "two", "three"]) await a.appendVersion(versionInput(n));
      const { hashVersion } = await import("../../../src/state/history");
      await h.tamper(2, (v) => {
        const { hash: _old, ...content } = { ...v, outcome: "complete" as const, actor: "mallory@evil" };
        return { ...content, hash: hashVersion(content, content.prevHash) };
      });
      expect(await a.verifyHistory()).toEqual({ ok: false, broken: { version: 3, reason: expect.stringContaining("chain broken") } });
    });

    it("detects a deleted version", async () => {
      const a = open();
      for (const n of ["one", "two", "three"]) await a.appendVersion(versionInput(n));
      await h.remove(2);
      expect(await a.verifyHistory()).toEqual({ ok: false, broken: { version: 2, reason: expect.stringContaining("missing") } });
    });

    it("never produces two version N when instances append at the same time", async () => {
      const a = open();
      const b = open();
      const made = await Promise.all(
        Array.from({ length: 8 }, (_, i) => [a.appendVersion(versionInput(`a${i}`)), b.appendVersion(versionInput(`b${i}`))]).flat(),
      );
      expect(made.map((v) => v.version).sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      const list = await open().listVersions();
      expect(list.map((v) => v.version)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
      expect(new Set(list.map((v) => (v.plan as unknown as { note: string }).note)).size).toBe(16);
      expect(await a.verifyHistory()).toEqual({ ok: true });
    });
  });
}
