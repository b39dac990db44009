import { describe, expect, it } from "vitest";
import { quotaDiagnostics, quotaUses, quotaWords, refreshAndPlan, type Plan } from "../../../src/plan";
import { planMarkdown } from "../../../src/report/markdown";
import { planText } from "../../../src/report/plan-text";
import type { Quota } from "../../../src/provider";
import { FakeBackend, FakeProvider, seg, stackOf, tpl, wf } from "../../helpers/fakes";

const flows: Quota = { name: "flow creates", applies: [{ kind: "workflow", action: "create" }], perSecond: 1, perMinute: 15, perDay: 100, pace: "XS" };
const segments: Quota = { name: "segment creates", applies: [{ kind: "segment", action: "create", where: { type: "dynamic" } }], perSecond: 1, perMinute: 15, perDay: 100, pace: "XS" };
const lists: Quota = { name: "list creates", applies: [{ kind: "segment", action: "create", where: { type: "static" } }], perSecond: 10, perMinute: 150, perDay: 150, pace: "M" };

/** A plan of these creates, made the way every plan is. */
async function planOf(resources: Parameters<typeof stackOf>[0]): Promise<Plan> {
  return (await refreshAndPlan(new FakeProvider(), stackOf(resources), await new FakeBackend().state.read())).plan;
}
const workflows = (n: number) => Array.from({ length: n }, (_, i) => wf(`w${i}`, "s", "t"));

describe("quotas in the plan", () => {
  it("counts the operations a quota applies to and says the time the apply needs at the allowed pace", async () => {
    const plan = await planOf([seg("s"), tpl("t"), ...workflows(37)]);
    const [use] = quotaUses(plan, [flows]);
    // At 1 a second and 15 a minute the 37th create goes 126 s after the first.
    expect(use).toEqual({ quota: "flow creates", count: 37, perSecond: 1, perMinute: 15, perDay: 100, today: 37, days: 1, seconds: 126 });
    expect(quotaWords(use!)).toBe("37 flow creates: 15 per minute, 100 per day — this apply needs 3 minutes");
    expect(quotaDiagnostics(plan, [flows])).toEqual([expect.objectContaining({ code: "plan/quota", severity: "info", detail: use })]);
  });

  it("past what is left today, says how many days: a warning, since the apply stops at the daily cap", async () => {
    const plan = await planOf([seg("s"), tpl("t"), ...workflows(130)]);
    const [use] = quotaUses(plan, [flows]);
    expect(use).toMatchObject({ count: 130, today: 100, days: 2 });
    expect(quotaWords(use!)).toBe("130 flow creates: 15 per minute, 100 per day — 100 fit in what is left today, so this apply needs 2 days: it stops at the daily cap and the next day's apply continues");
    // What the platform says is left today counts, not the whole day's allowance.
    const [spent] = quotaDiagnostics(await planOf([seg("s"), tpl("t"), ...workflows(37)]), [{ ...flows, remainingToday: 20 }]);
    expect(spent).toMatchObject({ severity: "warning", detail: { count: 37, today: 20, days: 2, remainingToday: 20 } });
    expect(spent!.message).toContain("20 fit in what is left today, so this apply needs 2 days");
  });

  it("tells operations apart by their spec (`where`), and quotas of one pace pay for each other's time", async () => {
    const plan = await planOf([
      ...Array.from({ length: 15 }, (_, i) => seg(`d${i}`)),
      ...Array.from({ length: 3 }, (_, i) => seg(`l${i}`, { type: "static", conditions: undefined })),
      tpl("t"), ...workflows(15).map((w) => ({ ...w, spec: { ...w.spec, trigger: { type: "segment_entry", segment: "d0" } } })) as never,
    ]);
    const uses = quotaUses(plan, [flows, segments, lists]);
    expect(uses.map((u) => [u.quota, u.count, u.seconds, u.sharedWith])).toEqual([
      ["flow creates", 15, 74, ["segment creates"]],
      ["segment creates", 15, 74, ["flow creates"]],
      ["list creates", 3, 0, undefined],
    ]);
    expect(quotaWords(uses[0]!)).toBe("15 flow creates: 15 per minute, 100 per day — this apply needs 2 minutes (at one pace with the segment creates)");
    expect(quotaWords(uses[2]!)).toBe("3 list creates: 150 per minute, 150 per day — this apply needs 1 minute");
  });

  it("counts the new half of a replace as a create and an adoption that updates as an update; nothing for what only state forgets", async () => {
    const p = new FakeProvider();
    p.capabilities.workflow = { read: true, create: "api", update: "api", delete: "api", replaceOn: ["trigger"] };
    const b = new FakeBackend();
    const live = p.seed("workflow", "w", wf("w", "s", "t").spec);
    b.stateValue.resources["workflow.w"] = { address: "workflow.w", kind: "workflow", name: "w", id: live.id, attributes: live.spec, origin: "created", updatedAt: "t" };
    b.stateValue.resources["workflow.gone"] = { address: "workflow.gone", kind: "workflow", name: "gone", id: "nowhere", attributes: live.spec, origin: "created", updatedAt: "t" };
    p.seed("segment", "s", seg("s", { description: "edited in the UI" }).spec);
    const { plan } = await refreshAndPlan(p, stackOf([seg("s"), tpl("t"), wf("w", "s", "t", { trigger: { type: "event", event: "Placed Order" } })]), await b.state.read(), { request: { adopt: ["segment.s"] } });
    const changes = { creates: { ...flows, applies: [{ kind: "workflow" as const, action: "create" as const }] }, deletes: { name: "deletes", applies: [{ kind: "workflow" as const, action: "delete" as const }] }, updates: { name: "segment updates", applies: [{ kind: "segment" as const, action: "update" as const }] } };
    expect(plan.changes.map((c) => `${c.action} ${c.address}`)).toEqual(["create template.t", "adopt segment.s", "delete workflow.gone", "replace workflow.w"]);
    expect(quotaUses(plan, Object.values(changes)).map((u) => [u.quota, u.count])).toEqual([["flow creates", 1], ["deletes", 1], ["segment updates", 1]]);
  });

  it("shows in the plan text under the summary, and in the pull-request comment above the table's findings", async () => {
    const plan = await planOf([seg("s"), tpl("t"), ...workflows(130)]);
    plan.diagnostics.push(...quotaDiagnostics(plan, [flows]));
    const text = planText(plan);
    expect(text).toMatch(/Plan: 132 to add, 0 to change, 0 to destroy\.\n\nPlatform quotas:\n  130 flow creates: 15 per minute, 100 per day — 100 fit in what is left today, so this apply needs 2 days: it stops at the daily cap and the next day's apply continues\n$/);
    const md = planMarkdown(plan);
    expect(md).toContain("> [!WARNING]\n> **Platform quotas:** 130 flow creates: 15 per minute, 100 per day — 100 fit in what is left today");
    // Once: not again among the findings.
    expect(md.split("130 flow creates").length).toBe(2);
  });
});
