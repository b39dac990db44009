import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fromHubL, toHubL } from "../../../providers/hubspot/hubl";
import type { Resource, WorkflowSpec } from "../../../src/model";
import { parseMergeFields } from "../../../src/analysis/merge-fields";
import { fakeHubSpot, type FakeHubSpot } from "../../fixtures/hubspot/fake";
import { ctx, offline, provider, TOKEN } from "./helpers";

describe("HubL merge fields <-> neutral merge fields", () => {
  it("drops `contact.` on read, puts it back on write, and maps HubSpot's link variables", () => {
    const hubl = "Hi {{ contact.firstname | default: 'explorer' }}, {{contact.loyalty_tier}} — {{ unsubscribe_link_all }} {{ unsubscribe_link }} {{ view_as_page_url }}";
    const neutral = "Hi {{ firstname | default: 'explorer' }}, {{loyalty_tier}} — {{ unsubscribe_url }} {{ preferences_url }} {{ web_version_url }}";
    expect(fromHubL(hubl)).toBe(neutral);
    expect(toHubL(neutral)).toBe(hubl);
    expect(parseMergeFields(fromHubL(hubl)).problems).toEqual([]);
  });

  it("leaves dotted HubL and statements alone both ways", () => {
    const text = "{{ site_settings.company_name }} {{ contact.address.city }} {% if contact.firstname %}x{% endif %}";
    expect(fromHubL(text)).toBe(text);
    expect(toHubL(text)).toBe(text);
  });

  it("round-trips exactly: HubSpot text through the neutral model and back, and the neutral text read back", () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);
    const ws = fc.constantFrom("", " ", "  ");
    const field = fc.oneof(
      fc.tuple(ws, name, ws, fc.constantFrom("", "| default: 'x' ", "|upcase")).map(([a, n, b, f]) => `{{${a}contact.${n}${b}${f}}}`),
      fc.tuple(ws, fc.constantFrom("unsubscribe_link", "unsubscribe_link_all", "view_as_page_url")).map(([a, n]) => `{{${a}${n} }}`),
      name.map((n) => `{{ site_settings.${n} }}`),
      fc.constantFrom("{% if x %}", "<p>", "}}", " text ", "{{"),
    );
    fc.assert(fc.property(fc.array(field, { maxLength: 8 }), (parts) => {
      const h = parts.join("");
      const n = fromHubL(h);
      expect(toHubL(n)).toBe(h);
      expect(fromHubL(toHubL(n))).toBe(n);
    }));
  });
});

describe("HubSpot email subscription types on workflow sends", () => {
  let fake: FakeHubSpot;
  beforeEach(() => {
    offline();
    fake = fakeHubSpot({ token: TOKEN, pageSize: 4 });
  });
  afterEach(() => fake.stop());

  it("reads each send's subscription type from its email, with no request per flow", async () => {
    const p = provider();
    const flows = await p.list("workflow", ctx);
    const sendsOf = (name: string) => (flows.find((f) => f.name === name)!.spec as WorkflowSpec).steps.filter((s) => s.type === "send");
    expect(sendsOf("germany_lead_nurture")).toEqual([
      { type: "send", channel: "email", template: "de_nurture_1", subscription_type: "product_updates" },
      { type: "send", channel: "email", template: "de_nurture_2", subscription_type: "product_updates" },
    ]);
    expect(sendsOf("welcome_series").map((s) => s.type === "send" && s.subscription_type)).toEqual(["marketing_information", "marketing_information"]);
    // Subscriptions come from the template listing the flows load anyway: no email or flow is read one by one.
    expect(fake.log.filter((r) => /^\/(automation\/v4\/flows|marketing\/v3\/emails)\/\d+$/.test(r.path))).toEqual([]);
    await p.close();
  });

  it("normalize keeps a send's declared subscription type, and fills it in for other sends of the same email", () => {
    const p = provider();
    const spec: WorkflowSpec = {
      status: "active",
      trigger: { type: "segment_entry", segment: "newsletter" },
      steps: [
        { type: "send", channel: "email", template: "a", subscription_type: "product_updates" },
        { type: "send", channel: "email", template: "a" },
        { type: "send", channel: "email", template: "b" },
      ],
    };
    const n = p.normalize!({ kind: "workflow", name: "w", spec }).spec as WorkflowSpec;
    expect(n.steps.map((s) => s.type === "send" && s.subscription_type)).toEqual(["product_updates", "product_updates", undefined]);
  });

  it("check() reports a send whose subscription type differs from its email's, or from another send of it", async () => {
    const p = provider();
    await Promise.all([p.list("template", ctx), p.list("subscription_type", ctx)]);
    const wf = (name: string, template: string, subscription_type: string): Resource => ({
      kind: "workflow", name, spec: { status: "active", trigger: { type: "manual" }, steps: [{ type: "send", channel: "email", template, subscription_type }] },
    });
    const agree = await p.check!([wf("a", "win_back_1", "marketing_information")], ctx);
    expect(agree.filter((d) => d.code.startsWith("hubspot/subscription"))).toEqual([]);

    const [mismatch] = await p.check!([wf("a", "win_back_1", "product_updates")], ctx);
    expect(mismatch).toMatchObject({ code: "hubspot/subscription-mismatch", severity: "error", address: "workflow.a" });
    expect(mismatch.message).toContain("HubSpot sends that email under `marketing_information`");
    expect(mismatch.hint).toContain("set `subscription_type: marketing_information` on the send");

    const conflict = await p.check!([wf("a", "new_email", "product_updates"), wf("b", "new_email", "marketing_information")], ctx);
    expect(conflict.map((d) => [d.code, d.address])).toEqual([["hubspot/subscription-conflict", "workflow.b"]]);
    await p.close();
  });

  it("creates a new email under the subscription type the stack's sends of it name", async () => {
    const p = provider();
    const send: Resource = { kind: "workflow", name: "w", spec: { status: "active", trigger: { type: "manual" }, steps: [{ type: "send", channel: "email", template: "restock", subscription_type: "product_updates" }] } };
    await p.check!([send], ctx);
    await p.create({ kind: "template", name: "restock", spec: { channel: "email", subject: "Back, {{ firstname | default: \"friend\" }}", body: "<p>{{ unsubscribe_url }}</p>" } }, ctx);
    await p.create({ kind: "template", name: "other", spec: { channel: "email", subject: "News", body: "<p>Hi</p>" } }, ctx);
    const posts = fake.log.filter((r) => r.method === "POST" && r.path === "/marketing/v3/emails/").map((r) => r.body as Record<string, any>);
    expect(posts.map((b) => [b.name, b.subscriptionDetails])).toEqual([["restock", { subscriptionId: "202" }], ["other", undefined]]);
    expect(posts[0].subject).toBe("Back, {{ contact.firstname | default: \"friend\" }}");
    expect(posts[0].content.widgets.primary_rich_text_module.body.html).toBe("<p>{{ unsubscribe_link_all }}</p>");
    await p.close();
  });
});
