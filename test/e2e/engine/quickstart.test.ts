import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mops } from "../../helpers/cli";

describe("mops quickstart", { timeout: 120_000 }, () => {
  it("plans and applies the example on the embedded sandbox and shows the history", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "mops-qs-")), "work");
    try {
      const r = await mops(["quickstart", "--dir", dir], { cwd: tmpdir() });
      const notes = r.stderr.replace(/Read \d+ live objects in \d+ requests \(\d+ ms\)\.\n/g, "");
      // The quickstart walks the reviewed-plan path: plan --out, then apply of exactly that plan.
      // Notes (the quickstart declares no event catalogue) come first; no warning or error does.
      expect(notes).not.toMatch(/^(warning|error) /m);
      expect(notes.trim().split("\n").pop()).toBe(`Saved the plan to ${join(dir, "plan.json")}. Apply exactly this plan with: mops apply ${join(dir, "plan.json")}`);
      expect(r.code).toBe(0);
      const plan = r.stdout.indexOf("Plan: 16 to add, 0 to change, 0 to destroy.");
      expect(r.stdout).toContain("Applying the saved plan: 16 to add, 0 to change, 0 to destroy.");
      const applied = r.stdout.indexOf("Apply complete! Resources: 16 added, 0 changed, 0 destroyed.");
      const history = r.stdout.search(/^1\s+\S+\s+tester@example.com\s+apply\s+complete/m);
      expect(plan).toBeGreaterThan(0);
      expect(applied).toBeGreaterThan(plan);
      expect(history).toBeGreaterThan(applied);
      expect((await mops(["plan", "--detailed-exitcode"], { cwd: dir })).code).toBe(0);
    } finally {
      rmSync(join(dir, ".."), { recursive: true, force: true });
    }
  });
});
