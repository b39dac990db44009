import { describe, expect, it } from "vitest";
import { parseSavedPlan, refreshAndPlan, type Plan } from "../../../src/plan";
import { changeRecord } from "../../../src/apply/version";
import { driftText, planText } from "../../../src/report/plan-text";
import { planJson } from "../../../src/report/plan-json";
import { diffText, historyText, showText } from "../../../src/report/history-text";
import type { HistoryVersion, State } from "../../../src/state/types";
import { FakeBackend, FakeProvider, seg, stackOf, tpl, wf } from "../../helpers/fakes";

const manage = (p: FakeProvider, state: State, r: { kind: string; name: string; spec: unknown }) => {
  const o = p.seed(r.kind as never, r.name, r.spec);
  state.resources[`${r.kind}.${r.name}`] = {
    address: `${r.kind}.${r.name}`, kind: r.kind as never, name: r.name, id: o.id, attributes: JSON.parse(JSON.stringify(r.spec)), origin: "created", updatedAt: "t",
  };
  return o;
};

/** One plan with every action: the golden file shows the whole vocabulary. */
async function everyAction(): Promise<Plan> {
  const p = new FakeProvider();
  p.capabilities.segment = { read: true, create: "api", update: "api", delete: "api", replaceOn: ["type"] };
  p.capabilities.frequency_cap = { read: false, create: "manual", update: "manual", delete: "manual", note: "Set caps by hand in Settings > Marketing > Email." };
  const b = new FakeBackend();
  manage(p, b.stateValue, tpl("welcome", "Hi {{ first_name | default: \"there\" }},\nthanks for joining.\nUse WELCOME10.\n"));
  manage(p, b.stateValue, seg("vip"));
  manage(p, b.stateValue, seg("retired"));
  const w = manage(p, b.stateValue, wf("onboarding", "vip", "welcome"));
  (w.spec as { status: string }).status = "paused";
  p.seed("template", "legacy", { channel: "email", subject: "Old", body: "old" });
  const desired = stackOf([
    tpl("welcome", "Hi {{ first_name | default: \"there\" }},\nthanks for joining!\nUse WELCOME15.\n"),
    tpl("legacy"),
    seg("vip", { type: "static" }),
    seg("new_buyers"),
    wf("onboarding", "vip", "welcome"),
    { kind: "frequency_cap", name: "weekly", spec: { max: 3, period: "7d", channels: ["email"] } } as never,
  ]);
  const { plan } = await refreshAndPlan(p, desired, await b.state.read(), { request: { adopt: ["template.legacy"] } });
  return { ...plan, createdAt: "2026-01-01T00:00:00.000Z" };
}

describe("plan text", () => {
  it("renders every action Terraform-style", async () => {
    const plan = await everyAction();
    expect(plan.summary).toMatchObject({ add: 1, change: 3, replace: 1, destroy: 1, manual: 1, adopt: 1, drifted: 1 });
    const text = planText(plan).replace(/(segment|template|workflow)_\d+/g, "$1_N");
    await expect(text).toMatchFileSnapshot("__snapshots__/every-action.txt");
    expect(text).toContain("Plan: 2 to add, 3 to change, 2 to destroy. (1 to adopt, 1 manual)");
  });

  it("indents every line of a manual change's step-by-step note under it", async () => {
    const plan = await everyAction();
    plan.changes.find((c) => c.action === "manual")!.manual = "1. Open Settings.\n2. Add the rule.";
    expect(planText(plan)).toContain("  ! frequency_cap.weekly\n      1. Open Settings.\n      2. Add the rule.\n");
  });

  it("says so when nothing changes, and drift text lists only drift", async () => {
    const plan = await everyAction();
    const none = { ...plan, changes: plan.changes.map((c) => ({ ...c, action: "noop" as const, drift: undefined })) };
    expect(planText(none)).toBe("No changes. Your marketing platform matches the stack.\n");
    expect(driftText(none)).toBe("No drift: the platform matches what Mops last applied.\n");
    expect(driftText(plan)).toContain('~ status: "active" -> "paused"');
  });

  it("round-trips as JSON", async () => {
    const plan = await everyAction();
    expect(parseSavedPlan(planJson(plan), "plan.json").value).toEqual(plan);
    expect(parseSavedPlan("{}", "plan.json").diagnostics[0]!.message).toBe("plan.json is not a valid Mops plan file: formatVersion: expected required property");
    expect(parseSavedPlan("not json", "plan.json").diagnostics[0]!.code).toBe("plan/file-invalid");
    const edited = JSON.parse(planJson(plan));
    edited.changes[0].action = "explode";
    expect(parseSavedPlan(JSON.stringify(edited), "plan.json").diagnostics[0]!.message).toMatch(/^plan.json is not a valid Mops plan file: changes\[0\]\.action: /);
  });
});

describe("history text", () => {
  it("renders the table, one version, and a diff of two desired stacks", async () => {
    const plan = await everyAction();
    const changes = plan.changes.filter((c) => c.action !== "noop").map((c) => changeRecord(c));
    const base = {
      time: "2026-01-01T10:00:00.000Z", actor: "ann@example.com", command: "apply" as const, changes, summary: plan.summary, outcome: "complete" as const,
      stateSerial: 4, prevHash: "0", hash: "abc",
    };
    const v1: HistoryVersion = { ...base, version: 1, desired: stackOf([tpl("welcome", "Hello\nthere\n"), seg("vip")]), gitCommit: "0123456789abcdef" };
    const v2: HistoryVersion = {
      ...base, version: 2, command: "rollback", rollbackOf: 1, outcome: "partial", errors: [{ address: "segment.vip", message: "refused" }],
      desired: stackOf([tpl("welcome", "Hello\nthere, friend\n"), seg("new")]),
    };
    const summary = ({ desired: _d, changes: _c, errors: _e, ...rest }: HistoryVersion) => rest;
    await expect(historyText({ versions: [summary(v2), summary(v1)], total: 2 })).toMatchFileSnapshot("__snapshots__/history.txt");
    await expect(diffText(v1, v2)).toMatchFileSnapshot("__snapshots__/diff.txt");
    const shown = showText(v2);
    expect(shown).toContain("command:   rollback 1");
    expect(shown).toContain("segment.vip: refused");
    await expect(shown.replace(/(segment|template|workflow)_\d+/g, "$1_N")).toMatchFileSnapshot("__snapshots__/show.txt");
  });
});
