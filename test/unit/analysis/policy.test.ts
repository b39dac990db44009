import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze, applyPolicy, approversFromGitHubEvent, checkApprovals, levelOf, requiredApprovals } from "../../../src/analysis";
import { DEFAULT_POLICY, policyFrom } from "../../../src/model";
import { loadCustomRules, loadPolicy, loadStackPolicy } from "../../../src/stack/policy";
import type { Diagnostic } from "../../../src/diagnostics";
import type { Plan, ResourceChange } from "../../../src/plan/types";
import type { Resource } from "../../../src/model";
import { stackOf } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "mops-policy-"));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe("loadPolicy", () => {
  it("reads a policy file", () => {
    const p = file("ok.yaml", [
      "rules:",
      "  merge/no-fallback: mandatory",
      "  governance/*: advisory",
      "  governance/unused-template: off",
      "governance:",
      "  require_owner: [workflow, segment]",
      "protected_environments: [production]",
      "approvals:",
      "  - owners: true",
      "    teams: [legal]",
      "safe_rollout: { max_percent: 20, require_holdout: true }",
    ].join("\n"));
    const r = loadPolicy(p);
    expect(r.diagnostics).toEqual([]);
    expect(r.value).toMatchObject({
      file: p, governance: { require_owner: ["workflow", "segment"], require_purpose: ["workflow"] },
      protected_environments: ["production"], safe_rollout: { max_percent: 20 },
    });
  });

  it("reports mistakes with file:line:col and a suggestion", () => {
    const p = file("bad.yaml", ["rules:", "  merge/no-fallback: strict", "  Merge Rules: off", "governence:", "  require_owner: [workflow]", "safe_rollout:", "  max_percent: 120"].join("\n"));
    const ds = loadPolicy(p).diagnostics.map((d) => [d.code, d.range?.line, d.range?.col, d.hint ?? ""]);
    expect(ds).toContainEqual(["policy/unknown-key", 4, 1, "did you mean `governance`?"]);
    expect(ds).toContainEqual(["policy/bad-value", 2, 22, "rule levels: off | info | advisory | mandatory"]);
    expect(ds).toContainEqual(["policy/bad-value", 3, 3, "a rule key is a finding code (`merge/no-fallback`), a prefix (`merge/*`) or `*`"]);
    expect(ds.find((d) => d[1] === 7 && d[2] === 16)).toBeTruthy();
    expect(loadPolicy(join(dir, "missing.yaml")).diagnostics[0].code).toBe("policy/not-found");
  });
});

describe("rule levels", () => {
  const d = (code: string): Diagnostic => ({ code, severity: "warning", message: "m" });
  const policy = policyFrom({ rules: { "governance/*": "mandatory", "governance/unused-segment": "off", "*": "info" } });

  it("takes the exact code, then the prefix, then *", () => {
    expect(levelOf(policy, "governance/unused-segment")).toBe("off");
    expect(levelOf(policy, "governance/no-owner")).toBe("mandatory");
    expect(levelOf(policy, "merge/no-fallback")).toBe("info");
    expect(levelOf(DEFAULT_POLICY, "merge/no-fallback")).toBeUndefined();
  });

  it("drops what is off and maps advisory/mandatory to warning/error", () => {
    expect(applyPolicy([d("governance/unused-segment"), d("governance/no-owner"), d("merge/no-fallback")], policy)
      .map((x) => [x.code, x.severity])).toEqual([["governance/no-owner", "error"], ["merge/no-fallback", "info"]]);
  });
});

