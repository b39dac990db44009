import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fromFilterBranch, toFilterBranch, type HsBranch } from "../../../providers/hubspot/filters";
import { toFlowBody } from "../../../providers/hubspot/flows";
import { identityRefs, Issues, type Refs } from "../../../providers/hubspot/mapping";
import type { Condition, Resource, WorkflowSpec } from "../../../src/model";
import { fakeHubSpot, type FakeHubSpot } from "../../fixtures/hubspot/fake";
import { models } from "./conformance/models";
import { checkSpec } from "./conformance/spec-schemas";
import { ctx, offline, provider, TOKEN } from "./helpers";

/** Each encoding issue 12 found, written the way HubSpot's own models have it. */

const lists = models("crm/lists");
const conforms = (filterBranch: HsBranch) => lists.check({ filterBranch }, "ListFilterUpdateRequest").map((v) => `${v.at}: ${v.problem}`);

function encode(c: Condition, refs: Refs = identityRefs) {
  const issues = new Issues("segment.s");
  const branch = toFilterBranch(c, refs, issues, (at) => ["conditions", ...at]);
  return { branch, issues: issues.list, and: branch.filterBranches[0] };
}

const p = provider();
const norm = (c: Condition) => (p.normalize!({ kind: "segment", name: "s", spec: { type: "dynamic", conditions: c } }) as Resource<"segment">).spec.conditions;

describe("property filters", () => {
  it("between is the ranged-number operation (NUMBER_RANGED), with whole-number bounds", () => {
    const { branch, and } = encode({ property: "lifetime_value", op: "between", value: [10, 20] });
    expect(and.filters[0].operation).toEqual({ operationType: "NUMBER_RANGED", operator: "IS_BETWEEN", lowerBound: 10, upperBound: 20, includeObjectsWithNoValueSet: false });
    expect(conforms(branch)).toEqual([]);
    expect(norm({ property: "lifetime_value", op: "between", value: [10, 20] })).toEqual({ property: "lifetime_value", op: "between", value: [10, 20] });
    const { issues } = encode({ property: "lifetime_value", op: "between", value: [1.5, 3] });
    expect(issues.map((d) => [d.code, d.detail?.path])).toEqual([["hubspot/unsupported-condition", ["conditions", "value"]]]);
  });

  it("within is the rolling-date operation: numberOfDays and requiresTimeZoneConversion, weeks in days", () => {
    const { branch, and } = encode({ all: [{ property: "last_order_date", op: "within", value: "30d" }, { property: "signup_date", op: "within", value: "2w" }] });
    expect(and.filters.map((f) => f.operation)).toEqual([
      { operationType: "ROLLING_DATE_RANGE", operator: "IS_LESS_THAN_X_DAYS_AGO", numberOfDays: 30, requiresTimeZoneConversion: false, includeObjectsWithNoValueSet: false },
      { operationType: "ROLLING_DATE_RANGE", operator: "IS_LESS_THAN_X_DAYS_AGO", numberOfDays: 14, requiresTimeZoneConversion: false, includeObjectsWithNoValueSet: false },
    ]);
    expect(conforms(branch)).toEqual([]);
    expect(norm({ property: "signup_date", op: "within", value: "2w" })).toEqual({ property: "signup_date", op: "within", value: "14d" });
  });

  it("an hour or minute window is a diagnostic at the stack's condition, from check() before any request", async () => {
    const { issues } = encode({ all: [{ property: "country", op: "eq", value: "DE" }, { property: "last_seen", op: "within", value: "12h" }] });
    expect(issues).toEqual([expect.objectContaining({
      code: "hubspot/unsupported-condition", severity: "error", address: "segment.s",
      message: "segment.s: HubSpot's rolling date filter counts whole days, so `12h` cannot be written",
      detail: { path: ["conditions", "all", 1, "value"] },
    })]);
    const diags = await p.check!([{ kind: "segment", name: "recent", spec: { type: "dynamic", conditions: { property: "last_seen", op: "within", value: "90m" } } }], ctx);
    expect(diags.map((d) => [d.code, d.address, d.detail?.path])).toEqual([["hubspot/unsupported-condition", "segment.recent", ["conditions", "value"]]]);
  });

  it("is known / is unknown (ALL_PROPERTY) carry the required includeObjectsWithNoValueSet", () => {
    const { branch, and } = encode({ all: [{ property: "phone", op: "exists" }, { property: "phone", op: "not_exists" }] });
    expect(and.filters.map((f) => f.operation)).toEqual([
      { operationType: "ALL_PROPERTY", operator: "IS_KNOWN", includeObjectsWithNoValueSet: false },
      { operationType: "ALL_PROPERTY", operator: "IS_UNKNOWN", includeObjectsWithNoValueSet: false },
    ]);
    expect(conforms(branch)).toEqual([]);
  });

  it("before / after are TIME_POINT operations with the time point the models require", () => {
    const { branch } = encode({ all: [{ property: "last_order_date", op: "before", value: "180d" }, { property: "last_order_date", op: "after", value: "2026-01-31" }] });
    expect(conforms(branch)).toEqual([]);
    expect(norm({ property: "last_order_date", op: "after", value: "2026-01-31" })).toEqual({ property: "last_order_date", op: "after", value: "2026-01-31" });
    expect(norm({ property: "last_order_date", op: "before", value: "180d" })).toEqual({ property: "last_order_date", op: "before", value: "180d" });
  });
});

