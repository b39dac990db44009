import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { stackFileSchema } from "../../../src/model";
import { defaultStackPath, loadStack, validateStack } from "../../../src/stack";

const root = resolve(__dirname, "../../..");

function stackDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mops-load-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const ENVS = `
stack: shop
description: Shop of \${env:SHOP_NAME}
environments:
  sandbox:
    provider: { type: sandbox }
  production:
    protected: true
    provider: { type: hubspot, token: "\${env:HUBSPOT_TOKEN}" }
    state: { backend: postgres, url: "\${env:DATABASE_URL}" }
    overrides:
      workflows:
        welcome:
          status: paused
          rollout_percent: null
`;
const WORKFLOW = `
workflows:
  welcome:
    status: active
    rollout_percent: 10
    trigger: { type: manual }
    steps:
      - { type: wait, duration: 1d }
`;

describe("loadStack", () => {
  it("the YAML and TypeScript quickstarts resolve to identical models", async () => {
    const yaml = await loadStack(join(root, "examples/quickstart"), { env: {} });
    const ts = await loadStack(join(root, "examples/quickstart-ts"), { env: {} });
    expect(yaml.diagnostics).toEqual([]);
    expect(ts.diagnostics).toEqual([]);
    expect(ts.value!.stack).toEqual(yaml.value!.stack);
    expect(yaml.value!.stack.resources.length).toBe(16);
    const prod = [await loadStack(join(root, "examples/quickstart"), { env: {}, environment: "production" }), await loadStack(join(root, "examples/quickstart-ts"), { env: {}, environment: "production" })];
    expect(prod[1].value!.stack).toEqual(prod[0].value!.stack);
    expect(prod[0].value!.stack.environment).toBe("production");
  });

  it("the quickstart's editor schema is the current one (regenerate: mops schema -o examples/quickstart/mops.schema.json)", () => {
    expect(JSON.parse(readFileSync(join(root, "examples/quickstart/mops.schema.json"), "utf8"))).toEqual(JSON.parse(JSON.stringify(stackFileSchema())));
  });

  it("accepts YAML anchors kept under x- keys and merge keys", async () => {
    const dir = stackDir({ "s.yaml": "stack: s\nx-wf: &wf\n  status: active\n  trigger: { type: manual }\nworkflows:\n  a:\n    <<: *wf\n    steps: [{ type: exit }]\n" });
    const r = await loadStack(dir, {});
    expect(r.diagnostics).toEqual([]);
    expect(r.value!.stack.resources[0].spec).toEqual({ status: "active", trigger: { type: "manual" }, steps: [{ type: "exit" }] });
  });

  it("merges a directory of files, keeps the policy file apart, sorts resources by kind then name", async () => {
    const dir = stackDir({
      "main.yaml": ENVS,
      "journeys/welcome.yaml": WORKFLOW,
      "audience.yml": "segments:\n  b_seg: { type: static }\n  a_seg: { type: static }\nproperties:\n  zip: { type: string }\n",
      "policy.yaml": "this is: [not a stack file",
      ".hidden/x.yaml": "not: [valid",
    });
    const r = await loadStack(dir, { env: { SHOP_NAME: "Acme" } });
    expect(r.diagnostics).toEqual([]);
    const { stack, files, policyFile, baseDir } = r.value!;
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(["audience.yml", "journeys/welcome.yaml", "main.yaml"]);
    expect(policyFile).toBe(join(dir, "policy.yaml"));
    expect(baseDir).toBe(dir);
    expect(stack.resources.map((x) => `${x.kind}.${x.name}`)).toEqual(["property.zip", "segment.a_seg", "segment.b_seg", "workflow.welcome"]);
    // Environment references stay references in the loaded stack (resolved only when a request is sent).
    expect(stack.description).toBe("Shop of ${env:SHOP_NAME}");
    expect(stack.environment).toBe("sandbox");
  });

  it("applies the chosen environment's overrides and keeps secrets as references", async () => {
    const dir = stackDir({ "mops.yaml": ENVS + WORKFLOW });
    const env = { SHOP_NAME: "Acme", HUBSPOT_TOKEN: "pat-secret-1", DATABASE_URL: "postgres://u:p@h/db" };
    const sandbox = await loadStack(dir, { env });
    const prod = await loadStack(dir, { env, environment: "production" });
    expect(prod.diagnostics).toEqual([]);
    const spec = (s: typeof prod) => s.value!.stack.resources[0].spec as { status: string; rollout_percent?: number };
    expect(spec(sandbox)).toMatchObject({ status: "active", rollout_percent: 10 });
    expect(spec(prod).status).toBe("paused");
    expect(spec(prod)).not.toHaveProperty("rollout_percent");
    const p = prod.value!.stack.environments.production;
    expect(p.provider.token).toBe("${env:HUBSPOT_TOKEN}");
    expect(p.state?.url).toBe("${env:DATABASE_URL}");
    expect(JSON.stringify(prod.value!.stack)).not.toContain("pat-secret-1");
    // An overridden value is located where the override wrote it; the rest where declared.
    const src = prod.value!.sources;
    expect(src.rangeOf("workflow.welcome", ["status"])?.line).toBe(14);
    expect(src.rangeOf("workflow.welcome", ["trigger"])?.line).toBe(21);
    expect(src.rangeOf("workflow.welcome")).toMatchObject({ line: 18, col: 3 });
    expect(src.text(join(dir, "mops.yaml"))).toContain("stack: shop");
  });

  it("validateStack checks every environment when none is named", async () => {
    const dir = stackDir({ "mops.yaml": ENVS.replace("status: paused", "status: stopped") + WORKFLOW });
    const env = { SHOP_NAME: "Acme" };
    expect((await loadStack(dir, { env })).diagnostics).toEqual([]);
    const all = await validateStack(dir, { env });
    expect(all.value).toBeUndefined();
    expect(all.diagnostics.map((d) => [d.code, d.range?.line])).toEqual([["MOPS105", 14]]);
    const sandboxOnly = await validateStack(dir, { env, environment: "sandbox" });
    expect(sandboxOnly.diagnostics).toEqual([]);
    expect(sandboxOnly.value?.stack.environment).toBe("sandbox");
  });

  it("a stack without environments gets the sandbox", async () => {
    const dir = stackDir({ "stack.yaml": "stack: tiny\n" });
    const r = await loadStack(join(dir, "stack.yaml"), { env: {} });
    expect(r.value!.stack).toEqual({ name: "tiny", environment: "sandbox", environments: { sandbox: { provider: { type: "sandbox" } } }, resources: [] });
    expect((await loadStack(dir, { env: {}, environment: "production" })).diagnostics.map((d) => d.code)).toEqual(["MOPS220"]);
  });

  it("reports a stack that is missing, empty or not a mapping", async () => {
    expect((await loadStack("/nonexistent/stack", {})).diagnostics.map((d) => d.code)).toEqual(["MOPS001"]);
    expect((await loadStack(stackDir({ "readme.md": "x" }), {})).diagnostics.map((d) => d.code)).toEqual(["MOPS001"]);
    expect((await loadStack(stackDir({ "a.yaml": "- just\n- a list\n" }), {})).diagnostics.map((d) => d.code)).toEqual(["MOPS101"]);
    expect((await loadStack(stackDir({ "a.yaml": "segments: {}\n" }), {})).diagnostics.map((d) => d.code)).toEqual(["MOPS120"]);
  });

  it("reports a setting given two different values in two files", async () => {
    const r = await loadStack(stackDir({ "a.yaml": "stack: one\n", "b.yaml": "stack: two\n" }), {});
    expect(r.diagnostics.map((d) => [d.code, d.range?.file.endsWith("b.yaml"), d.range?.line])).toEqual([["MOPS121", true, 1]]);
  });

  it("reports a TypeScript syntax error at its line and column", async () => {
    // Written at test time: a syntax error kept in the tree would break type-checking.
    const dir = stackDir({ "mops.ts": 'import { defineStack } from "mops";\nexport default defineStack({\n  stack: "s",,\n});\n' });
    const r = await loadStack(dir, {});
    expect(r.diagnostics.map((d) => [d.code, d.range?.file, d.range?.line, d.range?.col])).toEqual([["MOPS003", join(dir, "mops.ts"), 3, 14]]);
    expect(r.diagnostics[0].message).toMatch(/does not compile: /);
  });

  it("finds the stack of the current directory", () => {
    expect(defaultStackPath(join(root, "examples/quickstart"))).toBe(join(root, "examples/quickstart"));
    expect(defaultStackPath(join(root, "examples/quickstart-ts"))).toBe(join(root, "examples/quickstart-ts"));
    expect(defaultStackPath(join(root, "src"))).toMatchObject({ code: "MOPS001" });
  });
});
