import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSandboxProvider } from "../../../providers/sandbox";
import { backendOf, editStack, liveSnapshot, mops, tempStack } from "../../helpers/cli";

/**
 * Two stacks on one account (one sandbox data directory): neither takes over
 * the other's objects, whatever their names; adoption happens only when asked.
 */
describe("ownership across stacks", { timeout: 300_000 }, () => {
  const account = mkdtempSync(join(tmpdir(), "mops-account-"));
  const a = tempStack();
  const b = tempStack();
  afterAll(() => [account, a, b].forEach((d) => rmSync(d, { recursive: true, force: true })));
  const shared = (dir: string, name: string) =>
    editStack(dir, (d) => {
      d.stack = name;
      d.environments.sandbox.provider.data_dir = account;
    });
  shared(a, "brand_a");
  shared(b, "brand_b");

  it("the second stack's plan stops at a name the first stack's object holds, and changes nothing", async () => {
    expect((await mops(["apply", "--auto-approve"], { cwd: a })).code).toBe(0);
    const before = await liveSnapshot(a);
    const p = await mops(["plan"], { cwd: b });
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/error plan\/name-taken: template\.welcome_email: a live template with this name already exists \(id tpl_[0-9a-f]+, made by stack brand_a \(sandbox\)\)/);
    expect(p.stderr).toContain("--adopt template.welcome_email --force");
    const apply = await mops(["apply", "--auto-approve"], { cwd: b });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("The plan has errors: nothing was changed.");
    // Asking to adopt is not enough for an object another stack made.
    const asked = await mops(["plan", "--adopt", "template.welcome_email"], { cwd: b });
    expect(asked.stderr).toContain("error plan/owned-elsewhere: template.welcome_email");
    expect((await liveSnapshot(a)).objects.map((o) => o.id).sort()).toEqual(before.objects.map((o) => o.id).sort());
  });

  it("an object nobody owns is adopted only through an import entry naming its id, and not deleted by a stack that never owned it", async () => {
    // Made in the platform's UI: no owner mark.
    const p = await createSandboxProvider({ config: { type: "sandbox", data_dir: account }, stack: "x", environment: "sandbox", baseDir: account, env: {} });
    const made = await p.create({ kind: "team", name: "growth", spec: { description: "made in the UI" } }, { refs: { idOf: () => undefined, nameOf: () => undefined } });
    await p.close();

    editStack(a, (d) => (d.teams.growth = { description: "Growth marketing" }));
    const refused = await mops(["plan"], { cwd: a });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`team.growth: a live team with this name already exists (id ${made.id}, which no Mops state owns)`);

    editStack(a, (d) => (d.environments.sandbox.import = [{ kind: "team", name: "growth", id: made.id }]));
    const plan = await mops(["plan"], { cwd: a });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`# team.growth will be adopted into state (id ${made.id})`);
    expect(plan.stdout).toContain("# the stack's `import` entry names it");
    expect((await mops(["apply", "--auto-approve"], { cwd: a })).code).toBe(0);
    const be = await backendOf(a, "brand_a");
    expect((await be.state.read()).resources["team.growth"]).toMatchObject({ id: made.id, origin: "imported", attributes: { description: "Growth marketing" } });
    await be.close();
    // Done: the entry is now a no-op.
    expect((await mops(["plan", "--detailed-exitcode"], { cwd: a })).code).toBe(0);

    // Stack b never owned it: dropping the name from b deletes nothing on the platform.
    editStack(b, (d) => delete d.teams);
    expect((await liveSnapshot(a)).byName["team.growth"]).toBeDefined();
  });
});