describe("event filters", () => {
  it("a time window is pruningRefineBy on the UNIFIED_EVENTS filter; the branch carries only coalescingRefineBy", () => {
    const windowed = encode({ event: "placed_order", within: "7d", where: [{ property: "total", op: "gt", value: 100 }] });
    expect(windowed.and.filterBranches).toEqual([]);
    expect(windowed.and.filters).toEqual([{
      filterType: "UNIFIED_EVENTS", eventTypeId: "placed_order",
      filterLines: [{ property: "total", operation: { operationType: "NUMBER", operator: "IS_GREATER_THAN", value: 100, includeObjectsWithNoValueSet: false } }],
      pruningRefineBy: { type: "RELATIVE_COMPARATIVE", comparison: "AFTER", timeOffset: { offsetDirection: "PAST", timeUnit: "DAYS", amount: 7 } },
    }]);
    const counted = encode({ event: "placed_order", at_least: 3 });
    expect(counted.and.filterBranches).toEqual([{
      filterBranchType: "UNIFIED_EVENTS", filterBranchOperator: "AND", eventTypeId: "placed_order", operator: "HAS_COMPLETED",
      filters: [], filterBranches: [], coalescingRefineBy: { type: "NUM_OCCURRENCES", minOccurrences: 3 },
    }]);
    for (const c of [windowed, counted, encode({ event: "placed_order", at_most: 0 }), encode({ event: "placed_order", at_most: 0, within: "2w" })]) expect(conforms(c.branch)).toEqual([]);
    for (const c of [{ event: "placed_order", within: "7d" }, { event: "placed_order", at_least: 3 }, { event: "placed_order", at_most: 0 }]) expect(norm(norm(c)!)).toEqual(norm(c));
    expect(norm({ event: "placed_order", within: "7d" })).toEqual({ event: "placed_order", within: "7d" });
  });

  it("a count and a window together, or an hour window, are diagnostics (HubSpot takes one refine-by of days or weeks)", () => {
    expect(encode({ event: "placed_order", at_least: 2, within: "30d" }).issues.map((d) => [d.code, d.detail?.path])).toEqual([["hubspot/unsupported-condition", ["conditions"]]]);
    expect(encode({ event: "placed_order", within: "6h" }).issues.map((d) => [d.code, d.detail?.path])).toEqual([["hubspot/unsupported-condition", ["conditions", "within"]]]);
  });

  it("reads a window on the branch too: HubSpot's current spec allows it there", () => {
    const branch = { filterBranchType: "OR", filters: [], filterBranches: [{ filterBranchType: "AND", filters: [], filterBranches: [{
      filterBranchType: "UNIFIED_EVENTS", filterBranchOperator: "AND", eventTypeId: "6-1234567", operator: "HAS_COMPLETED", filters: [], filterBranches: [],
      pruningRefineBy: { type: "RELATIVE_COMPARATIVE", comparison: "AFTER", timeOffset: { offsetDirection: "PAST", timeUnit: "WEEKS", amount: 2 } },
    }] }] };
    expect(fromFilterBranch(branch as HsBranch, identityRefs, { unknown: [] })).toEqual({ event: "6-1234567", within: "2w" });
  });
});

