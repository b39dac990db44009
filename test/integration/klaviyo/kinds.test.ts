import { afterEach, describe, expect, it } from "vitest";
import { flowChangePath } from "../../../providers/klaviyo/workflows";
import type { Resource, WorkflowSpec } from "../../../src/model";
import type { CallContext, LiveObject, RefResolver } from "../../../src/provider/types";
import { providerError } from "../../helpers/errors";
import { closeWorlds, world } from "./helpers";

afterEach(closeWorlds);
/** The engine's resolver: names of what state knows, as an apply would have them. */
function stateRefs(ids: Record<string, string> = {}): CallContext {
  const refs: RefResolver = {
    idOf: (kind, name) => ids[`${kind}.${name}`],
    nameOf: (kind, id) => Object.entries(ids).find(([k, v]) => v === id && k.startsWith(`${kind}.`))?.[0].split(".")[1],
  };
  return { refs };
}
const writes = (log: { method: string; path: string }[]) => log.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.replace(/\/[A-Z][A-Za-z0-9]{5,}\b/g, "/:id").replace(/\/tag-[a-z0-9]+/g, "/:tag")}`);

describe("Klaviyo kinds", () => {
  it("segment: created, read back as normalize() says, patched only when its definition changes, tagged, deleted", async () => {
    const { fake, provider } = await world();
    const ctx = stateRefs({ "segment.vip_customers": "segment:SVip01" });
    const r: Resource<"segment"> = { kind: "segment", name: "de_buyers", spec: { type: "dynamic", tags: ["market"], conditions: { all: [{ property: "country", op: "eq", value: "DE" }, { event: "Placed Order", at_least: 1, within: "90d" }, { not: { in_segment: "vip_customers" } }] } } };
    const made = await provider.create(r, ctx);
    expect(made.id).toMatch(/^segment:/);
    expect(made.spec).toEqual(provider.normalize!(r).spec);
    const stored = fake.account.segments.find((s) => s.name === "de_buyers")!;
    expect(stored.definition.condition_groups).toEqual([
      { conditions: [{ type: "profile-property", property: "country", filter: { type: "string", operator: "equals", value: "DE" } }] },
      { conditions: [{ type: "profile-metric", metric_id: "MPlcOr", measurement: "count", measurement_filter: { type: "numeric", operator: "greater-than-or-equal", value: 1 }, timeframe_filter: { type: "date", operator: "in-the-last", unit: "day", quantity: 90 } }] },
      { conditions: [{ type: "profile-group-membership", is_member: false, group_ids: ["SVip01"] }] },
    ]);
    const ids = { "segment.vip_customers": "segment:SVip01", "segment.de_buyers": made.id };
    fake.log.length = 0;
    // Only a tag changes: no segment PATCH (each costs one of the 100 a day).
    const retagged = await provider.update({ ...r, spec: { ...r.spec, tags: ["market", "q4"] } }, made, stateRefs(ids));
    expect(writes(fake.log)).toEqual(["POST /api/tags", "POST /api/tags/:tag/relationships/segments"]);
    expect((retagged.spec as { tags?: string[] }).tags).toEqual(["market", "q4"]);
    fake.log.length = 0;
    const changed = { ...r, spec: { ...r.spec, tags: ["q4"], conditions: { property: "country", op: "in" as const, value: ["DE", "AT"] } } };
    const after = await provider.update(changed, retagged, stateRefs(ids));
    expect(writes(fake.log)).toEqual(["PATCH /api/segments/:id", "DELETE /api/tags/:tag/relationships/segments"]);
    expect(after.spec).toEqual(provider.normalize!(changed).spec);
    await provider.delete("segment", made.id, ctx);
    expect(fake.account.segments.some((s) => s.name === "de_buyers")).toBe(false);
  });

  it("static segment: a Klaviyo list; it cannot become a segment in place", async () => {
    const { fake, provider } = await world();
    const ctx = stateRefs();
    const made = await provider.create({ kind: "segment", name: "beta_testers", spec: { type: "static" } }, ctx);
    expect(made).toMatchObject({ id: expect.stringMatching(/^list:/), spec: { type: "static" } });
    expect(fake.account.lists.some((l) => l.name === "beta_testers")).toBe(true);
    const e = await providerError(provider.update({ kind: "segment", name: "beta_testers", spec: { type: "dynamic", conditions: { property: "beta", op: "eq", value: true } } }, made, ctx));
    expect(e.diagnostic.code).toBe("klaviyo/replace-required");
    expect(provider.capabilities.segment!.replaceOn).toEqual(["type"]);
    const renamed = await provider.update({ kind: "segment", name: "beta_group", spec: { type: "static" } }, made, ctx);
    expect(renamed.name).toBe("beta_group");
    expect(fake.account.lists.some((l) => l.name === "beta_group")).toBe(true);
  });

  it("template: a CODE template with subject and preheader in its header comment; SMS text; universal content blocks", async () => {
    const { fake, provider } = await world();
    const ctx = stateRefs();
    const email: Resource<"template"> = { kind: "template", name: "promo", spec: { channel: "email", subject: "Hi {{ first_name | default: \"there\" }}", preheader: "New in", from_name: "Northwind", body: "<p>Hello {{ first_name | default: \"there\" }}</p>", description: "Mops-only" } };
    const made = await provider.create(email, ctx);
    const t = fake.account.templates.find((x) => x.name === "promo")!;
    expect(t.editor_type).toBe("CODE");
    expect(t.html).toBe('<!-- mops {"subject":"Hi {{ first_name|default:\\"there\\" }}","preheader":"New in","from_name":"Northwind"} -->\n<p>Hello {{ first_name|default:"there" }}</p>');
    expect((await provider.read("template", made.id, ctx))!.spec).toEqual(provider.normalize!(email).spec);
    expect(provider.normalize!(email).spec).not.toHaveProperty("description");
    await provider.update({ ...email, spec: { ...email.spec, subject: "Hello" } }, made, ctx);
    expect(((await provider.read("template", made.id, ctx))!.spec as { subject?: string }).subject).toBe("Hello");

    const sms = await provider.create({ kind: "template", name: "promo_sms", spec: { channel: "sms", body: "20% off today" } }, ctx);
    expect(fake.account.templates.find((x) => x.id === sms.id)!.text).toBe("20% off today");
    expect((await provider.read("template", sms.id, ctx))!.spec).toEqual({ channel: "sms", body: "20% off today" });

    const block: Resource<"template"> = { kind: "template", name: "legal", spec: { channel: "email", body: "<p>Terms apply</p>", tags: ["universal_content"] } };
    const b = await provider.create(block, ctx);
    expect(b.id).toMatch(/^universal:/);
    expect(fake.account.universal.find((u) => u.name === "legal")!.definition).toEqual({ content_type: "block", type: "html", data: { content: "<p>Terms apply</p>", display_options: {} } });
    expect((await provider.read("template", b.id, ctx))!.spec).toEqual(provider.normalize!(block).spec);
    await provider.delete("template", b.id, ctx);
    expect(fake.account.universal.some((u) => u.name === "legal")).toBe(false);
    await expect(provider.check!([{ kind: "template", name: "push", spec: { channel: "push", body: "x" } }], ctx)).resolves.toEqual([
      expect.objectContaining({ code: "klaviyo/unsupported-channel", address: "template.push" }),
    ]);
  });

  const welcome: WorkflowSpec = {
    status: "active",
    tags: ["lifecycle"],
    trigger: { type: "segment_entry", segment: "newsletter" },
    entry_filter: { consent: "email_marketing" },
    suppression: { segments: ["vip_customers"] },
    steps: [
      { id: "hello", type: "send", channel: "email", template: "welcome_email" },
      { type: "wait", duration: "2d" },
      { type: "branch", condition: { event: "Placed Order", at_least: 1 }, then: [{ type: "update_property", property: "loyalty_tier", value: "bronze" }], else: [{ type: "send", channel: "sms", template: "cart_sms" }] },
      { type: "add_to_segment", segment: "welcomed" },
    ],
    reenrollment: { allowed: false },
  };
  const ids = { "segment.newsletter": "list:LNews1", "segment.vip_customers": "segment:SVip01", "segment.welcomed": "list:LWelc3", "template.welcome_email": "TWelc1", "template.cart_sms": "TCsms4", "subscription_type.email_marketing": "email" };

  it("workflow: created as a draft behind an admission gate, then set live; read back as normalize() says", async () => {
    const { fake, provider } = await world();
    const r: Resource<"workflow"> = { kind: "workflow", name: "welcome_v2", spec: welcome };
    await provider.check!([r, { kind: "template", name: "cart_sms", spec: { channel: "sms", body: "Come back" } }, { kind: "frequency_cap", name: "weekly", spec: { max: 1, period: "16h", channels: ["email"] } }], stateRefs(ids));
    const made = await provider.create(r, stateRefs(ids));
    expect(writes(fake.log)).toEqual(["POST /api/flows", "PATCH /api/flows/:id", "POST /api/tags/:tag/relationships/flows"]);
    expect(fake.log.find((x) => x.method === "PATCH")!.body.data.attributes).toEqual({ status: "live" });
    const f = fake.account.flows.find((x) => x.id === made.id)!;
    expect(f.status).toBe("live");
    const def = f.definition;
    const gate = def.actions.find((a: { id: string }) => a.id === def.entry_action_id);
    expect(gate).toMatchObject({ type: "conditional-split", links: { next_if_false: null }, data: { profile_filter: { condition_groups: [{ conditions: [{ type: "profile-property", property: "mops_gate", filter: { type: "existence", operator: "not-set" } }] }] } } });
    expect(def.triggers).toEqual([{ type: "list", id: "LNews1" }]);
    expect(def.reentry_criteria).toEqual({ duration: 1, unit: "alltime" });
    const sends = def.actions.filter((a: { type: string }) => a.type.startsWith("send-"));
    // Smart Sending follows the stack's caps: the weekly cap covers email, not SMS.
    expect(sends.map((a: any) => [a.type, a.data.message.smart_sending_enabled])).toEqual([["send-email", true], ["send-sms", false]]);
    expect(sends[1].data.message.body).toBe("Come back");
    expect(made.spec).toEqual(provider.normalize!(r).spec);
  });

  it("workflow: a status change is one flow PATCH, a changed wait one action PATCH; a new step needs a new flow", async () => {
    const { fake, provider } = await world();
    const ctx = stateRefs(ids);
    const r: Resource<"workflow"> = { kind: "workflow", name: "welcome_v2", spec: welcome };
    const made = await provider.create(r, ctx);
    const live = made as LiveObject<"workflow">;
    fake.log.length = 0;
    const paused = (await provider.update({ ...r, spec: { ...welcome, status: "paused" } }, live, ctx)) as LiveObject<"workflow">;
    expect(writes(fake.log)).toEqual(["PATCH /api/flows/:id"]);
    expect(paused.spec.status).toBe("paused");

    fake.log.length = 0;
    const longer: WorkflowSpec = { ...welcome, status: "paused", steps: welcome.steps.map((s) => (s.type === "wait" ? { ...s, duration: "3d" } : s)) };
    expect(flowChangePath(paused.spec as WorkflowSpec, (provider.normalize!({ ...r, spec: longer }).spec as WorkflowSpec))).toMatchObject({ path: "in-place", actions: [1] });
    const waited = (await provider.update({ ...r, spec: longer }, paused, ctx)) as LiveObject<"workflow">;
    expect(writes(fake.log)).toEqual(["PATCH /api/flow-actions/:id"]);
    expect(fake.log.find((x) => x.method === "PATCH")!.body.data.attributes.definition).toMatchObject({ type: "time-delay", data: { unit: "days", value: 3 } });
    expect(waited.spec).toEqual((provider.normalize!({ ...r, spec: longer }).spec as WorkflowSpec));

    fake.log.length = 0;
    const extra: WorkflowSpec = { ...longer, steps: [...longer.steps, { type: "wait", duration: "1d" }] };
    const change = flowChangePath(waited.spec as WorkflowSpec, (provider.normalize!({ ...r, spec: extra }).spec as WorkflowSpec));
    expect(change.path).toBe("replace");
    expect(change.reasons[0]).toMatch(/steps' shape changed/);
    const e = await providerError(provider.update({ ...r, spec: extra }, waited, ctx));
    expect(e.diagnostic.code).toBe("klaviyo/flow-replace-required");
    expect(writes(fake.log)).toEqual([]);
    expect(flowChangePath(waited.spec as WorkflowSpec, (provider.normalize!({ ...r, spec: { ...longer, trigger: { type: "segment_entry", segment: "welcomed" } } }).spec as WorkflowSpec))).toMatchObject({ path: "replace", reasons: ["`trigger` is fixed when a Klaviyo flow is created"] });
  });

  it("a template's new subject is written into the flow messages that copied it, one action PATCH each", async () => {
    const { fake, provider } = await world();
    const ctx = stateRefs(ids);
    const tpl: Resource<"template"> = { kind: "template", name: "welcome_email", spec: { channel: "email", subject: "Welcome", body: "<p>Hi</p>" } };
    await provider.check!([tpl], ctx);
    const flow = await provider.create({ kind: "workflow", name: "w", spec: { ...welcome, tags: undefined } }, ctx);
    const sendOf = () => fake.account.flows.find((f) => f.id === flow.id)!.definition.actions.find((a: any) => a.type === "send-email");
    expect(sendOf().data.message.subject_line).toBe("Welcome");
    const live = (await provider.read("template", "TWelc1", ctx))!;
    fake.log.length = 0;
    // The seeded Welcome Series sends this template too, but Mops does not manage it: it is left alone.
    await provider.update({ ...tpl, spec: { ...tpl.spec, subject: "Welcome aboard" } }, live, stateRefs({ ...ids, "workflow.w": flow.id }));
    expect(writes(fake.log)).toEqual(["PATCH /api/templates/:id", "PATCH /api/flow-actions/:id"]);
    expect(sendOf().data.message.subject_line).toBe("Welcome aboard");
    fake.log.length = 0;
    // A body change alone touches no flow: Klaviyo's messages keep their own copy of the HTML.
    await provider.update({ ...tpl, spec: { ...tpl.spec, subject: "Welcome aboard", body: "<p>Hello</p>" } }, (await provider.read("template", "TWelc1", ctx))!, ctx);
    expect(writes(fake.log)).toEqual(["PATCH /api/templates/:id"]);
  });

  it("the fake refuses a PATCH of a flow's definition, as Klaviyo does", async () => {
    const { fake, provider } = await world();
    const made = await provider.create({ kind: "workflow", name: "w", spec: { ...welcome, status: "draft", tags: undefined } }, stateRefs(ids));
    const flow = fake.account.flows.find((f) => f.id === made.id)!;
    const res = await fetch(`${fake.url}/api/flows/${made.id}`, {
      method: "PATCH",
      headers: { authorization: "Klaviyo-API-Key pk_5f1e2d3c4b5a69788a9b0c1d2e3f4a5b6c", revision: "2026-07-15", "content-type": "application/vnd.api+json" },
      body: JSON.stringify({ data: { type: "flow", id: made.id, attributes: { definition: flow.definition } } }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].source.pointer).toBe("/data/attributes/definition");
  });

  it("reports what Klaviyo cannot express before any request", async () => {
    const { fake, provider } = await world();
    const bad: Resource<"workflow"> = {
      kind: "workflow", name: "bad",
      spec: {
        status: "active", trigger: { type: "manual" }, goal: { event: "Placed Order" }, holdout_percent: 10,
        steps: [{ id: "s", type: "send", channel: "push", template: "t" }, { type: "branch", condition: { engagement: { step: "s", action: "opened" } }, then: [] }],
      },
    };
    const ds = await provider.check!([bad], stateRefs());
    expect(ds.map((d) => [d.code, d.detail?.path])).toEqual([
      ["klaviyo/unsupported-setting", "goal"],
      ["klaviyo/unsupported-setting", "holdout_percent"],
      ["klaviyo/unsupported-channel", "steps[0].channel"],
      ["klaviyo/unsupported-step", "steps[1].condition"],
      ["klaviyo/unsupported-trigger", "trigger"],
    ]);
    const seg = await provider.check!([{ kind: "segment", name: "x", spec: { type: "dynamic", conditions: { all: [{ event: "Nope Event" }, { property: "age", op: "gt", value: "old" }] } } }], stateRefs());
    expect(seg.map((d) => [d.code, d.detail?.path])).toEqual([["klaviyo/unknown-metric", "conditions.all[0].event"], ["klaviyo/unsupported-condition", "conditions.all[1]"]]);
    expect(fake.log.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("manual kinds say where to click", async () => {
    const { provider } = await world();
    const ctx = stateRefs();
    const e = await providerError(provider.create({ kind: "user", name: "ana", spec: { email: "ana@example.com", role: "admin" } }, ctx));
    expect(e.diagnostic.hint).toMatch(/Settings > Users/);
    const caps = await provider.check!([{ kind: "frequency_cap", name: "daily", spec: { max: 1, period: "1d", channels: ["email", "push"] } }], ctx);
    expect(caps.map((d) => d.code)).toEqual(["klaviyo/manual-step", "klaviyo/cap-channels"]);
    expect(caps[0]!.hint).toMatch(/Smart Sending period.*24 hours/);
    const subs = await provider.check!([{ kind: "subscription_type", name: "newsletter", spec: { channel: "email" } }], ctx);
    expect(subs.map((d) => d.code)).toEqual(["klaviyo/consent-per-channel"]);
    expect(subs[0]!.hint).toMatch(/email_marketing/);
  });
});
