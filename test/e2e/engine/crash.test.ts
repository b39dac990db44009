import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { backendOf, liveSnapshot, mops, tempStack } from "../../helpers/cli";

/**
 * The sandbox SIGKILLs the whole `mops apply` process right after its Nth
 * persisted write: the platform has objects the state has not journaled.
 * The next apply must converge: no duplicates, state = live, history intact.
 */
describe("crash safety", { timeout: 300_000 }, () => {
  it.each([1, 3, 7])("an apply killed after %i platform writes converges on the next apply", async (n) => {
    const dir = tempStack();
    try {
      const crashed = await mops(["apply", "--auto-approve"], { cwd: dir, env: { MOPS_SANDBOX_FAULTS: JSON.stringify({ crashAfterWrites: n }) } });
      expect(crashed.signal).toBe("SIGKILL");

      // The killed run still holds the lock: the next one is told so, with the id to release (checked once; it is the same every time).
      if (n === 1) {
        const refused = await mops(["apply", "--auto-approve"], { cwd: dir });
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain("state is locked by tester@example.com (apply)");
        const id = /mops force-unlock ([0-9a-f-]{36})/.exec(refused.stderr)?.[1];
        expect(id).toBeDefined();
        expect((await mops(["force-unlock", id!], { cwd: dir })).code).toBe(0);
      } else {
        const b = await backendOf(dir);
        expect(await b.locker.forceUnlock()).toMatchObject({ holder: "tester@example.com", operation: "apply" });
        await b.close();
      }

      const next = await mops(["apply", "--auto-approve"], { cwd: dir });
      expect(next.stderr).toBe("");
      expect(next.code).toBe(0);
      // What the killed run did is its own version; the object whose answer was lost is known by its owner mark, not adopted.
      expect(next.stdout).toMatch(new RegExp(`Recovered an apply by tester@example.com \\(started [^)]+\\) that was killed: ${n} finished operations? recorded as version 1`));
      expect(next.stdout).not.toMatch(/adopting/);

      const { objects } = await liveSnapshot(dir);
      const names = objects.map((o) => `${o.kind}.${o.name}`);
      expect(new Set(names).size).toBe(names.length);
      expect(names).toHaveLength(16);

      const b = await backendOf(dir);
      const state = await b.state.read();
      expect(Object.keys(state.resources).sort()).toEqual([...names].sort());
      for (const o of objects) {
        const s = state.resources[`${o.kind}.${o.name}`];
        expect(s.id).toBe(o.id);
        expect(s.attributes).toEqual(o.spec);
      }
      const versions = [(await b.history.get(1))!, (await b.history.get(2))!];
      expect(versions.map((v) => v.outcome)).toEqual(["recovered", "complete"]);
      expect(await b.history.latest()).toEqual(versions[1]);
      // Every create is in exactly one version: nothing the killed run did is lost, nothing is done twice.
      expect(versions.flatMap((v) => v.changes.map((c) => `${c.action} ${c.address}`)).sort()).toEqual(names.map((a) => `create ${a}`).sort());
      expect(await b.history.verify()).toMatchObject({ ok: true });
      expect(state.run).toBeUndefined();
      await b.close();

      expect((await mops(["plan", "--detailed-exitcode"], { cwd: dir })).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