describe("event names and event type ids, from the account's event definitions", () => {
  let fake: FakeHubSpot;
  beforeEach(() => {
    offline();
    fake = fakeHubSpot({ token: TOKEN, pageSize: 2 });
  });
  afterEach(() => fake.stop());
  const definitionReads = () => fake.log.filter((r) => r.path === "/events/v3/event-definitions");

  it("writes the event type id for a stack's event name and reads the name back; the definitions are read once per run", async () => {
    const pr = provider();
    const segments = await pr.list("segment", ctx);
    expect(segments.find((s) => s.name === "cart_abandoners_7d")!.spec).toEqual({ type: "dynamic", conditions: { event: "placed_order", within: "7d" } });
    const flows = await pr.list("workflow", ctx);
    expect(flows.find((f) => (f.spec as WorkflowSpec).trigger.type === "event")!.spec).toMatchObject({ trigger: { type: "event", event: "placed_order" } });
    // Three definitions, two per page: one paged read for the whole run.
    expect(definitionReads().map((r) => r.query.after ?? null)).toEqual([null, "2"]);

    const r: Resource = { kind: "segment", name: "browsers", spec: { type: "dynamic", conditions: { all: [{ event: "viewed_product", within: "7d" }, { event: "placed_order", at_most: 0 }] } } };
    const created = await pr.create(r, ctx);
    const body = fake.log.find((x) => x.method === "POST" && x.path === "/crm/v3/lists/")!.body;
    expect(body.filterBranch.filterBranches[0].filters[0].eventTypeId).toBe("6-1234568");
    expect(body.filterBranch.filterBranches[0].filterBranches[0]).toMatchObject({ eventTypeId: "6-1234567", operator: "HAS_NOT_COMPLETED" });
    expect(created.spec).toEqual(pr.normalize!(r).spec);
    expect(definitionReads()).toHaveLength(2);
  });

  it("reads nothing about events when nothing names one", async () => {
    const pr = provider();
    await pr.list("user", ctx);
    await pr.check!([{ kind: "segment", name: "de", spec: { type: "dynamic", conditions: { property: "country", op: "eq", value: "DE" } } }], ctx);
    expect(definitionReads()).toEqual([]);
  });

  it("says which stack event the account does not define, where, and what it may have meant", async () => {
    const pr = provider();
    const diags = await pr.check!([
      { kind: "segment", name: "buyers", spec: { type: "dynamic", conditions: { any: [{ property: "country", op: "eq", value: "DE" }, { event: "placed_ordr", at_least: 1 }] } } },
      { kind: "workflow", name: "on_signup", spec: { status: "active", trigger: { type: "event", event: "joined_waitlist" }, steps: [{ type: "exit" }] } },
      { kind: "workflow", name: "on_click", spec: { status: "active", trigger: { type: "event", event: "4-96000" }, steps: [{ type: "exit" }] } },
    ], ctx);
    expect(diags.map((d) => [d.code, d.address, d.message, d.hint, d.detail?.path])).toEqual([
      ["hubspot/unknown-event", "segment.buyers", "segment.buyers: event `placed_ordr` is no custom event of this HubSpot account",
        "did you mean `placed_order`?; define it in HubSpot > Data Management > Custom Events", ["conditions", "any", 1, "event"]],
      // Archived: old filters still name it, nothing new may use it.
      ["hubspot/unknown-event", "workflow.on_signup", "workflow.on_signup: event `joined_waitlist` is no custom event of this HubSpot account",
        "declared custom events: `cart_updated`, `placed_order`, `viewed_product`; define it in HubSpot > Data Management > Custom Events", ["trigger", "event"]],
    ]);
    await expect(pr.create({ kind: "segment", name: "buyers", spec: { type: "dynamic", conditions: { event: "placed_ordr" } } }, ctx)).rejects.toThrow(/placed_ordr/);
  });
});

