import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Resource } from "../../../src/model";
import { canvasSpec, campaignSpec, shares } from "../../../providers/braze/workflows";
import { fromLiquid, toLiquid } from "../../../providers/braze/liquid";
import { expressible, roleSpecOf } from "../../../providers/braze/permissions";
import { RateWindow, LIMITS, endpointClass } from "../../../providers/braze/limits";
import { readDescription, stampDescription } from "../../../providers/braze/owner";
import { brazeQuotas } from "../../../providers/braze/quotas";
import type { CanvasDetails } from "../../../providers/braze/exports";
import { fakeClock, offline, refreshAll, world, type World } from "./helpers";

const map = { template: (p: string, v: string) => `t_${v}`, subscription: (g: string) => `group_${g}`, team: (t: string) => t.toLowerCase() };
const canvas = (over: Partial<CanvasDetails>): CanvasDetails => ({ message: "success", name: "C", enabled: true, draft: false, archived: false, ...over });
const msg = (channel: string, extra = {}) => ({ channel, body: "b", ...extra });

describe("Braze <-> neutral mapping", () => {
  it("Liquid: Braze's attribute tags and the neutral merge fields map both ways; other Liquid is untouched", () => {
    const braze = "Hi {{${first_name} | default: 'you'}} ({{custom_attribute.${tier}}}) {{content_blocks.${footer}}} {% if ${city} %}x{% endif %} <a href=\"{{${set_user_to_unsubscribed_url}}}\">u</a>";
    const neutral = fromLiquid(braze);
    expect(neutral).toBe("Hi {{first_name | default: 'you'}} ({{tier}}) {{content_blocks.${footer}}} {% if ${city} %}x{% endif %} <a href=\"{{unsubscribe_url}}\">u</a>");
    expect(toLiquid(neutral)).toBe(braze);
  });

  it("a Canvas's steps in journey order: messages, delays, a decision split with Braze's path names, a loop cut", () => {
    const spec = canvasSpec("canvas:c1", canvas({
      schedule_type: "action_based",
      variants: [{ name: "V1", id: "v1", first_step_ids: ["a"] }],
      steps: [
        { id: "a", name: "Hello", type: "email", next_paths: [{ name: null, next_step_id: "b" }], messages: { m1: msg("email") } },
        { id: "b", name: "Wait 1 Day", type: "delay", next_paths: [{ name: null, next_step_id: "c" }] },
        { id: "c", name: "Clicked?", type: "decision_split", next_paths: [{ name: "Yes", next_step_id: "d" }, { name: "No", next_step_id: "a" }] },
        { id: "d", name: "Text", type: "sms", next_paths: [], messages: { m2: msg("sms", { subscription_group_id: "g1" }), m3: msg("webhook", { url: "https://x.example/h", method: "PUT" }) } },
      ],
    }), map);
    expect(spec.steps).toEqual([
      { id: "hello", type: "send", channel: "email", template: "t_m1", subscription_type: "email_global" },
      { id: "wait_1_day", type: "wait", duration: "0m" },
      { type: "split", paths: [
        { name: "Yes", percent: 50, steps: [
          { id: "text", type: "send", channel: "sms", template: "t_m2", subscription_type: "group_g1" },
          { id: "text_webhook", type: "webhook", url: "https://x.example/h", method: "PUT" },
        ] },
        // Back to the first step: the export's journey ends there.
        { name: "No", percent: 50, steps: [] },
      ] },
    ]);
    expect(spec.tags).toEqual(["entry:action_based", "opaque-audience"]);
  });

  it("several variants are a split; an empty Canvas is an exit; shares always add up to 100", () => {
    const spec = canvasSpec("canvas:c2", canvas({ variants: [{ name: "A", id: "a", first_step_ids: ["x"] }, { name: "B", id: "b", first_step_ids: [] }, { name: "C", id: "c", first_step_ids: [] }], steps: [{ id: "x", name: "X", type: "push", messages: { m: msg("ios_push", { alert: "hi" }) } }] }), map);
    expect(spec.steps).toMatchObject([{ type: "split", paths: [{ name: "A", percent: 33 }, { name: "B", percent: 33, steps: [] }, { name: "C", percent: 34 }] }]);
    expect(canvasSpec("canvas:c3", canvas({}), map).steps).toEqual([{ type: "exit" }]);
    for (let n = 2; n < 12; n++) expect(shares(n).reduce((a, b) => a + b)).toBe(100);
  });

  it("a campaign: one send per channel, A/B variations and a control as a split, conversion events as the goal", () => {
    const spec = campaignSpec("campaign:k", {
      message: "success", name: "K", enabled: false, draft: false, schedule_type: "time_based", teams: ["Growth"],
      messages: { v1: msg("email", { name: "Variation 1" }), v2: msg("email", { name: "Variation 2" }), c: { channel: "email", type: "control", name: "Control" }, p: msg("android_push", { name: "Push" }) },
      conversion_behaviors: [{ type: "Performs Custom Event", window: 3600, custom_event_name: "placed_order" }, { type: "Opens Email", window: 60 }, { type: "Makes Any Purchase", window: 60 }],
    }, map);
    expect(spec).toMatchObject({
      status: "paused", owner: "growth", tags: ["braze:campaign", "entry:time_based", "opaque-audience"],
      steps: [
        { type: "send", channel: "push", template: "t_p" },
        { type: "split", paths: [{ name: "Control", steps: [] }, { name: "Variation 1", steps: [{ template: "t_v1" }] }, { name: "Variation 2", steps: [{ template: "t_v2" }] }] },
      ],
      goal: { any: [{ event: "placed_order", at_least: 1 }, { event: "purchase", at_least: 1 }] },
    });
  });

  it("roles: Braze permission strings read as neutral permissions; a declared role compares as Braze can say it", () => {
    expect(roleSpecOf(["basic_access", "send_campaigns_canvases", "export_user_data"])).toEqual({ permissions: [
      { kinds: ["segment", "template"], actions: ["view"] },
      { kinds: ["workflow"], actions: ["view", "edit", "publish"] },
    ] });
    const declared = { permissions: [{ kinds: ["workflow", "segment", "template"], actions: ["view", "edit", "publish"] }] } as Resource<"role">["spec"];
    // Braze has no string that publishes a segment: that part does not compare.
    expect(expressible(declared)).toEqual({ permissions: [{ kinds: ["segment"], actions: ["view", "edit"] }, { kinds: ["workflow", "template"], actions: ["view", "edit", "publish"] }] });
  });

  it("a rate window counts, believes Braze's headers and opens again after the reset", () => {
    const clock = fakeClock(0);
    const win = new RateWindow({ ...LIMITS.preference_center_write, limit: 2 }, clock);
    expect([win.reserve(), win.reserve(), win.reserve()]).toEqual([0, 0, 60_000]);
    win.observe({ "x-ratelimit-remaining": "5", "x-ratelimit-reset": "30", "x-ratelimit-limit": "10" });
    expect(win.reserve()).toBe(30_000);
    expect(win.words).toBe("limit for preference center writes of 10 requests per minute");
    void clock.sleep(30_000);
    expect(win.reserve()).toBe(0);
    expect(["GET /scim/v2/Users", "PUT /preference_center/v1/x", "GET /preference_center/v1/list", "GET /custom_attributes", "GET /canvas/list"].map((r) => endpointClass(...(r.split(" ") as [string, string]))))
      .toEqual(["scim", "preference_center_write", "preference_center_read", "custom_attributes", "rest"]);
  });

  it("owner marks live in a Content Block's description, and read back", () => {
    const mark = { stack: "northwind", environment: "prod", lineage: "l-123" };
    const stamped = stampDescription("Legal footer", mark);
    expect(stamped).toBe("Legal footer\n[mops northwind prod l-123]");
    expect(readDescription(stamped)).toEqual({ description: "Legal footer", owner: mark });
    expect(stampDescription(stamped, { ...mark, environment: "staging" })).toBe("Legal footer\n[mops northwind staging l-123]");
    expect(readDescription("Plain")).toEqual({ description: "Plain" });
  });
});

