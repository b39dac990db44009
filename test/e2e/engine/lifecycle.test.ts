import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendOf, editStack, liveSnapshot, mops, tempStack, withPlatform } from "../../helpers/cli";

/**
 * One stack's life through the CLI, as a subprocess against the embedded
 * sandbox: apply, no-op plan, edit, remove, drift, history, rollback.
 * The steps build on each other, so they run in order in one test file.
 */
describe("mops engine end to end", { timeout: 240_000 }, () => {
  let dir: string;
  let v1: Record<string, unknown>;
  beforeAll(() => {
    dir = tempStack();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => mops(args, { cwd: dir });

  it("refuses to apply without a terminal unless --auto-approve", async () => {
    const r = await run("apply");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("apply needs a confirmation, and there is no terminal to ask on");
    expect(r.stderr).toContain("--auto-approve");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const missing = await run("plan", "--detailed-exitcode", "no-such-stack");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no stack at `no-such-stack`");
  });

  it("plans the quickstart with --detailed-exitcode 2, applies it, then plans nothing (exit 0)", async () => {
    const p = await run("plan", "--detailed-exitcode");
    expect(p.code).toBe(2);
    expect(p.stdout).toContain("Plan: 16 to add, 0 to change, 0 to destroy.");
    const a = await run("apply", "--auto-approve");
    expect(a.stderr).toBe("");
    expect(a.code).toBe(0);
    expect(a.stdout).toContain("Apply complete! Resources: 16 added, 0 changed, 0 destroyed.");
    expect(a.stdout).toMatch(/workflow\.welcome_series: creating… done \(\d+ ms, id wf_[0-9a-f]+\)/);
    const again = await run("plan", "--detailed-exitcode");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No changes. Your marketing platform matches the stack.");
    v1 = (await liveSnapshot(dir)).byName;
    expect(Object.keys(v1)).toHaveLength(16);
  });

  it("an edit is an in-place update with a line diff of the template body", async () => {
    editStack(dir, (d) => {
      d.templates.welcome_email.body = d.templates.welcome_email.body.replace("WELCOME10", "WELCOME15");
      d.workflows.welcome_series.status = "paused";
    });
    const p = await run("plan");
    expect(p.stdout).toContain("# template.welcome_email will be updated in-place");
    expect(p.stdout).toContain("- thanks for joining. Here is 10% off your first order: WELCOME10.");
    expect(p.stdout).toContain("+ thanks for joining. Here is 10% off your first order: WELCOME15.");
    expect(p.stdout).toContain('~ status: "active" -> "paused"');
    expect(p.stdout).toContain("Plan: 0 to add, 2 to change, 0 to destroy.");
    const a = await run("apply", "--auto-approve");
    expect(a.code).toBe(0);
    const live = (await liveSnapshot(dir)).byName;
    expect((live["workflow.welcome_series"] as { status: string }).status).toBe("paused");
  });

  it("removing a resource destroys it; objects Mops did not create are never touched", async () => {
    await withPlatform(dir, (p) =>
      p.create({ kind: "team", name: "someone_elses", spec: { description: "made in the UI" } }, { refs: { idOf: () => undefined, nameOf: () => undefined } }),
    );
    editStack(dir, (d) => {
      delete d.workflows.vip_thank_you;
      delete d.templates.vip_thanks;
    });
    const p = await run("plan");
    expect(p.stdout).toContain("# workflow.vip_thank_you will be destroyed");
    expect(p.stdout).toContain("# template.vip_thanks will be destroyed");
    expect(p.stdout).not.toContain("someone_elses");
    expect(p.stdout).toContain("Plan: 0 to add, 0 to change, 2 to destroy.");
    const a = await run("apply", "--auto-approve");
    expect(a.code).toBe(0);
    // The workflow goes before the template it sent.
    expect(a.stdout.indexOf("workflow.vip_thank_you: destroying")).toBeLessThan(a.stdout.indexOf("template.vip_thanks: destroying"));
    const live = (await liveSnapshot(dir)).byName;
    expect(live["workflow.vip_thank_you"]).toBeUndefined();
    expect(live["team.someone_elses"]).toBeDefined();
  });

  it("a change made through the platform's API shows as drift, and the plan puts the stack back", async () => {
    await withPlatform(dir, async (p) => {
      const refs = { idOf: () => undefined, nameOf: () => undefined };
      const [seg] = (await p.list("segment", { refs })).filter((o) => o.name === "vip");
      await p.update({ kind: "segment", name: "vip", spec: { ...seg.spec, description: "edited in the UI" } } as never, seg, { refs });
    });
    const d = await run("drift", "--detailed-exitcode");
    expect(d.code).toBe(2);
    expect(d.stdout).toContain("Objects changed outside Mops");
    expect(d.stdout).toContain('~ description: "Our best customers." -> "edited in the UI"');
    const p = await run("plan");
    expect(p.stdout).toContain("# changed outside Mops; the stack wins");
    expect(p.stdout).toContain('~ description: "edited in the UI" -> "Our best customers."');
    expect((await run("apply", "--auto-approve")).code).toBe(0);
    expect((await run("drift", "--detailed-exitcode")).code).toBe(0);
  });

  it("history lists every version; show and diff read them; the chain verifies", async () => {
    const h = await run("history");
    expect(h.code).toBe(0);
    const lines = h.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^VERSION\s+TIME\s+ACTOR\s+COMMAND\s+OUTCOME\s+CHANGES\s+COMMIT$/);
    expect(lines).toHaveLength(5);
    // Newest first.
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(["VERSION", "4", "3", "2", "1"]);
    expect(lines[4]).toMatch(/^1\s+\S+Z\s+tester@example.com\s+apply\s+complete\s+16 to add, 0 to change, 0 to destroy\./);
    const page = await run("history", "--limit", "2");
    expect(page.stdout).toContain("2 older versions: `mops history --before 3`.");
    const verify = await run("history", "--verify");
    expect(verify.stdout).toBe("History verifies: 4 versions, every hash and link intact.\n");
    const s = await run("show", "3", "--format", "json");
    expect(JSON.parse(s.stdout)).toMatchObject({ version: 3, command: "apply", outcome: "complete" });
    const df = await run("diff", "1", "3");
    expect(df.stdout).toContain("- workflow.vip_thank_you (removed)");
    expect(df.stdout).toContain("~ template.welcome_email");
    expect(df.stdout).toContain("+  thanks for joining. Here is 10% off your first order: WELCOME15.");
  });

  it("rollback 1 restores the live state of version 1 exactly and records a rollback version", async () => {
    const r = await run("rollback", "1", "--auto-approve");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Rolling back to the desired state of version 1.");
    expect(r.stdout).toContain("Rollback complete!");
    const live = (await liveSnapshot(dir)).byName;
    delete live["team.someone_elses"];
    expect(live).toEqual(v1);
    const b = await backendOf(dir);
    const last = (await b.history.latest())!;
    expect(last).toMatchObject({ command: "rollback", rollbackOf: 1, outcome: "complete" });
    expect(await b.history.verify()).toMatchObject({ ok: true });
    await b.close();
  });
});
