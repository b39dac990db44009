import { describe, expect, it } from "vitest";
import type { Resource, WorkflowSpec } from "../../../src/model";
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
    expect(change.manual).toMatch(/^Canvases and campaigns are read-only in the API/);
    const steps = plan.diagnostics.find((d) => d.code === "braze/manual-step" && d.address === "workflow.welcome_journey")!;
    expect(steps.severity).toBe("warning");
    await expect((steps.detail!.steps as string[]).join("\n") + "\n").toMatchFileSnapshot("__golden__/canvas-undo-dashboard-edit.txt");
    // The message of the removed step is gone with it: the plan cannot create it back through the API.
    expect(plan.diagnostics.find((d) => d.address === "template.welcome_journey_trail_tips_push")).toMatchObject({ code: "braze/manual-step", severity: "error" });
    // Nothing is written: Braze has no call for it.
    expect(box.w.fake.log.filter((l) => l.method !== "GET").length).toBe(0);
  });

  it("a declared change to a Canvas is a manual step with the clicks; the provider offers them for the engine's note", async () => {
    const e = engine(box.w, box.dir);
    const declared = await e.adoptAll();
    const wanted = declared.map((r) => {
      if (r.kind !== "workflow" || r.name !== "welcome_journey") return r;
      const spec = r.spec as WorkflowSpec;
      return { ...r, spec: { ...spec, status: "paused", description: "Welcome, then tips.", tags: [...spec.tags!, "q2"], steps: spec.steps.filter((s) => s.type !== "wait") } } as Resource;
    });
    const { plan } = await e.plan(wanted);
    expect(plan.changes.filter((c) => c.action !== "noop").map((c) => [c.address, c.action])).toEqual([["workflow.welcome_journey", "manual"]]);
    const steps = plan.diagnostics.find((d) => d.code === "braze/manual-step")!.detail!.steps as string[];
    await expect(`${steps.join("\n")}\n`).toMatchFileSnapshot("__golden__/canvas-declared-change.txt");
    const change = plan.changes.find((c) => c.address === "workflow.welcome_journey")!;
    expect(box.w.provider.manualSteps(wanted.find((r) => r.name === "welcome_journey")!, change.id!)).toEqual(steps);
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
    expect(plan.diagnostics.filter((d) => d.code === "braze/manual-step")).toEqual([]);
  });

  it("a changed Canvas message is an error that stops the plan, with the clicks to change it in the editor", async () => {
    const e = engine(box.w, box.dir);
    const declared = await e.adoptAll();
    const wanted = declared.map((r) => (r.kind === "template" && r.name === "welcome_journey_welcome_email" ? { ...r, spec: { ...r.spec, subject: "Welcome aboard" } } as Resource : r));
    const { plan } = await e.plan(wanted);
    expect(plan.changes.filter((c) => c.action !== "noop").map((c) => [c.address, c.action])).toEqual([["template.welcome_journey_welcome_email", "update"]]);
    const d = plan.diagnostics.find((x) => x.code === "braze/manual-step")!;
    expect(d).toMatchObject({ severity: "error", address: "template.welcome_journey_welcome_email" });
    expect(d.detail!.steps).toEqual([
      "1. Open the Braze dashboard, go to Messaging > Canvas, open \"Welcome Journey\" and click Edit Canvas.",
      "2. Open \"Welcome Email\", edit its Email message and set the subject to \"Welcome aboard\".",
      "3. Click Update Canvas.",
    ]);
  });
});