describe("approvals", () => {
  const people: Resource[] = [
    { kind: "team", name: "lifecycle", spec: { email: "lifecycle@x.example" } },
    { kind: "team", name: "legal", spec: {} },
    { kind: "role", name: "r", spec: { permissions: [{ kinds: ["workflow"], actions: ["edit"] }] } },
    { kind: "user", name: "ana", spec: { email: "ana.lima@x.example", role: "r", teams: ["lifecycle"] } },
    { kind: "user", name: "lee", spec: { email: "lee@x.example", role: "r", teams: ["legal"] } },
  ];
  const stack = stackOf(people, "production", true);
  const change = (address: string, action: ResourceChange["action"], owner?: string): ResourceChange => {
    const [kind, name] = address.split(".") as [ResourceChange["kind"], string];
    return { address, kind, name, action, reasons: [], after: { status: "active", trigger: { type: "manual" }, steps: [], ...(owner ? { owner } : {}) } as never };
  };
  const plan = { changes: [change("workflow.welcome", "update", "lifecycle"), change("workflow.same", "noop", "lifecycle"), change("workflow.orphan", "create")] } as Plan;
  const policy = policyFrom({ approvals: [{ owners: true }, { kinds: ["workflow"], teams: ["legal"], environments: ["production"] }] });

  it("lists the owners and teams whose approval each change needs", () => {
    const req = requiredApprovals(plan, stack, policy, "production");
    expect(req.map((r) => [r.address, r.owners])).toEqual([["workflow.welcome", ["legal", "lifecycle"]], ["workflow.orphan", ["legal"]]]);
    expect(req[0].approvers.lifecycle).toEqual(expect.arrayContaining(["lifecycle", "ana", "ana.lima@x.example"]));
    expect(requiredApprovals(plan, stackOf(people, "staging"), policy, "staging")).toEqual([]);
  });

  it("refuses until every owner approved, by name, email or login", () => {
    const req = requiredApprovals(plan, stack, policy, "production");
    expect(checkApprovals(req, []).map((d) => [d.code, d.address, d.detail?.owner])).toEqual([
      ["approval/missing", "workflow.welcome", "legal"], ["approval/missing", "workflow.welcome", "lifecycle"], ["approval/missing", "workflow.orphan", "legal"],
    ]);
    expect(checkApprovals(req, ["lee"]).map((d) => d.detail?.owner)).toEqual(["lifecycle"]);
    expect(checkApprovals(req, ["lee@x.example", "ana.lima"])).toEqual([]);
  });

  it("reads approvers from a GitHub review event; a later review replaces an approval", () => {
    expect(approversFromGitHubEvent({ review: { state: "approved", user: { login: "ana.lima" } } })).toEqual(["ana.lima"]);
    expect(approversFromGitHubEvent({
      reviews: [
        { state: "APPROVED", user: { login: "lee" }, submitted_at: "2026-01-01T10:00:00Z" },
        { state: "APPROVED", user: { login: "bo" }, submitted_at: "2026-01-01T10:00:00Z" },
        { state: "CHANGES_REQUESTED", user: { login: "bo" }, submitted_at: "2026-01-02T10:00:00Z" },
        { state: "COMMENTED", user: { login: "lee" }, submitted_at: "2026-01-03T10:00:00Z" },
      ],
    })).toEqual(["lee"]);
    expect(approversFromGitHubEvent({ action: "opened", pull_request: {} })).toEqual([]);
    expect(approversFromGitHubEvent(null)).toEqual([]);
  });
});

describe("custom rules", () => {
  const rules = mkdtempSync(join(tmpdir(), "mops-rules-"));
  writeFileSync(join(rules, "a-fn.ts"), `
    import type { Stack } from "${join(__dirname, "../../../src/model").replace(/\\/g, "/")}";
    export default (stack: Stack) => stack.resources.filter((r) => r.kind === "workflow" && !r.name.startsWith("nw_"))
      .map((r) => ({ code: "", severity: "warning" as const, message: \`\${r.name} lacks the nw_ prefix\`, address: \`workflow.\${r.name}\` }));
  `);
  writeFileSync(join(rules, "b-object.ts"), `export default { code: "custom/no-webhooks", check: () => [{ code: "", severity: "error", message: "x" }] };`);
  writeFileSync(join(rules, "c-broken.ts"), `export default 42;`);

  it("loads rules with tsx, reports bad files, and runs them inside analyze under the policy", async () => {
    const r = await loadCustomRules(rules);
    expect(r.value!.map((x) => x.code)).toEqual(["custom/a-fn", "custom/no-webhooks"]);
    expect(r.diagnostics.map((d) => [d.code, d.range?.file])).toEqual([["policy/bad-custom-rule", join(rules, "c-broken.ts")]]);
    const stack = stackOf([{ kind: "workflow", name: "welcome", spec: { status: "draft", owner: "x", purpose: "y", trigger: { type: "manual" }, steps: [{ type: "exit" }] } }]);
    const found = analyze(stack, { customRules: r.value }).filter((d) => d.code.startsWith("custom/"));
    expect(found.map((d) => [d.code, d.severity, d.message])).toEqual([
      ["custom/a-fn", "warning", "welcome lacks the nw_ prefix"], ["custom/no-webhooks", "error", "x"],
    ]);
    const off = analyze(stack, { customRules: r.value, policy: policyFrom({ rules: { "custom/*": "off" } }) });
    expect(off.filter((d) => d.code.startsWith("custom/"))).toEqual([]);
    expect((await loadCustomRules(join(rules, "nope"))).value).toEqual([]);
  });

  it("loadStackPolicy finds the policy file and the rules folder it names", async () => {
    const stackDir = mkdtempSync(join(tmpdir(), "mops-stackpol-"));
    writeFileSync(join(stackDir, "policy.yaml"), `custom_rules: ${rules}\nrules:\n  custom/*: mandatory\n`);
    const r = await loadStackPolicy({ baseDir: stackDir, policyFile: join(stackDir, "policy.yaml") });
    expect(r.value!.customRules.map((x) => x.code)).toEqual(["custom/a-fn", "custom/no-webhooks"]);
    expect(r.value!.policy.rules).toEqual({ "custom/*": "mandatory" });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["policy/bad-custom-rule"]);
    const defaults = await loadStackPolicy({ baseDir: stackDir });
    expect(defaults).toEqual({ value: { policy: DEFAULT_POLICY, customRules: [] }, diagnostics: [] });
  });
});

