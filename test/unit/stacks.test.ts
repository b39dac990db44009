import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analysis";
import { loadCustomRules, loadPolicy } from "../../src/stack/policy";
import type { Diagnostic } from "../../src/diagnostics";
import { stackFileSchema, type Stack, type TemplateSpec, type WorkflowSpec } from "../../src/model";
import { defaultStackPath, loadStack, type LoadedStack } from "../../src/stack";

/**
 * The shipped stacks are the demo and the documentation: they must stay valid
 * in every environment they declare, or the quickstart and the docs lie.
 */
const ROOT = resolve(import.meta.dirname, "../..");

/** Every directory or stack file in stacks/ is a stack; under examples/ only directories with a stack marker are (not CI or Pulumi examples). */
function stackPaths(): string[] {
  const stacks = readdirSync(join(ROOT, "stacks"))
    .filter((n) => !n.startsWith("."))
    .map((n) => join(ROOT, "stacks", n))
    .filter((p) => statSync(p).isDirectory() || /\.(ya?ml|ts)$/.test(p));
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

// Importing rule files is the slow part of analysis; each environment of a stack shares them.
const ruleCache = new Map<string, ReturnType<typeof loadCustomRules>>();
const customRules = (dir: string) => ruleCache.get(dir) ?? ruleCache.set(dir, loadCustomRules(dir)).get(dir)!;

/** Analysis findings under the stack's own policy and custom rules; a policy or rule that fails to load is reported as its diagnostics. */
async function findings(loaded: LoadedStack, previous?: Stack): Promise<Diagnostic[]> {
  const policy = loaded.policyFile ? loadPolicy(loaded.policyFile) : undefined;
  if (policy && !policy.value) return policy.diagnostics;
  const custom = await customRules(join(loaded.baseDir, policy?.value?.custom_rules ?? "policy"));
  if (custom.diagnostics.length) return custom.diagnostics;
  return analyze(loaded.stack, {
    sources: loaded.sources, policy: policy?.value, customRules: custom.value, previous, now: new Date("2026-06-01T12:00:00Z"),
  });
}

/** The loaded stack with one resource's spec changed, as a reviewer's "what if". */
function edited(loaded: LoadedStack, kind: string, name: string, change: (spec: never) => object): LoadedStack {
  const resources = loaded.stack.resources.map((r) => (r.kind === kind && r.name === name ? { ...r, spec: change(r.spec as never) } : r));
  return { ...loaded, stack: { ...loaded.stack, resources: resources as Stack["resources"] } };
}

const ofSeverity = (ds: readonly Diagnostic[], severities: string[]) => ds.filter((d) => severities.includes(d.severity));

const paths = stackPaths();

describe("shipped stacks", () => {
  it("finds the demo stacks and the quickstart examples", () => {
    const rel = paths.map((p) => relative(ROOT, p));
    expect(rel).toEqual(expect.arrayContaining(["stacks/northwind-outfitters", "stacks/northwind-b2b"]));
    expect(rel.filter((p) => p.startsWith("examples/")).length).toBeGreaterThan(0);
  });

  describe.each(paths.map((p) => [relative(ROOT, p), p]))("%s", (rel, path) => {
    // The demo stacks are held to a higher bar than the examples: not even a warning.
    const failing = rel.startsWith("stacks/") ? ["error", "warning"] : ["error"];

    it(`loads, and analysis finds no ${failing.join(" or ")}, in every declared environment`, async () => {
      const first = await load(path);
      expect(show(first.diagnostics)).toBe("");
      const envs = Object.keys(first.value!.stack.environments);
      expect(envs.length).toBeGreaterThan(0);
      for (const env of envs) {
        const r = await load(path, env);
        expect(show(r.diagnostics), `environment ${env}`).toBe("");
        expect(r.value!.stack.environment).toBe(env);
        expect(show(ofSeverity(await findings(r.value!), failing)), `analysis, environment ${env}`).toBe("");
      }
    });
  });
});

it("stacks/mops.schema.json (the editors' schema the stack files name) is the current one", () => {
  // Regenerate with `npx mops schema -o stacks/mops.schema.json`.
  const committed = JSON.parse(readFileSync(join(ROOT, "stacks/mops.schema.json"), "utf8"));
  expect(committed).toEqual(JSON.parse(JSON.stringify(stackFileSchema())));
});

describe("northwind-outfitters demo", () => {
  const path = join(ROOT, "stacks/northwind-outfitters");

  it("declares the journeys, audiences and people the demo walks through", async () => {
    const { value } = await load(path);
    const count = (kind: string) => value!.stack.resources.filter((r) => r.kind === kind).length;
    expect(count("workflow")).toBe(11);
    expect(count("event")).toBeGreaterThanOrEqual(10);
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
    expect(env.state?.url).toBe("${env:MOPS_STATE_URL}");
  });

  it("its policy holds un-pausing vip_program in production to a safe rollout", async () => {
    const prod = (await load(path, "production")).value!;
    expect(ofSeverity(await findings(prod, prod.stack), ["error"])).toEqual([]);
    // Brand signs off: someone deletes the `status: paused` override and nothing else.
    const unpaused = edited(prod, "workflow", "vip_program", (w: WorkflowSpec) => ({ ...w, status: "active" }));
    const errors = ofSeverity(await findings(unpaused, prod.stack), ["error"]);
    expect(errors.map((d) => [d.code, d.address])).toEqual([
      ["rollout/unsafe-activation", "workflow.vip_program"],
      ["rollout/unsafe-activation", "workflow.vip_program"],
    ]);
    expect(errors.map((d) => d.message).join("\n")).toMatch(/100 % rollout[\s\S]*without a holdout group/);
  });

  it("keeps every cap's worst case within its limit, and would notice one journey too many", async () => {
    const { value } = await load(path);
    expect((await findings(value!)).filter((d) => d.code === "cap/exceeded")).toEqual([]);
    // A second birthday email on the same day breaks the 3-per-week email budget for a welcome-series subscriber.
    const louder = edited(value!, "workflow", "birthday", (w: WorkflowSpec) => ({ ...w, steps: [w.steps[0], ...w.steps] }));
    const exceeded = (await findings(louder)).filter((d) => d.code === "cap/exceeded");
    expect(exceeded.map((d) => d.address)).toEqual(["frequency_cap.marketing_email"]);
  });

  it("its event catalogue catches a misspelt event and a filter on a property the event does not carry", async () => {
    const { value } = await load(path);
    const typo = edited(value!, "workflow", "order_confirmation", (w: WorkflowSpec) => ({ ...w, trigger: { type: "event", event: "placed_ordr" } }));
    expect((await findings(typo)).filter((d) => d.severity === "error").map((d) => [d.code, d.address, d.hint])).toEqual([
      ["event/unknown-event", "workflow.order_confirmation", "did you mean `placed_order`?"],
    ]);
    const filter = edited(value!, "segment", "high_value_prospects", (s: { conditions: unknown }) => ({
      ...s, conditions: { event: "added_to_cart", at_least: 1, within: "14d", where: [{ property: "cart_valeu", op: "gte", value: 250 }] },
    }));
    expect((await findings(filter)).filter((d) => d.severity === "error").map((d) => [d.code, d.hint])).toEqual([
      ["event/unknown-property", "did you mean `cart_value`?"],
    ]);
  });

  it("its policy keeps recent camping buyers out of the camping promotion, pointing at the policy line", async () => {
    const { value } = await load(path);
    const careless = edited(value!, "workflow", "spring_camping_promo", (w: WorkflowSpec) => ({ ...w, suppression: { segments: w.suppression!.segments } }));
    const [f, ...rest] = (await findings(careless)).filter((d) => d.severity === "error");
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ code: "requirement/no-cross-sell-of-recent-purchase", address: "workflow.spring_camping_promo" });
    expect(f.detail?.witness).toMatchObject({ events: [{ event: "placed_order", daysAgo: 30, properties: { category: "camping" } }] });
    expect(f.related?.[0]?.range).toMatchObject({ file: join(path, "policy.yaml") });
    expect(f.fixes?.[0]).toMatchObject({ safe: true, edits: [{ op: "append", path: ["suppression", "events"] }] });
  });

  it("runs the team's own rule: every SMS says how to opt out", async () => {
    const { value } = await load(path);
    const silent = edited(value!, "template", "cart_reminder_sms", (t: TemplateSpec) => ({ ...t, body: t.body.replace(/ Reply STOP.*$/, "") }));
    expect((await findings(silent)).map((d) => [d.code, d.severity, d.address])).toEqual([
      ["custom/sms-opt-out", "error", "template.cart_reminder_sms"],
    ]);
  });
});
