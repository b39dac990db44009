import { rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backendOf, liveSnapshot, mops, tempStack, withPlatform } from "../../helpers/cli";

describe("interrupt and import", { timeout: 240_000 }, () => {
  it("Ctrl-C during apply lets running operations finish, records a partial version, exits 1; the next apply finishes", async () => {
    const dir = tempStack();
    try {
      let sent = false;
      const r = await mops(["apply", "--auto-approve", "--concurrency", "1"], {
        cwd: dir,
        env: { MOPS_SANDBOX_FAULTS: JSON.stringify({ latencyMs: 300 }) },
        onStdout: (out, child) => {
          if (!sent && /creating… done/.test(out)) {
            sent = true;
            child.kill("SIGINT");
          }
        },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("Interrupted: no new operations start");
      expect(r.stdout).toMatch(/Apply partial: \d+ done, 0 failed, \d+ skipped/);
      expect(r.stdout).toContain("(interrupted)");
      const b = await backendOf(dir);
      const v = (await b.history.latest())!;
      const managed = Object.keys((await b.state.read()).resources).length;
      expect(await b.locker.current()).toBeUndefined();
      await b.close();
      expect(v.outcome).toBe("partial");
      expect(managed).toBeGreaterThan(0);
      expect(managed).toBeLessThan(16);

      const next = await mops(["apply", "--auto-approve"], { cwd: dir });
      expect(next.code).toBe(0);
      expect(next.stdout).toContain(`Resources: ${16 - managed} added`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("import adopts live objects nobody manages and writes them into the stack; the next plan is empty", async () => {
    const dir = tempStack();
    try {
      expect((await mops(["apply", "--auto-approve"], { cwd: dir })).code).toBe(0);
      await withPlatform(dir, async (p) => {
        const refs = { idOf: () => undefined, nameOf: () => undefined };
        await p.create({ kind: "team", name: "growth", spec: { description: "made in the UI" } }, { refs });
      });
      const r = await mops(["import"], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Imported 1 objects into state (version 2).");
      expect(await readFile(join(dir, "imported", "teams.yaml"), "utf8")).toContain("growth:\n    description: made in the UI");
      const b = await backendOf(dir);
      const state = await b.state.read();
      const latest = await b.history.latest();
      await b.close();
      expect(state.resources["team.growth"]).toMatchObject({ origin: "imported" });
      expect(latest).toMatchObject({ version: 2, command: "import", outcome: "complete", changes: [{ action: "adopt", address: "team.growth", reasons: [{ code: "import-command" }] }] });
      expect((await mops(["plan", "--detailed-exitcode"], { cwd: dir })).code).toBe(0);
      expect((await liveSnapshot(dir)).objects.filter((o) => o.name === "growth")).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
