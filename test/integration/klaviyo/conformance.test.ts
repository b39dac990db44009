import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS, type Resource } from "../../../src/model";
import type { CallContext, LiveObject } from "../../../src/provider/types";
import type { LoggedRequest } from "../../fixtures/klaviyo/fake";
import { conform, SDK_VERSION } from "./sdk-models";
import { setup } from "./helpers";

/**
 * Every request body the provider sends, and every answer of the fake, read
 * strictly as the official SDK's models (klaviyo-api): unknown fields,
 * missing required fields, nulls where none are allowed and values outside
 * enums fail. The scenario touches every write Mops makes.
 */

const REQUESTS: [string, RegExp, string][] = [
  ["POST", /^\/api\/flows$/, "FlowCreateQuery"],
  ["PATCH", /^\/api\/flows\/[^/]+$/, "FlowUpdateQuery"],
  ["PATCH", /^\/api\/flow-actions\/[^/]+$/, "FlowActionUpdateQuery"],
  ["POST", /^\/api\/segments$/, "SegmentCreateQuery"],
  ["PATCH", /^\/api\/segments\/[^/]+$/, "SegmentPartialUpdateQuery"],
  ["POST", /^\/api\/lists$/, "ListCreateQuery"],
  ["PATCH", /^\/api\/lists\/[^/]+$/, "ListPartialUpdateQuery"],
  ["POST", /^\/api\/templates$/, "TemplateCreateHtmlOrDndQuery"],
  ["PATCH", /^\/api\/templates\/[^/]+$/, "TemplateUpdateHtmlOrDndQuery"],
  ["POST", /^\/api\/template-universal-content$/, "UniversalContentCreateQuery"],
  ["PATCH", /^\/api\/template-universal-content\/[^/]+$/, "UniversalContentPartialUpdateQuery"],
  ["POST", /^\/api\/tags$/, "TagCreateQuery"],
  ["*", /^\/api\/tags\/[^/]+\/relationships\/flows$/, "TagFlowOp"],
  ["*", /^\/api\/tags\/[^/]+\/relationships\/segments$/, "TagSegmentOp"],
  ["*", /^\/api\/tags\/[^/]+\/relationships\/lists$/, "TagListOp"],
];
const RESPONSES: [string, RegExp, string][] = [
  ["GET", /^\/api\/flows$/, "GetFlowResponseCollectionCompoundDocument"],
  ["GET", /^\/api\/flows\/[^/]+$/, "GetFlowV2ResponseCompoundDocument"],
  ["POST", /^\/api\/flows$/, "PostFlowV2Response"],
  ["PATCH", /^\/api\/flows\/[^/]+$/, "PatchFlowResponse"],
  ["GET", /^\/api\/flow-actions\/[^/]+$/, "GetFlowActionEncodedResponseCompoundDocument"],
  ["PATCH", /^\/api\/flow-actions\/[^/]+$/, "PatchFlowActionEncodedResponse"],
  ["GET", /^\/api\/segments$/, "GetSegmentListResponseCollectionCompoundDocument"],
  ["GET", /^\/api\/segments\/[^/]+$/, "GetSegmentRetrieveResponseCompoundDocument"],
  ["POST", /^\/api\/segments$/, "PostSegmentCreateResponse"],
  ["PATCH", /^\/api\/segments\/[^/]+$/, "PatchSegmentPartialUpdateResponse"],
  ["GET", /^\/api\/lists$/, "GetListListResponseCollectionCompoundDocument"],
  ["GET", /^\/api\/lists\/[^/]+$/, "GetListRetrieveResponseCompoundDocument"],
  ["POST", /^\/api\/lists$/, "PostListCreateResponse"],
  ["PATCH", /^\/api\/lists\/[^/]+$/, "PatchListPartialUpdateResponse"],
  ["GET", /^\/api\/templates$/, "GetTemplateDndResponseCollection"],
  ["GET", /^\/api\/templates\/[^/]+$/, "GetTemplateDndResponse"],
  ["POST", /^\/api\/templates$/, "PostTemplateDndResponse"],
  ["PATCH", /^\/api\/templates\/[^/]+$/, "PatchTemplateDndResponse"],
  ["GET", /^\/api\/template-universal-content$/, "GetUniversalContentResponseCollection"],
  ["GET", /^\/api\/template-universal-content\/[^/]+$/, "GetUniversalContentResponse"],
  ["POST", /^\/api\/template-universal-content$/, "PostUniversalContentResponse"],
  ["PATCH", /^\/api\/template-universal-content\/[^/]+$/, "PatchUniversalContentResponse"],
  ["GET", /^\/api\/metrics$/, "GetMetricResponseCollectionCompoundDocument"],
  ["GET", /^\/api\/tags$/, "GetTagResponseCollectionCompoundDocument"],
  ["POST", /^\/api\/tags$/, "PostTagResponse"],
];
const modelOf = (table: [string, RegExp, string][], r: LoggedRequest) => table.find(([m, p]) => (m === "*" || m === r.method) && p.test(r.path))?.[2];

