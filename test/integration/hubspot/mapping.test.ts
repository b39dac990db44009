import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromFlow, toFlowBody, type HsFlowBody } from "../../../providers/hubspot/flows";
import { identityRefs, Issues } from "../../../providers/hubspot/mapping";
import type { Condition, Resource, WorkflowSpec } from "../../../src/model";
import { toResourceName, uniqueResourceNames } from "../../../src/model";
import { provider } from "./helpers";

const p = provider();
const norm = <R extends Resource>(r: R) => p.normalize!(r) as R;
const wf = (spec: Partial<WorkflowSpec>): Resource<"workflow"> => ({
  kind: "workflow",
  name: "w",
  spec: { status: "active", trigger: { type: "segment_entry", segment: "vip" }, steps: [{ type: "send", channel: "email", template: "hello" }], ...spec },
});

describe("HubSpot workflow mapping", () => {
  it("reports what HubSpot cannot express, and check() says so before any request", async () => {
    const r = wf({
      trigger: { type: "date", property: "birthday", anniversary: true },
      holdout_percent: 10,
      rollout_percent: 50,
      suppression: { events: [{ event: "unsubscribed" }] },
      steps: [
        { type: "send", channel: "in_app", template: "hello" },
        { type: "split", paths: [{ percent: 50, steps: [] }, { percent: 50, steps: [] }] },
        { type: "wait", duration: "1d", until: { weekday: ["mon"] } },
      ],
    });
    const codes = p.capabilities.workflow!.note!;
    expect(codes).toMatch(/percentage splits as A\/B test branches, .*; no holdouts, date triggers or non-email channels/);
    const diags = await p.check!([r], { refs: { idOf: () => undefined, nameOf: () => undefined } });
    expect(diags.filter((d) => d.severity === "error").map((d) => d.message.replace(/^workflow\.w: /, ""))).toEqual([
      "HubSpot workflows cannot enroll a percentage of contacts (`rollout_percent`)",
      "HubSpot workflows have no holdout group (`holdout_percent`)",
      "HubSpot contact workflows suppress by list only, not by event",
      "HubSpot contact workflows cannot send on the in_app channel",
      "HubSpot delays cannot wait for a weekday",
      "date-based triggers are not mapped to HubSpot contact workflows",
    ]);
    expect(diags.every((d) => d.address === "workflow.w" && d.hint)).toBe(true);
  });

  it("folds away what HubSpot does not hold, so its defaults never show as a diff", () => {
    const n = norm(wf({ owner: "maria", purpose: "revenue", tags: ["x"], priority: 5, reenrollment: { allowed: false }, steps: [{ type: "wait", duration: "2w" }, { type: "send", channel: "email", template: "hello" }, { type: "exit" }] }));
    expect(n.spec).toEqual({
      status: "active",
      trigger: { type: "segment_entry", segment: "vip" },
      steps: [{ type: "wait", duration: "14d" }, { type: "send", channel: "email", template: "hello" }],
    });
    expect(norm(wf({ status: "draft" })).spec.status).toBe("paused");
  });

  it("copies steps after a branch into each path, which HubSpot reads back unchanged", () => {
    const r = wf({
      steps: [
        { type: "branch", condition: { in_segment: "hikers" }, then: [{ type: "send", channel: "email", template: "a" }] },
        { type: "wait", duration: "1d" },
      ],
    });
    const body = toFlowBody(r.spec, identityRefs, new Issues("workflow.w"));
    expect(body.actions.map((a) => [a.actionId, a.type, a.connection?.nextActionId ?? a.listBranches?.[0].connection?.nextActionId])).toEqual([
      ["1", "LIST_BRANCH", "2"], ["2", "SINGLE_CONNECTION", "3"], ["3", "SINGLE_CONNECTION", undefined], ["4", "SINGLE_CONNECTION", undefined],
    ]);
    expect(norm(r).spec.steps).toEqual([
      { type: "branch", condition: { in_segment: "hikers" }, then: [{ type: "send", channel: "email", template: "a" }, { type: "wait", duration: "1d" }], else: [{ type: "wait", duration: "1d" }] },
    ]);
  });

  it("reads flows drawn in HubSpot's editor: go-to edges and several list branches", () => {
    const single = (id: string, content: string, next?: string, edgeType = "STANDARD") => ({
      actionId: id, type: "SINGLE_CONNECTION", actionTypeId: "0-4", actionTypeVersion: 0, fields: { content_id: content },
      ...(next ? { connection: { edgeType, nextActionId: next } } : {}),
    });
    const inList = (id: string) => ({ filterBranchType: "OR", filters: [], filterBranches: [{ filterBranchType: "AND", filters: [{ filterType: "IN_LIST", listId: id, operator: "IN_LIST" }], filterBranches: [] }] });
    const flow: Partial<HsFlowBody> = {
      isEnabled: true,
      startActionId: "1",
      enrollmentCriteria: { type: "MANUAL", shouldReEnroll: false },
      actions: [
        { actionId: "1", type: "LIST_BRANCH", listBranches: [
          { branchName: "A", filterBranch: inList("11"), connection: { edgeType: "STANDARD", nextActionId: "2" } },
          { branchName: "B", filterBranch: inList("12"), connection: { edgeType: "GOTO", nextActionId: "3" } },
        ], defaultBranchName: "none", defaultBranch: { edgeType: "STANDARD", nextActionId: "4" } },
        single("2", "e2", "3", "GOTO"),
        single("3", "e3"),
        single("4", "e4", "2", "GO-TO"),
      ],
    };
    const notes = { unknown: [] as string[] };
    const spec = fromFlow(flow, identityRefs, notes);
    const send = (t: string) => ({ type: "send", channel: "email", template: t });
    expect(notes.unknown).toEqual([]);
    expect(spec.steps).toEqual([
      { type: "branch", condition: { in_segment: "11" }, then: [send("e2"), send("e3")], else: [
        { type: "branch", condition: { in_segment: "12" }, then: [send("e3")], else: [send("e4"), send("e2"), send("e3")] },
      ] },
    ]);
    // What Mops writes for that tree reads back as the same tree.
    expect(fromFlow(toFlowBody(spec, identityRefs, new Issues("w")), identityRefs, notes)).toEqual(spec);
  });

  it("branches on email engagement with HubSpot's EMAIL_EVENT filter, naming the send step by its template", async () => {
    const r = wf({
      steps: [
        { id: "first", type: "send", channel: "email", template: "welcome" },
        { type: "wait", duration: "2d" },
        { type: "branch", condition: { engagement: { step: "first", action: "opened", within: "2d" } }, then: [{ type: "send", channel: "email", template: "next" }], else: [{ type: "send", channel: "email", template: "welcome" }] },
      ],
    });
    const body = toFlowBody(r.spec, identityRefs, new Issues("w"));
    expect(body.actions[2].listBranches![0].filterBranch.filterBranches[0].filters).toEqual([
      { filterType: "EMAIL_EVENT", level: "EMAIL", appId: "0", emailId: "welcome", operator: "OPENED", pruningRefineBy: { type: "RELATIVE_COMPARATIVE", comparison: "AFTER", timeOffset: { offsetDirection: "PAST", timeUnit: "DAYS", amount: 2 } } },
    ]);
    const n = norm(r);
    expect(n.spec.steps[0]).toEqual({ id: "email_welcome", type: "send", channel: "email", template: "welcome" });
    expect(n.spec.steps[2]).toMatchObject({ condition: { engagement: { step: "email_welcome", action: "opened", within: "2d" } } });
    expect(norm(n).spec).toEqual(n.spec);
    const bad = wf({ steps: [{ type: "branch", condition: { engagement: { step: "nope", action: "clicked" } }, then: [] }] });
    expect((await p.check!([bad], { refs: { idOf: () => undefined, nameOf: () => undefined } })).map((d) => d.code)).toEqual(["hubspot/unknown-step"]);
  });

  it("maps a segment trigger with an `any` entry filter through HubSpot's OR-of-AND criteria and back", () => {
    const r = wf({ entry_filter: { any: [{ property: "country", op: "eq", value: "Germany" }, { property: "country", op: "eq", value: "Austria" }] } });
    const body = toFlowBody(r.spec, identityRefs, new Issues("w"));
    expect(body.enrollmentCriteria.listFilterBranch!.filterBranches.map((b) => b.filters.map((f) => f.filterType))).toEqual([["IN_LIST", "PROPERTY"], ["IN_LIST", "PROPERTY"]]);
    expect(norm(r).spec).toEqual(r.spec);
  });
});

