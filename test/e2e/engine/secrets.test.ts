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

/** Any field may hold a secret (a webhook URL with a token): it stays a reference everywhere but the request. */
describe("secrets in resource fields", { timeout: 300_000 }, () => {
  const dir = tempStack();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const SECRET = "whk-SENTINEL-7c21";

  it("never reach plan files, the PR comment, state, the journal, history or output; the platform gets the value", async () => {
    editStack(dir, (doc) => {
      doc.templates.crm_hook = { channel: "webhook", body: "{}", url: "https://hooks.example.com/crm?token=${env:CRM_HOOK_TOKEN}" };
    });
    const env = { CRM_HOOK_TOKEN: SECRET };
    const plan = await mops(["plan", "--out", "plan.json"], { cwd: dir, env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("url: https://hooks.example.com/crm?token=${env:CRM_HOOK_TOKEN}");
    const md = await mops(["plan", "--format", "markdown"], { cwd: dir, env });
    const apply = await mops(["apply", "plan.json"], { cwd: dir, env });
    expect(apply.code).toBe(0);
    const again = await mops(["plan", "--detailed-exitcode"], { cwd: dir, env });
    expect(again.code).toBe(0);
    const show = await mops(["show", "1", "--format", "json"], { cwd: dir, env });
    const history = await mops(["history"], { cwd: dir, env });
    const printed = [plan, md, apply, again, show, history].map((r) => r.stdout + r.stderr).join("\n");
    expect(printed).not.toContain(SECRET);
    expect(readFileSync(join(dir, "plan.json"), "utf8")).not.toContain(SECRET);
    // Everything Mops keeps (the sandbox's own data is the platform's copy, which must hold the value).
    const kept = join(dir, ".mops", "quickstart");
    expect(allText(kept)).not.toContain(SECRET);
    expect(allText(kept)).toContain("${env:CRM_HOOK_TOKEN}");
    expect(allText(join(dir, ".mops", "sandbox"))).toContain(SECRET);

    // A rotated secret is a change, shown without either value.
    const rotated = await mops(["plan"], { cwd: dir, env: { CRM_HOOK_TOKEN: "whk-NEW-0001" } });
    expect(rotated.stdout).toContain('~ url: "(sensitive value)" -> "https://hooks.example.com/crm?token=${env:CRM_HOOK_TOKEN}"');
    expect(rotated.stdout + rotated.stderr).not.toMatch(/whk-(SENTINEL|NEW)/);
  });
});