describe("percentage splits", () => {
  const flow = (steps: WorkflowSpec["steps"]): WorkflowSpec => ({ status: "active", trigger: { type: "segment_entry", segment: "vip" }, steps });
  const send = (template: string) => ({ type: "send" as const, channel: "email" as const, template });

  it("are HubSpot's A/B test branch: AB_TEST_BRANCH with a percentage and a connection per path", () => {
    const spec = flow([{ type: "split", paths: [{ name: "A", percent: 30, steps: [send("a")] }, { name: "B", percent: 70, steps: [send("b")] }] }, send("after")]);
    const issues = new Issues("workflow.w");
    const body = toFlowBody(spec, identityRefs, issues);
    expect(issues.list).toEqual([]);
    expect(body.actions[0]).toEqual({ actionId: "1", type: "AB_TEST_BRANCH", testBranches: [
      { percentage: 30, connection: { edgeType: "STANDARD", nextActionId: "2" } },
      { percentage: 70, connection: { edgeType: "STANDARD", nextActionId: "4" } },
    ] });
    const create = { name: "w", timeWindows: [], blockedDates: [], customProperties: {}, canEnrollFromSalesforce: false, dataSources: [], ...body };
    expect(checkSpec("automation-v4", "ApiContactFlowCreateRequest", create)).toEqual([]);
    // HubSpot keeps no path names; the steps after the split run on every path.
    expect((p.normalize!({ kind: "workflow", name: "w", spec }) as Resource<"workflow">).spec.steps).toEqual([
      { type: "split", paths: [{ percent: 30, steps: [send("a"), send("after")] }, { percent: 70, steps: [send("b"), send("after")] }] },
    ]);
  });

  it("refuses what the A/B test branch cannot hold: a path that leads nowhere, a fractional percentage", async () => {
    const spec = flow([{ type: "split", paths: [{ percent: 50.5, steps: [send("a")] }, { percent: 49.5, steps: [] }] }]);
    const diags = await p.check!([{ kind: "workflow", name: "w", spec }], { refs: { idOf: () => undefined, nameOf: () => undefined } });
    expect(diags.map((d) => [d.message.replace(/^workflow\.w: /, ""), d.detail?.path])).toEqual([
      ["HubSpot's A/B test branch takes whole percentages, not 50.5", ["steps", 0, "paths", 0, "percent"]],
      ["HubSpot's A/B test branch takes whole percentages, not 49.5", ["steps", 0, "paths", 1, "percent"]],
      ["every path of a HubSpot A/B test branch must lead to an action (HubSpot requires a connection per path)", ["steps", 0, "paths", 1, "steps"]],
    ]);
  });
});

describe("flow bodies", () => {
  let fake: FakeHubSpot;
  beforeEach(() => {
    offline();
    fake = fakeHubSpot({ token: TOKEN, validate: false });
  });
  afterEach(() => fake.stop());

  it("create sends the spec's required dataSources and no read-only field; update sends only what a PUT takes", async () => {
    const pr = provider();
    await pr.list("segment", ctx);
    const spec: WorkflowSpec = { status: "paused", trigger: { type: "segment_entry", segment: "vip_customers" }, steps: [{ id: "hi", type: "send", channel: "email", template: "welcome_1_hello", subscription_type: "marketing_information" }, { type: "branch", condition: { engagement: { step: "hi", action: "opened", within: "3d" } }, then: [{ type: "exit" }] }] };
    const created = await pr.create({ kind: "workflow", name: "w", spec }, ctx);
    await pr.update({ kind: "workflow", name: "w", spec: { ...spec, status: "active" } }, created, ctx);
    const post = fake.log.find((r) => r.method === "POST" && r.path === "/automation/v4/flows")!.body;
    const put = fake.log.find((r) => r.method === "PUT")!.body;
    expect(checkSpec("automation-v4", "ApiContactFlowCreateRequest", post)).toEqual([]);
    expect(checkSpec("automation-v4", "ApiContactFlowPutRequest", put)).toEqual([]);
    expect(post.dataSources).toEqual([]);
    expect(Object.keys(put).filter((k) => ["flowType", "objectTypeId", "dataSources", "nextAvailableActionId", "createdAt", "crmObjectCreationStatus"].includes(k))).toEqual([]);
    // PublicEmailEventFilter: appId and emailId are strings.
    expect(post.actions[1].listBranches[0].filterBranch.filterBranches[0].filters[0]).toMatchObject({ filterType: "EMAIL_EVENT", appId: "0", emailId: "9001" });
  });
});