/* Conditions: normalize is a fixed point (HubSpot reads back what Mops wrote). */
const leaf = fc.oneof(
  fc.record({ property: fc.constantFrom("country", "loyalty_tier", "lifetime_value"), op: fc.constantFrom("eq", "neq", "contains"), value: fc.constantFrom("gold", "de", 5) }),
  fc.record({ property: fc.constant("lifetime_value"), op: fc.constantFrom("gt", "lte"), value: fc.integer({ min: 0, max: 999 }) }),
  fc.record({ property: fc.constant("tags"), op: fc.constantFrom("in", "not_in"), value: fc.constantFrom(["a"], ["a", "b"]) }),
  fc.record({ property: fc.constant("phone"), op: fc.constantFrom("exists", "not_exists") }),
  fc.record({ property: fc.constant("last_order_date"), op: fc.constantFrom("within", "before", "after"), value: fc.constantFrom("30d", "2w", "12h") }),
  fc.record({ in_segment: fc.constantFrom("vip", "hikers") }),
  fc.record({ consent: fc.constant("newsletter") }),
  fc.record(
    { event: fc.constantFrom("6-1234567", "0-1"), at_least: fc.integer({ min: 1, max: 3 }), at_most: fc.integer({ min: 0, max: 5 }), within: fc.constantFrom("7d", "30d") },
    { requiredKeys: ["event"] },
  ).filter((e) => e.at_least === undefined || e.at_most === undefined || e.at_most >= e.at_least),
) as unknown as fc.Arbitrary<Condition>;
const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie("c"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie("c"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: fc.oneof(leaf, fc.record({ any: fc.array(leaf, { minLength: 2, maxLength: 3 }) }), fc.record({ all: fc.array(leaf, { minLength: 2, maxLength: 3 }) })) }),
  ),
})).c;

describe("HubSpot condition mapping", () => {
  it("normalize(normalize(segment)) equals normalize(segment), with no mapping errors", () => {
    fc.assert(
      fc.property(condition, (c) => {
        const r: Resource<"segment"> = { kind: "segment", name: "s", spec: { type: "dynamic", conditions: c } };
        const once = norm(r);
        expect(norm(once).spec).toEqual(once.spec);
        expect(p.capabilities.segment!.read).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("resource names from display names", () => {
  it("slugs to lower_snake_case and de-duplicates", () => {
    expect(toResourceName("Cart Recovery – DE (2026)")).toBe("cart_recovery_de_2026");
    expect(toResourceName("Ünïcödé Liste")).toBe("unicode_liste");
    expect(toResourceName("2026 Promo")).toBe("n_2026_promo");
    expect(toResourceName("!!!")).toBe("unnamed");
    expect(uniqueResourceNames(["VIP", "vip", "V.I.P", "vip 2"])).toEqual(["vip", "vip_2", "v_i_p", "vip_2_2"]);
  });
});
