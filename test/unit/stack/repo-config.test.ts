import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadStack } from "../../../src/stack";
import { configOf, listStacks, loadRepoConfig } from "../../../src/stack/repo-config";

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mops-repo-"));
  mkdirSync(join(dir, ".git"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const SHARED = "properties:\n  loyalty_tier: { type: enum, values: [gold, silver] }\n";
const brand = (name: string, extra = "") => `stack: ${name}\ninclude: [../../shared/*.yaml]\nenvironments:\n  staging: { provider: { type: sandbox } }\n  sandbox: { provider: { type: sandbox } }\n${extra}`;

describe("include", () => {
  it("adds the declarations of the shared files a stack names, and lists them among its files", async () => {
    const dir = repo({ "brands/acme/mops.yaml": brand("acme"), "shared/properties.yaml": SHARED });
    const r = await loadStack(join(dir, "brands/acme"), { env: {} });
    expect(r.diagnostics).toEqual([]);
    expect(r.value!.stack.resources.map((x) => `${x.kind}.${x.name}`)).toEqual(["property.loyalty_tier"]);
    expect(r.value!.files).toContain(join(dir, "shared/properties.yaml"));
  });

  it("an include that names nothing is an error at its line", async () => {
    const dir = repo({ "s/mops.yaml": "stack: s\ninclude:\n  - ../nowhere.yaml\n" });
    const r = await loadStack(join(dir, "s"), { env: {} });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.range?.line, d.message])).toEqual([["MOPS225", 3, "`../nowhere.yaml` names no file"]]);
  });

  it("a resource declared both in the stack and in an included file is declared twice", async () => {
    const dir = repo({ "s/mops.yaml": "stack: s\ninclude: [../shared.yaml]\n" + SHARED, "shared.yaml": SHARED });
    const r = await loadStack(join(dir, "s"), { env: {} });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.range?.file, d.message])).toEqual([[join(dir, "shared.yaml"), expect.stringContaining("loyalty_tier")]]);
  });
});

describe("the repository config", () => {
  const CONFIG = "stacks: [brands/*]\npolicy: policies/shared.yaml\ndefault_environment: staging\n";

  it("lists its stacks in order, gives them the shared policy and default environment", async () => {
    const dir = repo({
      "mops.config.yaml": CONFIG,
      "policies/shared.yaml": "rules: {}\n",
      "shared/properties.yaml": SHARED,
      "brands/b10/mops.yaml": brand("b10"),
      "brands/b2/mops.yaml": brand("b2"),
      "brands/b2/policy.yaml": "rules: {}\n",
      "other/mops.yaml": "stack: other\nenvironments:\n  sandbox: { provider: { type: sandbox } }\n  staging: { provider: { type: sandbox } }\n",
    });
    const cfg = loadRepoConfig(join(dir, "mops.config.yaml"));
    expect(cfg.diagnostics).toEqual([]);
    expect(listStacks(cfg.value!).value).toEqual([join(dir, "brands/b2"), join(dir, "brands/b10")]);
    const b10 = await loadStack(join(dir, "brands/b10"), { env: {} });
    expect(b10.diagnostics).toEqual([]);
    expect(b10.value!.stack.environment).toBe("staging");
    expect(b10.value!.policyFile).toBe(join(dir, "policies/shared.yaml"));
    // A stack's own policy file wins over the shared one.
    expect((await loadStack(join(dir, "brands/b2"), { env: {} })).value!.policyFile).toBe(join(dir, "brands/b2/policy.yaml"));
    // A stack the config does not list keeps its own defaults.
    expect(configOf(join(dir, "other")).value).toBeUndefined();
    expect((await loadStack(join(dir, "other"), { env: {} })).value!.stack.environment).toBe("sandbox");
    expect((await loadStack(join(dir, "other"), { env: {} })).value!.policyFile).toBeUndefined();
  });

  it("a typo in the config is an error with a suggestion, and the stacks it lists do not load", async () => {
    const dir = repo({ "mops.config.yaml": "stacks: [brands/*]\ndefault_enviroment: staging\n", "shared/properties.yaml": SHARED, "brands/a/mops.yaml": brand("a") });
    const r = await loadStack(join(dir, "brands/a"), { env: {} });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.range?.line, d.hint])).toEqual([["config/unknown-key", 2, "did you mean `default_environment`?"]]);
  });

  it("a shared policy that does not exist is named at its line", () => {
    const dir = repo({ "mops.config.yaml": "stacks: [brands/*]\npolicy: missing.yaml\n" });
    const r = loadRepoConfig(join(dir, "mops.config.yaml"));
    expect(r.diagnostics.map((d) => [d.code, d.range?.line])).toEqual([["config/not-found", 2]]);
  });

  it("a glob that names no stack is a warning", () => {
    const dir = repo({ "mops.config.yaml": "stacks: [regions/*]\n" });
    const r = listStacks(loadRepoConfig(join(dir, "mops.config.yaml")).value!);
    expect(r.value).toEqual([]);
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([["warning", "config/no-match"]]);
  });
});