const ids: Record<string, string> = {
  "segment.newsletter": "list:LNews1", "segment.vip_customers": "segment:SVip01", "segment.welcomed": "list:LWelc3",
  "template.welcome_email": "TWelc1", "template.cart_sms": "TCsms4", "subscription_type.email_marketing": "email", "subscription_type.sms_marketing": "sms",
};

describe(`Klaviyo request and response shapes against the official SDK's models (klaviyo-api ${SDK_VERSION})`, () => {
  let log: LoggedRequest[] = [];
  let close: () => Promise<void>;
  beforeAll(async () => {
    const { fake, provider } = await setup({ maxPage: 3 });
    close = async () => {
      await provider.close();
      await fake.close();
    };
    const ctx: CallContext = { refs: { idOf: (k, n) => ids[`${k}.${n}`], nameOf: (k, id) => Object.entries(ids).find(([a, v]) => v === id && a.startsWith(`${k}.`))?.[0].split(".")[1] } };
    // Reads of the whole seeded account: the response fixtures.
    for (const k of KINDS) if (provider.capabilities[k]?.read) await provider.list(k, ctx);
    // Every kind of write.
    const seg: Resource<"segment"> = {
      kind: "segment", name: "all_conditions", spec: {
        type: "dynamic", tags: ["audit"],
        conditions: { all: [
          { property: "country", op: "in", value: ["DE", "AT"] }, { property: "age", op: "gte", value: 18 }, { property: "vip", op: "eq", value: true },
          { property: "nickname", op: "starts_with", value: "Dr" }, { property: "signup_date", op: "within", value: "30d" }, { property: "last_seen", op: "before", value: "2026-01-01" },
          { property: "phone", op: "exists" }, { not: { property: "email_domain", op: "contains", value: "test" } },
          { event: "Placed Order", at_least: 2, within: "90d", where: [{ property: "value", op: "gt", value: 50 }, { property: "channel", op: "eq", value: "web" }] },
          { event: "Viewed Product", at_most: 0 }, { any: [{ in_segment: "vip_customers" }, { in_segment: "newsletter" }] },
          { consent: "email_marketing" }, { not: { consent: "sms_marketing" } },
        ] },
      },
    };
    const made = await provider.create(seg, ctx);
    ids["segment.all_conditions"] = made.id;
    const changed = await provider.update({ ...seg, name: "all_conditions_v2", spec: { ...seg.spec, tags: ["q4"], conditions: { property: "country", op: "eq", value: "FR" } } }, made, ctx);
    const list = await provider.create({ kind: "segment", name: "beta", spec: { type: "static", tags: ["audit"] } }, ctx);
    await provider.update({ kind: "segment", name: "beta_v2", spec: { type: "static" } }, list, ctx);
    await provider.check!([
      { kind: "template", name: "cart_sms", spec: { channel: "sms", body: "Come back" } },
      { kind: "template", name: "welcome_email", spec: { channel: "email", subject: "Hi", preheader: "Hello", from_name: "Northwind", body: "<p>x</p>" } },
      { kind: "frequency_cap", name: "c", spec: { max: 1, period: "1d", channels: ["email"] } },
    ], ctx);
    const tpl = await provider.create({ kind: "template", name: "promo", spec: { channel: "email", subject: "Hi", body: "<p>Hi</p>" } }, ctx);
    await provider.update({ kind: "template", name: "promo_v2", spec: { channel: "email", subject: "Hello", body: "<p>Hello</p>" } }, tpl, ctx);
    await provider.create({ kind: "template", name: "promo_sms", spec: { channel: "sms", body: "Hi" } }, ctx);
    const block = await provider.create({ kind: "template", name: "legal", spec: { channel: "email", body: "<p>T&C</p>", tags: ["universal_content"] } }, ctx);
    await provider.update({ kind: "template", name: "legal", spec: { channel: "email", body: "<p>Terms</p>", tags: ["text_block", "universal_content"] } }, block, ctx);
    const wf: Resource<"workflow"> = {
      kind: "workflow", name: "everything", spec: {
        status: "active", tags: ["audit"],
        trigger: { type: "event", event: "Started Checkout", where: [{ property: "value", op: "gte", value: 20 }] },
        entry_filter: { consent: "email_marketing" },
        suppression: { segments: ["vip_customers"], events: [{ event: "Placed Order", within: "1d" }] },
        reenrollment: { allowed: true, after: "4w" },
        steps: [
          { type: "wait", duration: "2h" },
          { id: "first", type: "send", channel: "email", template: "welcome_email" },
          { type: "wait", duration: "1d", until: { weekday: ["tue", "thu"], time: "10:00", timezone: "Europe/Berlin" } },
          { type: "branch", condition: { event: "Started Checkout", where: [{ property: "country", op: "eq", value: "DE" }] }, then: [{ type: "send", channel: "sms", template: "cart_sms", transactional: true }], else: [{ type: "update_property", property: "score", value: 3 }] },
          { type: "branch", condition: { property: "vip", op: "eq", value: true }, then: [{ type: "update_property", property: "vip_seen", value: true }, { type: "update_property", property: "tier", value: null }], else: [{ type: "update_property", property: "tier", value: "bronze" }] },
          { type: "split", paths: [{ percent: 30, steps: [{ type: "add_to_segment", segment: "welcomed" }] }, { percent: 70, steps: [{ type: "remove_from_segment", segment: "newsletter" }] }] },
          { type: "webhook", url: "https://hooks.example.com/x" },
        ],
      },
    };
    const flow = await provider.create(wf, ctx);
    const dateFlow = await provider.create({ kind: "workflow", name: "anniversary", spec: { status: "draft", trigger: { type: "date", property: "signup_date", anniversary: true, offset: "-1w" }, steps: [{ type: "send", channel: "email", template: "welcome_email" }] } }, ctx);
    await provider.update({ ...wf, spec: { ...wf.spec, status: "paused", steps: wf.spec.steps.map((s) => (s.type === "wait" && s.duration === "2h" ? { ...s, duration: "3h" } : s)) } }, flow as LiveObject<"workflow">, ctx);
    await provider.retire("workflow", flow.id, ctx);
    await provider.drain(flow.id, ctx);
    await provider.segmentSize!(changed.id, ctx);
    await provider.delete("workflow", dateFlow.id, ctx);
    log = fake.log;
  });
  afterAll(() => close());

  it("sends only bodies the SDK's request models accept", () => {
    const bodies = log.filter((r) => r.body !== undefined);
    const unmapped = bodies.filter((r) => !modelOf(REQUESTS, r)).map((r) => `${r.method} ${r.path}`);
    expect(unmapped).toEqual([]);
    const seen = new Set(bodies.map((r) => modelOf(REQUESTS, r)));
    expect([...seen].sort()).toEqual(REQUESTS.map(([, , m]) => m).sort());
    for (const r of bodies) expect(conform(r.body, modelOf(REQUESTS, r)!), `${r.method} ${r.path}`).toEqual([]);
  });

  it("answers (the account's fixtures and every write's reply) in the shapes of the SDK's response models", () => {
    const answers = log.filter((r) => r.status >= 200 && r.status < 300 && r.response !== undefined);
    const unmapped = answers.filter((r) => !modelOf(RESPONSES, r)).map((r) => `${r.method} ${r.path}`);
    expect(unmapped).toEqual([]);
    expect(new Set(answers.map((r) => modelOf(RESPONSES, r))).size).toBeGreaterThanOrEqual(20);
    for (const r of answers) expect(conform(r.response, modelOf(RESPONSES, r)!), `${r.method} ${r.path}`).toEqual([]);
  });

  it("fails on what the SDK's lenient deserializer would let through", () => {
    const ok = { data: { type: "segment", attributes: { name: "x", definition: { condition_groups: [] } } } };
    expect(conform(ok, "SegmentCreateQuery")).toEqual([]);
    expect(conform({ data: { ...ok.data, attributes: { ...ok.data.attributes, colour: "red" } } }, "SegmentCreateQuery")).toEqual(["$.data.attributes.colour: not a field of SegmentCreateQueryResourceObjectAttributes"]);
    expect(conform({ data: { type: "segment", attributes: { definition: { condition_groups: [] } } } }, "SegmentCreateQuery")).toEqual(["$.data.attributes.name: required by SegmentCreateQueryResourceObjectAttributes"]);
    expect(conform({ data: { ...ok.data, type: "segmnt" } }, "SegmentCreateQuery")[0]).toMatch(/^\$\.data\.type: "segmnt" is not one of SegmentEnum/);
    expect(conform({ data: { type: "flow", id: "F1", attributes: { status: null } } }, "FlowUpdateQuery")).toEqual(["$.data.attributes.status: null is not allowed by FlowUpdateQueryResourceObjectAttributes"]);
    const delay = { temporary_id: "a", type: "time-delay", links: { next: null }, data: { unit: "fortnights", value: 1 } };
    expect(conform(delay, "TimeDelayAction")[0]).toMatch(/unit: "fortnights" is not one of TimeDelayActionData.UnitEnum/);
  });
});
