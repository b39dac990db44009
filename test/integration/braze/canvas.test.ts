import { describe, expect, it } from "vitest";
import type { Resource, WorkflowSpec } from "../../../src/model";
import { planText } from "../../../src/report/plan-text";
import { planMarkdown } from "../../../src/report/markdown";
import { eachTest, engine } from "./helpers";

const WELCOME = "5f1a0c2e-0000-4000-8000-00000000c001";

describe("Canvases: read, compared, changed by hand", () => {
  const box = eachTest();

  /** Someone edits the Welcome Journey in the dashboard: a tag, a step swapped for another, stopped. */
  function editInDashboard(): void {
    const c = box.w.fake.account.canvases.find((x) => x.id === WELCOME)!;
    c.last_edited = "2026-03-21T09:00:00Z";
    c.details.enabled = false;
    c.details.tags = [...c.details.tags, "summer"];
    const delay = c.details.steps.find((s: { id: string }) => s.id === "st-w2");
    delay.next_paths = [{ name: null, next_step_id: "st-w4" }];
    c.details.steps = c.details.steps.filter((s: { id: string }) => s.id !== "st-w3");
    c.details.steps.push({
      name: "Trail Tips SMS", type: "sms", id: "st-w4", next_step_ids: [], next_paths: [], channels: ["sms"],
      messages: { "mv-w4": { channel: "sms", body: "Trails near you this weekend.", subscription_group_id: "7d89bdc3-4aa1-4592-8b8a-4c8b7161c875" } },
    });
  }

  it("drift: edits made in the dashboard show against what was imported, and the plan says how to undo them by hand", async () => {
    const e = engine(box.w, box.dir);
    const declared = await e.adoptAll();
    editInDashboard();
    const { plan } = await e.plan(declared);
    const change = plan.changes.find((c) => c.address === "workflow.welcome_journey")!;
    expect(change.action).toBe("manual");
    expect(change.reasons).toEqual([{ code: "changed-outside" }, { code: "api-cannot", operation: "update" }]);
    expect(change.drift!.map((d) => d.path)).toEqual(expect.arrayContaining(["status", "tags", "steps[2].id"]));
    await expect(`${change.manual}\n`).toMatchFileSnapshot("__golden__/canvas-undo-dashboard-edit.txt");
    // The message of the removed step is gone with it: the plan cannot create it back through the API, and says what to do instead.
    expect(plan.changes.find((c) => c.address === "template.welcome_journey_trail_tips_push")).toMatchObject({
      action: "manual", reasons: [{ code: "deleted-outside" }, { code: "api-cannot", operation: "create" }],
      manual: expect.stringContaining("is a Canvas or campaign message that Braze does not have (its step was removed or its Canvas archived): add the message in the Canvas editor and run `mops import`"),
    });
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    // Nothing is written: Braze has no call for it.
    expect(box.w.fake.log.filter((l) => l.method !== "GET").length).toBe(0);
  });

  it("a declared change to a Canvas is a manual step whose note is the clicks, in the plan's text and its pull-request comment", async () => {
    const e = engine(box.w, box.dir);
    const declared = await e.adoptAll();
    const wanted = declared.map((r) => {
      if (r.kind !== "workflow" || r.name !== "welcome_journey") return r;
      const spec = r.spec as WorkflowSpec;
      return { ...r, spec: { ...spec, status: "paused", description: "Welcome, then tips.", tags: [...spec.tags!, "q2"], steps: spec.steps.filter((s) => s.type !== "wait") } } as Resource;
    });
    const { plan } = await e.plan(wanted);
    expect(plan.changes.filter((c) => c.action !== "noop").map((c) => [c.address, c.action])).toEqual([["workflow.welcome_journey", "manual"]]);
    const change = plan.changes.find((c) => c.address === "workflow.welcome_journey")!;
    const steps = box.w.provider.manualSteps(wanted.find((r) => r.name === "welcome_journey")!, change.id!)!;
    expect(change.manual).toBe(steps.join("\n"));
    await expect(`${change.manual}\n`).toMatchFileSnapshot("__golden__/canvas-declared-change.txt");
    expect(plan.diagnostics.filter((d) => d.address === "workflow.welcome_journey")).toEqual([]);
    await expect(planText(plan)).toMatchFileSnapshot("__golden__/canvas-plan.txt");
    const md = planMarkdown(plan);
    expect(md).toContain(`#### ✋ Manual steps\nThe platform's API cannot make these changes; do them by hand after applying:\n\n- [ ] \`workflow.welcome_journey\`:\n  1. Open the Braze dashboard, go to Messaging &gt; Canvas, open "Welcome Journey" and click Edit Canvas.\n  2. In the Canvas details`);
  });

  it("declaring what Braze does not export (an audience, a delay's length) is not a difference", async () => {
    const e = engine(box.w, box.dir);
    const declared = await e.adoptAll();
    const richer = declared.map((r) => {
      if (r.kind !== "workflow" || r.name !== "welcome_journey") return r;
      const spec = r.spec as WorkflowSpec;
      return { ...r, spec: { ...spec, trigger: { type: "event", event: "signed_up" }, entry_filter: { consent: "email_global" }, steps: spec.steps.map((s) => (s.type === "wait" ? { ...s, duration: "2d" } : s)) } } as Resource;
    });
    const { plan } = await e.plan(richer);
    expect(plan.changes.filter((c) => c.action !== "noop")).toEqual([]);
    expect(plan.diagnostics).toEqual([]);
  });

  it("a changed Canvas message is a manual change of its own, with the clicks to change it in the editor, while other templates are written", async () => {
    const e = engine(box.w, box.dir);
    const declared = await e.adoptAll();
    const edit = (name: string, subject: string) => (r: Resource) => (r.kind === "template" && r.name === name ? { ...r, spec: { ...r.spec, subject } } as Resource : r);
    const wanted = declared.map(edit("welcome_journey_welcome_email", "Welcome aboard")).map(edit("spring_sale", "Spring sale: 25% off"));
    const { plan } = await e.plan(wanted);
    expect(plan.changes.filter((c) => c.action !== "noop").map((c) => [c.address, c.action])).toEqual([
      ["template.spring_sale", "update"], ["template.welcome_journey_welcome_email", "manual"],
    ]);
    expect(plan.changes.find((c) => c.action === "manual")).toMatchObject({
      reasons: [{ code: "stack-changed" }, { code: "api-cannot", operation: "update" }],
      manual: [
        "1. Open the Braze dashboard, go to Messaging > Canvas, open \"Welcome Journey\" and click Edit Canvas.",
        "2. Open \"Welcome Email\", edit its Email message and set the subject to \"Welcome aboard\".",
        "3. Click Update Canvas.",
      ].join("\n"),
    });
    expect(plan.diagnostics).toEqual([]);
    // Applied: the email template is written, the message waits for a person; nothing is sent for it.
    const r = await e.apply(wanted);
    expect(r.applied).toMatchObject({ outcome: "complete", executed: { awaiting: [expect.objectContaining({ address: "template.welcome_journey_welcome_email" })] } });
    expect(box.w.fake.log.filter((l) => l.method !== "GET").map((l) => l.path)).toEqual(["/templates/email/update"]);
  });
});
