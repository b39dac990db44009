import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { editStack, mops, tempStack } from "../../helpers/cli";

/** Every file under a directory, as text. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, "utf8"))
    .join("\n");
}

/**
 * A credential may hide in any provider setting (a token, an API key, a URL
 * with a password): none of them may reach state, history, plan files or output.
 */
describe("secrets in provider settings", { timeout: 120_000 }, () => {
  const dir = tempStack();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const SECRET = "sk-live-SENTINEL-9f3a";

  it("stay references in state, history, saved plans and everything printed", async () => {
    editStack(dir, (doc) => {
      doc.environments.sandbox.provider.api_key = "${env:SANDBOX_API_KEY}";
      doc.environments.sandbox.provider.token = "${env:SANDBOX_TOKEN}";
    });
    const env = { SANDBOX_API_KEY: SECRET, SANDBOX_TOKEN: `${SECRET}-token` };
    const plan = await mops(["plan", "--out", "plan.json", "--format", "json"], { cwd: dir, env });
    expect(plan.code).toBe(0);
    const apply = await mops(["apply", "--auto-approve"], { cwd: dir, env });
    expect(apply.code).toBe(0);
    const show = await mops(["show", "1", "--format", "json"], { cwd: dir, env });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("${env:SANDBOX_API_KEY}");
    const printed = [plan, apply, show].map((r) => r.stdout + r.stderr).join("\n");
    expect(printed).not.toContain(SECRET);
    expect(readFileSync(join(dir, "plan.json"), "utf8")).not.toContain(SECRET);
    expect(allText(join(dir, ".mops"))).not.toContain(SECRET);
  });

  it("an unset variable in a provider setting is a clear error, not a crash", async () => {
    const r = await mops(["plan"], { cwd: dir, env: { SANDBOX_TOKEN: "x" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("`SANDBOX_API_KEY`");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
