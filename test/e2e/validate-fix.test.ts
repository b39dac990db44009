import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { editStack, mops, ROOT, tempStack } from "../helpers/cli";

/** `mops validate` with the last applied version, and `--fix`, as a user runs them. */
describe("validate reads the state and fixes what is safe", { timeout: 120_000 }, () => {
  const dir = tempStack();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => mops(args, { cwd: dir });
  const stackFile = join(dir, "mops.yaml");

  it("catches a journey going live at 100 % before anything was applied, and --fix starts it small, keeping the file's comments", async () => {
    const text = readFileSync(stackFile, "utf8").replace("    protected: true\n", "").replace("  sandbox:\n", "  sandbox:\n    protected: true\n");
    writeFileSync(stackFile, text);
    writeFileSync(join(dir, "policy.yaml"), "safe_rollout: { max_percent: 50, environments: [sandbox] }\n");
    const v = await run("validate", "--env", "sandbox");
    expect(v.code).toBe(1);
    expect(v.stdout.match(/error rollout\/unsafe-activation/g)).toHaveLength(2);
    expect(v.stdout).toContain("= fix: start at 50 % in sandbox (safe: `mops validate --fix` applies it)");

    const fixed = await run("validate", "--env", "sandbox", "--fix");
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toMatch(/^Applied 2 fixes in mops\.yaml:\n  start at 50 % in sandbox\n  start at 50 % in sandbox\n/);
    const after = readFileSync(stackFile, "utf8");
    // Every line the author wrote is still there; the fix only added the overrides.
    for (const line of text.split("\n")) expect(after.split("\n")).toContain(line);
    expect(parse(after).environments.sandbox.overrides.workflows).toEqual({ welcome_series: { rollout_percent: 50 }, vip_thank_you: { rollout_percent: 50 } });
  });

  it("after an apply, a journey that was already live is no first activation; a new one is", async () => {
    const applied = await run("apply", "--auto-approve", "--approved-by", "ana,lifecycle");
    expect(applied.code).toBe(0);
    editStack(dir, (doc) => {
      delete doc.environments.sandbox.overrides;
      doc.workflows.vip_again = { ...doc.workflows.vip_thank_you, priority: 30 };
    });
    const v = await run("validate", "--env", "sandbox", "--format", "json");
    const found = JSON.parse(v.stdout).diagnostics.filter((d: { code: string }) => d.code === "rollout/unsafe-activation");
    expect(found.map((d: { address: string }) => d.address)).toEqual(["workflow.vip_again"]);
  });

  it("says which checks were skipped when the state cannot be read", async () => {
    editStack(dir, (doc) => {
      doc.environments.sandbox.state = { backend: "postgres", url: "${env:MOPS_NO_SUCH_DATABASE_URL}" };
    });
    const v = await run("validate", "--env", "sandbox");
    expect(v.stdout).toContain("info state/checks-skipped: `rollout/unsafe-activation` compares with the last applied version and was skipped for `sandbox`");
    expect(v.stdout).toContain("MOPS_NO_SUCH_DATABASE_URL");
    expect(v.stdout).not.toContain("rollout/unsafe-activation:");
  });
});

describe("validate --fix", { timeout: 60_000 }, () => {
  it("prints the edits for a TypeScript stack instead of rewriting it", async () => {
    const file = join(ROOT, "test/fixtures/fix/ts-consent.ts");
    const before = readFileSync(file, "utf8");
    const r = await mops(["validate", file, "--fix"], { cwd: ROOT });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("A TypeScript stack is not rewritten; make these edits to its declarations:\n  add `{ consent: newsletter }` to the entry filter:\n    set workflow.welcome: entry_filter = { consent: newsletter }");
    expect(readFileSync(file, "utf8")).toBe(before);
  });
});
