import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendOf, editStack, liveSnapshot, mops, tempStack } from "../../helpers/cli";

const versionFile = (dir: string, n: number) => join(dir, ".mops", "quickstart", "sandbox", "history", `${String(n).padStart(6, "0")}.json`);

/** What a reviewer must be able to trust: a saved plan is the plan applied; history is what happened. */
describe("plans and history that can be trusted", { timeout: 300_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempStack();
    expect((await mops(["apply", "--auto-approve"], { cwd: dir })).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => mops(args, { cwd: dir });

  it("refuses a saved plan edited to turn a no-op into a delete, and deletes nothing", async () => {
    expect((await run("plan", "--out", "plan.json")).code).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8"));
    const c = plan.changes.find((x: { address: string }) => x.address === "workflow.welcome_series");
    c.action = "delete";
    delete c.after;
    plan.steps.push({ id: "delete:workflow.welcome_series", change: "workflow.welcome_series", phase: "delete", after: [] });
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    const a = await run("apply", "plan.json");
    expect(a.code).toBe(1);
    expect(a.stderr).toContain("error plan/tampered: the plan file's change to workflow.welcome_series is not the one computed from the stack");
    expect((await liveSnapshot(dir)).byName["workflow.welcome_series"]).toBeDefined();

    plan.changes[0].action = "explode";
    writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
    const b = await run("apply", "plan.json");
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/plan\.json is not a valid Mops plan file: changes\[0\]\.action: /);
    expect(b.stderr).not.toMatch(/\n\s+at /);
  });

  it("history --verify names the first edited version; show, diff and rollback refuse a broken chain", async () => {
    editStack(dir, (d) => (d.teams.lifecycle.description = "Lifecycle and CRM"));
    expect((await run("apply", "--auto-approve")).code).toBe(0);
    expect((await run("history", "--verify")).stdout).toBe("History verifies: 2 versions, every hash and link intact.\n");

    const original = readFileSync(versionFile(dir, 1), "utf8");
    writeFileSync(versionFile(dir, 1), original.replace('"actor": "tester@example.com"', '"actor": "mallory@example.com"'));
    const verify = await run("history", "--verify");
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain("error state/history-broken: history does not verify at version 1: content edited");
    for (const args of [["show", "1"], ["diff", "1", "2"], ["rollback", "1", "--auto-approve"]]) {
      const r = await run(...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toContain("history does not verify at version 1");
    }
    expect(((await liveSnapshot(dir)).byName["team.lifecycle"] as { description: string }).description).toBe("Lifecycle and CRM");
    writeFileSync(versionFile(dir, 1), original);
  });

  it("rollback to a version that did not complete asks again (or needs --accept-incomplete)", async () => {
    // A partial version 3, chained like any other (what an apply with a refused operation records).
    const b = await backendOf(dir);
    const v2 = (await b.history.get(2))!;
    const { version: _v, prevHash: _p, hash: _h, ...input } = v2;
    await b.history.append({ ...input, outcome: "partial", errors: [{ address: "segment.vip", message: "refused" }] });
    await b.close();
    const refused = await run("rollback", "3", "--auto-approve");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("version 3 was partial: its desired state was never fully live");
    expect(refused.stderr).toContain("--accept-incomplete");
    const accepted = await run("rollback", "3", "--auto-approve", "--accept-incomplete");
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain("Recorded version 4 (complete).");
  });
});