describe("Braze provider over the fake workspace", () => {
  let w: World;
  beforeEach(async () => {
    offline();
    w = await world();
  });
  afterEach(async () => w.close());

  it("reads the workspace into the neutral model", async () => {
    const { live } = await refreshAll(w.provider);
    const by = Object.fromEntries(live.map((o) => [`${o.kind}.${o.name}`, o.spec]));
    expect(Object.keys(by).sort()).toMatchSnapshot();
    expect(by["workflow.welcome_journey"]).toMatchSnapshot();
  });

  it("normalize of what it reads is what it reads: an import plans nothing", async () => {
    const { live } = await refreshAll(w.provider);
    for (const o of live) expect(w.provider.normalize!({ kind: o.kind, name: o.name, spec: o.spec } as Resource).spec, `${o.kind}.${o.name}`).toEqual(o.spec);
  });

  it("a second refresh asks again only for what was edited in between", async () => {
    await refreshAll(w.provider);
    const first = w.fake.log.length;
    w.fake.account.canvases[0]!.last_edited = "2026-03-22T00:00:00Z";
    await refreshAll(w.provider);
    const second = w.fake.log.slice(first).map((l) => l.path);
    expect(second.filter((p) => p === "/canvas/details")).toHaveLength(1);
    expect(second.filter((p) => p === "/templates/email/info" || p === "/content_blocks/info" || p === "/campaigns/details")).toEqual([]);
  });

  it("quotas: SCIM's daily allowance with what Braze said is left (once it said), preference center writes per minute", async () => {
    const [unknown] = await w.provider.quotas!({ refs: { idOf: () => undefined, nameOf: () => undefined } });
    expect(unknown!.remainingToday).toBeUndefined();
    await w.provider.list("user", { refs: { idOf: () => undefined, nameOf: () => undefined } });
    const [scim, centers] = await w.provider.quotas!({ refs: { idOf: () => undefined, nameOf: () => undefined } });
    expect(scim).toEqual({
      name: "SCIM calls (dashboard users)", perDay: 5_000, remainingToday: 4_999,
      applies: [{ kind: "user", action: "create" }, { kind: "user", action: "update" }, { kind: "user", action: "delete" }],
    });
    expect(centers).toMatchObject({ perMinute: 10, applies: [{ kind: "template", action: "create" }, { kind: "template", action: "update" }] });
    // A day later the window Braze spoke of is over: what is left is not known again until it answers.
    await w.clock.sleep(86_400_000);
    expect(brazeQuotas(w.provider.client)[0]!.remainingToday).toBeUndefined();
  });

  it("a declared frequency cap is a manual rule: the plan's note says which, with its values; its removal too", () => {
    const spec = { max: 3, period: "7d", channels: ["email", "push"] as ("email" | "push")[], exempt: { workflows: ["order_confirmation"] } };
    expect(w.provider.manualNote!({ kind: "frequency_cap", name: "weekly", operation: "create", after: spec })).toBe(
      "in the Braze dashboard: Settings > Frequency Capping, add a rule for email, push: no more than 3 per 7 days; in the settings of order_confirmation, turn frequency capping off",
    );
    expect(w.provider.manualNote!({ kind: "frequency_cap", name: "weekly", operation: "delete", before: spec })).toBe(
      "in the Braze dashboard: Settings > Frequency Capping, delete a rule for email, push: no more than 3 per 7 days",
    );
  });

  it("reads a Content Block's owner mark from its description, which the spec never holds", async () => {
    const block = w.fake.account.content_blocks.find((b) => b.name === "footer")!;
    block.description = "Legal footer of every email\n[mops northwind braze_prod l-42]";
    block.last_edited = "2026-03-22T00:00:00Z";
    const ctx = { refs: { idOf: () => undefined, nameOf: () => undefined } };
    const listed = (await w.provider.list("template", ctx)).find((o) => o.id === `content_block:${block.content_block_id}`)!;
    const read = (await w.provider.read("template", listed.id, ctx))!;
    for (const o of [listed, read]) {
      expect(o.owner).toEqual({ stack: "northwind", environment: "braze_prod", lineage: "l-42" });
      expect(o.spec).toMatchObject({ description: "Legal footer of every email" });
    }
    expect((await w.provider.list("template", ctx)).filter((o) => o.owner).map((o) => o.id)).toEqual([listed.id]);
  });
});
