import { describe, expect, it } from "vitest";
import type { ProviderConfig, Resource } from "../../../src/model";
import { providerError } from "../../helpers/errors";
import { eachTest, engine, KEY } from "./helpers";

const templates: Resource[] = [
  { kind: "template", name: "trail_digest", spec: { channel: "email", subject: "Trails for {{ first_name | default: \"you\" }}", preheader: "This week", body: "<p>Hi {{ first_name | default: \"you\" }}, {{ loyalty_tier | default: \"friend\" }}.</p>", tags: ["newsletter"] } },
  { kind: "template", name: "header_block", spec: { channel: "email", description: "Logo and menu", body: "<header>Northwind</header>", tags: ["braze:content_block"] } },
  { kind: "template", name: "sms_preferences", spec: { channel: "email", subject: "Your preferences", body: "<form action=\"{{preference_center_submit_url}}\"></form>", tags: ["braze:preference_center"] } },
];

describe("Braze templates: written through the API, never deleted by it", () => {
  const box = eachTest();

  it("creates an email template, a Content Block and a preference center, in Braze's Liquid", async () => {
    const e = engine(box.w, box.dir);
    const r = await e.apply(templates);
    expect(r.applied?.outcome).toBe("complete");
    const t = box.w.fake.account.email_templates.find((x) => x.template_name === "trail_digest")!;
    expect(t).toMatchObject({ subject: "Trails for {{ ${first_name} | default: \"you\" }}", body: "<p>Hi {{ ${first_name} | default: \"you\" }}, {{ custom_attribute.${loyalty_tier} | default: \"friend\" }}.</p>", tags: ["newsletter"] });
    // The owner mark is the last line of the description, and only there.
    const lineage = (await e.backend.state.read()).lineage;
    expect(box.w.fake.account.content_blocks.find((x) => x.name === "header_block")).toMatchObject({ content: "<header>Northwind</header>", description: `Logo and menu\n[mops northwind braze_prod ${lineage}]`, state: "active", tags: [] });
    expect(box.w.fake.account.preference_centers.find((x) => x.name === "sms_preferences")).toMatchObject({ preference_center_title: "Your preferences", state: "active" });
    // Read back, nothing differs.
    const { plan } = await e.plan(templates);
    expect(plan.changes.filter((c) => c.action !== "noop")).toEqual([]);
  });

  it("updates each of them in place, and keeps a preference center's confirmation page", async () => {
    const e = engine(box.w, box.dir);
    await e.apply(templates);
    const changed = templates.map((t) => ({ ...t, spec: { ...t.spec, body: `${(t.spec as { body: string }).body}<p>v2</p>` } }) as Resource);
    const r = await e.apply(changed);
    expect(r.plan!.changes.map((c) => [c.address, c.action])).toEqual([
      ["template.header_block", "update"], ["template.sms_preferences", "update"], ["template.trail_digest", "update"],
    ]);
    expect(r.applied?.outcome).toBe("complete");
    expect(box.w.fake.account.email_templates.find((x) => x.template_name === "trail_digest")!.body).toContain("<p>v2</p>");
    expect(box.w.fake.account.content_blocks.find((x) => x.name === "header_block")!.content).toBe("<header>Northwind</header><p>v2</p>");
    const center = box.w.fake.account.preference_centers.find((x) => x.name === "sms_preferences")!;
    expect(center.preference_center_page_html).toContain("<p>v2</p>");
    expect(center.confirmation_page_html).toContain("saved");
  });

  it("a template removed from the stack is a manual step with its own dashboard page to archive it on; nothing is deleted", async () => {
    const e = engine(box.w, box.dir);
    await e.apply(templates);
    const requests = box.w.fake.log.length;
    const r = await e.apply([]);
    const manual = r.plan!.changes.filter((c) => c.kind === "template");
    expect(manual.map((c) => [c.address, c.action])).toEqual([
      ["template.header_block", "manual"], ["template.sms_preferences", "manual"], ["template.trail_digest", "manual"],
    ]);
    expect(manual.map((c) => c.manual)).toEqual([
      "cannot be deleted through the API: archive the Content Block in the Braze dashboard: Templates > Content Blocks",
      "cannot be deleted through the API: archive the preference center in the Braze dashboard: Audience > Subscriptions > Email Preference Center",
      "cannot be deleted through the API: archive the email template in the Braze dashboard: Templates > Email Templates",
    ]);
    for (const c of manual) expect(c.reasons).toEqual([{ code: "removed-from-stack" }, { code: "api-cannot", operation: "delete" }]);
    expect(box.w.fake.log.slice(requests).filter((l) => l.method !== "GET")).toEqual([]);
    expect(box.w.fake.account.email_templates.some((x) => x.template_name === "trail_digest")).toBe(true);
  });

  it("names the instance's dashboard in the note when the instance is known", async () => {
    const { createBrazeProvider } = await import("../../../providers/braze");
    const p = createBrazeProvider({ config: { type: "braze", instance: "fra-02", token: "${env:BRAZE_API_KEY}" } as ProviderConfig, env: { BRAZE_API_KEY: KEY }, baseDir: box.dir });
    expect(p.capabilities.template!.note).toContain("archive it in the Braze dashboard (https://dashboard-02.braze.eu), under Templates > Email Templates");
    expect(p.capabilityOf!("template", { channel: "email", body: "b", tags: ["braze:content_block"] })!.note).toBe("cannot be deleted through the API: archive the Content Block in the Braze dashboard (https://dashboard-02.braze.eu): Templates > Content Blocks");
    await p.close();
  });

  it("refuses what Braze would refuse, before any request: a non-email template, an email template without a subject", async () => {
    const p = box.w.provider;
    const ctx = { refs: { idOf: () => undefined, nameOf: () => undefined } };
    const sms = await providerError(p.create({ kind: "template", name: "promo_sms", spec: { channel: "sms", body: "Hi" } }, ctx));
    expect(sms.diagnostic).toMatchObject({ code: "braze/unsupported-channel", address: "template.promo_sms" });
    const bare = await providerError(p.create({ kind: "template", name: "bare", spec: { channel: "email", body: "Hi" } }, ctx));
    expect(bare.diagnostic.code).toBe("braze/missing-subject");
    expect(box.w.fake.log).toEqual([]);
  });

  it("a Content Block description that leaves no room for the owner mark under Braze's 250 characters is refused before any write", async () => {
    const owner = { stack: "northwind", environment: "braze_prod", lineage: "6f0c1e2a-0000-4000-8000-000000000001" };
    const ctx = { refs: { idOf: () => undefined, nameOf: () => undefined }, owner };
    const block = (description: string): Resource => ({ kind: "template", name: "long_block", spec: { channel: "email", description, body: "<p/>", tags: ["braze:content_block"] } });
    const e = await providerError(box.w.provider.create(block("x".repeat(200)), ctx));
    // The mark line is "\n[mops northwind braze_prod <lineage>]": 65 characters.
    expect(e.diagnostic).toMatchObject({ code: "braze/too-long", message: "template.long_block: with Mops's owner mark as its last line, the description of a Content Block has room for 184 characters, and it has 200" });
    expect(box.w.fake.log).toEqual([]);
    await box.w.provider.create(block("x".repeat(184)), ctx);
    expect(box.w.fake.account.content_blocks.find((b) => b.name === "long_block")!.description).toHaveLength(249);
  });

  it("maps Braze's refusals to diagnostics with what to do: a tag that does not exist", async () => {
    const ctx = { refs: { idOf: () => undefined, nameOf: () => undefined } };
    const e = await providerError(box.w.provider.create({ kind: "template", name: "tagged", spec: { channel: "email", subject: "S", body: "B", tags: ["no-such-tag"] } }, ctx));
    expect(e.diagnostic).toMatchObject({
      code: "braze/bad-request",
      message: "Braze refused POST /templates/email/create (400): Some tags could not be found",
      hint: expect.stringContaining("create them in Settings > Tags"),
    });
    expect(e.retryable).toBe(false);
  });
});