describe("the starter rule pack (`mops init --policy starter`)", () => {
  const root = join(__dirname, "../../..");
  const pack = loadPolicy(join(root, "examples/policy-packs/starter.yaml"));

  it("loads, and each of its requirements is the one a corpus case proves", () => {
    expect(pack.diagnostics).toEqual([]);
    expect(pack.value!.requirements.length).toBeGreaterThanOrEqual(3);
    for (const r of pack.value!.requirements) {
      const dir = join(root, "test/analysis-corpus/requirement", r.name);
      const cases = readdirSync(dir);
      expect(cases.length, r.name).toBeGreaterThan(0);
      for (const c of cases) {
        const tested = loadPolicy(join(dir, c, "policy.yaml")).value!.requirements.find((x) => x.name === r.name);
        expect(tested?.require, `${r.name}/${c}`).toEqual(r.require);
      }
    }
  });
});

describe("policy requirements", () => {
  const wf = (name: string, over: Record<string, unknown>): Resource => ({
    kind: "workflow", name, spec: {
      status: "active", owner: "x", purpose: "Say hello.", trigger: { type: "event", event: "signed_up" },
      steps: [{ type: "send", channel: "email", template: "plain", subscription_type: "news" }], ...over,
    } as never,
  });
  const base: Resource[] = [
    { kind: "subscription_type", name: "news", spec: { channel: "email" } },
    { kind: "subscription_type", name: "texts", spec: { channel: "sms" } },
    { kind: "template", name: "plain", spec: { channel: "email", body: "Hi" } },
    { kind: "template", name: "picks", spec: { channel: "email", body: "Picks", tags: ["recommendation"] } },
    { kind: "template", name: "text", spec: { channel: "sms", body: "Hi. Reply STOP to opt out." } },
  ];
  const quiet = (select: unknown) => policyFrom({
    requirements: [{ name: "quiet-after-return", select, require: { suppress_if: { event: "return_requested", within: "14d" } } } as never],
  });
  const flagged = (policy: ReturnType<typeof policyFrom>, rs: Resource[]) =>
    analyze(stackOf([...base, ...rs]), { policy }).filter((d) => d.code === "requirement/quiet-after-return").map((d) => d.address);

  it("selects by channel, template tag, purpose word and tag pattern; every key of one selector must match", () => {
    const sms = wf("texts_flow", { steps: [{ type: "send", channel: "sms", template: "text", subscription_type: "texts" }] });
    const picks = wf("picks_flow", { steps: [{ type: "send", channel: "email", template: "picks", subscription_type: "news" }], purpose: "Recommend gear they will like." });
    const tagged = wf("tagged_flow", { tags: ["category:tents"] });
    const all = [sms, picks, tagged, wf("plain_flow", {})];
    expect(flagged(quiet({ channels: ["sms"] }), all)).toEqual(["workflow.texts_flow"]);
    expect(flagged(quiet({ template_tags: ["recommend*"] }), all)).toEqual(["workflow.picks_flow"]);
    expect(flagged(quiet({ purpose: ["recommendation", "recommend"] }), all)).toEqual(["workflow.picks_flow"]);
    expect(flagged(quiet({ tags: ["category:*"] }), all)).toEqual(["workflow.tagged_flow"]);
    expect(flagged(quiet({ channels: ["email"], purpose: ["recommend"] }), all)).toEqual(["workflow.picks_flow"]);
    expect(flagged(quiet([{ channels: ["sms"] }, { tags: ["category:*"] }]), all).sort()).toEqual(["workflow.tagged_flow", "workflow.texts_flow"]);
  });

  it("is satisfied by any suppression that implies it, and respects `level` and `rules:`", () => {
    const suppressed = wf("kept_out", { suppression: { events: [{ event: "return_requested", within: "30d" }] } });
    expect(flagged(quiet({ channels: ["email"] }), [suppressed])).toEqual([]);
    const requirements = [{ name: "quiet-after-return", level: "mandatory", select: { channels: ["email"] }, require: { suppress_if: { event: "return_requested", within: "14d" } } }] as never;
    expect(analyze(stackOf([...base, wf("a", {})]), { policy: policyFrom({ requirements }) }).find((d) => d.code === "requirement/quiet-after-return")?.severity).toBe("error");
    const off = policyFrom({ rules: { "requirement/*": "off" }, requirements });
    expect(analyze(stackOf([...base, wf("a", {})]), { policy: off }).filter((d) => d.code.startsWith("requirement/"))).toEqual([]);
  });

  it("reports a malformed requirement at its line", () => {
    const p = file("bad-req.yaml", ["requirements:", "  - name: Bad Name", "    select: { tags: [x] }", "    require: {}"].join("\n"));
    const ds = loadPolicy(p).diagnostics.map((d) => [d.code, d.range?.line]);
    expect(ds).toContainEqual(["policy/bad-value", 2]);
    expect(ds).toContainEqual(["policy/bad-value", 4]);
  });
});
