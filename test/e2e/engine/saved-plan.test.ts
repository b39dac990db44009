import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendOf, editStack, liveSnapshot, mops, tempStack, withPlatform } from "../../helpers/cli";

describe("saved plans and the lock", { timeout: 240_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempStack();
    expect((await mops(["apply", "--auto-approve"], { cwd: dir })).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => mops(args, { cwd: dir });

  it("refuses a saved plan when live objects changed since, saying which", async () => {
    editStack(dir, (d) => (d.segments.vip.description = "Top customers."));
    const p = await run("plan", "--out", "plan.json", "--detailed-exitcode");
    expect(p.code).toBe(2);
    expect(p.stderr).toContain("Saved the plan to plan.json");
    await withPlatform(dir, async (pl) => {
      const refs = { idOf: () => undefined, nameOf: () => undefined };
      const [t] = (await pl.list("team", { refs })).filter((o) => o.name === "lifecycle");
      await pl.update({ kind: "team", name: "lifecycle", spec: { ...t.spec, description: "renamed in the UI" } } as never, t, { refs });
    });
    const a = await run("apply", "plan.json");
    expect(a.code).toBe(1);
    expect(a.stderr).toContain("live team.lifecycle changed since the plan");
    expect(a.stderr).toContain("The saved plan is not the plan made now: nothing was changed.");
    expect(((await liveSnapshot(dir)).byName["segment.vip"] as { description: string }).description).toBe("Our best customers.");
  });

  it("refuses a saved plan made at an older state serial", async () => {
    const p = await run("plan", "--out", "old.json");
    expect(p.code).toBe(0);
    const b = await backendOf(dir);
    const serial = (await b.state.read()).serial;
    await b.close();
    expect((await run("apply", "--auto-approve")).code).toBe(0);
    const a = await run("apply", "old.json");
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(new RegExp(`the state changed since the plan was made: another apply or import ran \\(state serial ${serial} -> \\d+\\)`));
  });

  it("applies an unchanged saved plan exactly, without asking", async () => {
    editStack(dir, (d) => (d.teams.lifecycle.description = "Lifecycle and CRM"));
    expect((await run("plan", "--out", join(dir, "ok.json"))).code).toBe(0);
    const a = await run("apply", "ok.json");
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    expect(a.stdout).toContain("Apply complete! Resources: 0 added, 1 changed, 0 destroyed.");
    expect(((await liveSnapshot(dir)).byName["team.lifecycle"] as { description: string }).description).toBe("Lifecycle and CRM");
    const b = await backendOf(dir);
    const last = (await b.history.latest())!;
    await b.close();
    expect(last.changes.map((c) => c.address)).toEqual(["team.lifecycle"]);
    expect((await run("plan", "--detailed-exitcode")).code).toBe(0);
  });

  it("a second apply is refused while the lock is held, with who holds it", async () => {
    const b = await backendOf(dir);
    const lock = await b.locker.lock("apply", "holder@example.com");
    try {
      const a = await run("apply", "--auto-approve");
      expect(a.code).toBe(1);
      expect(a.stderr).toContain("state is locked by holder@example.com (apply) since");
      expect(a.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await lock.release();
      await b.close();
    }
  });
});
