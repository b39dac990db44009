import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics";
import { defaultStackPath, loadStack } from "../../src/stack";

/**
 * The shipped stacks are the demo and the documentation: they must stay valid
 * in every environment they declare, or the quickstart and the docs lie.
 */
const ROOT = resolve(import.meta.dirname, "../..");

/** Every entry of stacks/ is a stack; under examples/ only directories with a stack marker are (not CI or Pulumi examples). */
function stackPaths(): string[] {
  const stacks = readdirSync(join(ROOT, "stacks"))
    .filter((n) => !n.startsWith("."))
    .map((n) => join(ROOT, "stacks", n));
  const examples: string[] = [];
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (n.startsWith(".") || n === "node_modules" || !statSync(p).isDirectory()) continue;
      if (typeof defaultStackPath(p) === "string") examples.push(p);
      else walk(p);
    }
  };
  walk(join(ROOT, "examples"));
  return [...stacks, ...examples];
}

const show = (ds: readonly Diagnostic[]): string =>
  ds.map((d) => `${d.severity} ${d.code} ${d.range ? `${relative(ROOT, d.range.file)}:${d.range.line}:${d.range.col}` : ""} ${d.message}`).join("\n");

/** No environment variables: secrets must stay references, and nothing else may need one. */
const load = (path: string, environment?: string) => loadStack(path, { environment, env: {} });

const paths = stackPaths();

describe("shipped stacks", () => {
  it("finds the demo stacks and the quickstart examples", () => {
    const rel = paths.map((p) => relative(ROOT, p));
    expect(rel).toEqual(expect.arrayContaining(["stacks/northwind-outfitters", "stacks/northwind-b2b"]));
    expect(rel.filter((p) => p.startsWith("examples/")).length).toBeGreaterThan(0);
  });

  describe.each(paths.map((p) => [relative(ROOT, p), p]))("%s", (_rel, path) => {
    it("loads without diagnostics in every declared environment", async () => {
      const first = await load(path);
      expect(show(first.diagnostics)).toBe("");
      const envs = Object.keys(first.value!.stack.environments);
      expect(envs.length).toBeGreaterThan(0);
      for (const env of envs) {
        const r = await load(path, env);
        expect(show(r.diagnostics), `environment ${env}`).toBe("");
        expect(r.value!.stack.environment).toBe(env);
      }
    });
  });
});

describe("northwind-outfitters demo", () => {
  const path = join(ROOT, "stacks/northwind-outfitters");

  it("declares the journeys, audiences and people the demo walks through", async () => {
    const { value } = await load(path);
    const count = (kind: string) => value!.stack.resources.filter((r) => r.kind === kind).length;
    expect(count("workflow")).toBe(10);
    expect(count("segment")).toBeGreaterThanOrEqual(15);
    expect(count("template")).toBeGreaterThanOrEqual(14);
    expect(count("property")).toBeGreaterThanOrEqual(12);
    expect(count("frequency_cap")).toBeGreaterThanOrEqual(2);
    expect(count("user")).toBeGreaterThanOrEqual(6);
    expect(Object.keys(value!.stack.environments).sort()).toEqual(["production", "sandbox", "staging"]);
    expect(value!.stack.environment).toBe("sandbox");
    expect(value!.policyFile).toBe(join(path, "policy.yaml"));
  });

  it("applies production overrides and keeps tokens as references", async () => {
    const [sandbox, prod] = await Promise.all([load(path, "sandbox"), load(path, "production")]);
    const wf = (r: typeof prod, name: string) => r.value!.stack.resources.find((x) => x.kind === "workflow" && x.name === name)!.spec as { status: string; rollout_percent?: number };
    expect(wf(sandbox, "vip_program").status).toBe("active");
    expect(wf(prod, "vip_program").status).toBe("paused");
    expect(wf(sandbox, "browse_abandonment").rollout_percent).toBe(50);
    expect(wf(prod, "browse_abandonment").rollout_percent).toBe(25);
    const env = prod.value!.stack.environments.production;
    expect(env.protected).toBe(true);
    expect(env.provider.token).toBe("${env:HUBSPOT_TOKEN}");
    expect(env.state?.url).toBe("${env:MOPS_STATE_DATABASE_URL}");
  });
});
