import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Resource, WorkflowSpec } from "../../../src/model";
import type { LiveObject } from "../../../src/provider/types";
import { fakeHubSpot, type FakeHubSpot } from "../../fixtures/hubspot/fake";
import { ctx, offline, provider, TOKEN } from "./helpers";
import { providerError } from "../../helpers/errors";

const calls = (fake: FakeHubSpot, method: string, path: RegExp) => fake.log.filter((r) => r.method === method && path.test(r.path));


const welcomeBack: WorkflowSpec = {
  status: "paused",
  trigger: { type: "segment_entry", segment: "vip_customers" },
  entry_filter: { property: "loyalty_tier", op: "in", value: ["silver", "gold"] },
  suppression: { segments: ["do_not_email"] },
  steps: [
    // HubSpot sends cart_reminder_vip under Marketing Information: the send names it (send-subscriptions.ts).
    { type: "send", channel: "email", template: "cart_reminder_vip", subscription_type: "marketing_information" },
    { type: "wait", duration: "2d" },
    {
      type: "branch",
      condition: { any: [{ in_segment: "hikers" }, { property: "lifetime_value", op: "gt", value: 100 }] },
      then: [{ type: "add_to_segment", segment: "webinar_attendees_2026" }],
      else: [{ type: "update_property", property: "preferred_store", value: "online" }],
    },
    { type: "webhook", url: "https://hooks.northwind.example/done" },
  ],
  goal: { property: "lifecyclestage", op: "eq", value: "customer" },
  reenrollment: { allowed: true },
};

describe("HubSpot provider: every kind's list / create / update / delete", () => {
  let fake: FakeHubSpot;
  const seen: unknown[] = [];
  beforeEach(() => {
    offline();
    fake = fakeHubSpot({ token: TOKEN, pageSize: 4, pendingReads: 2 });
  });
  afterEach(() => {
    fake.stop();
    // Everything the provider handed back, as JSON output would print it.
    expect(JSON.stringify(seen)).not.toContain(TOKEN);
  });

  it("workflows: create waits for crmObjectCreationStatus, update is a full replace with revisionId, delete", async () => {
    const p = provider();
    await p.list("segment", ctx);
    const r: Resource = { kind: "workflow", name: "welcome_back", spec: welcomeBack };
    const created = await p.create(r, ctx);
    seen.push(created);
    const post = calls(fake, "POST", /^\/automation\/v4\/flows$/)[0].body;
    expect(post).toMatchObject({ name: "welcome_back", type: "CONTACT_FLOW", flowType: "WORKFLOW", objectTypeId: "0-1", isEnabled: false, suppressionListIds: [1005] });
    expect(post.enrollmentCriteria.listFilterBranch.filterBranches[0].filters[0]).toEqual({ filterType: "IN_LIST", listId: "1002", operator: "IN_LIST" });
    expect(post.actions.map((a: { actionTypeId?: string; type: string }) => a.actionTypeId ?? a.type))
      .toEqual(["0-4", "0-1", "LIST_BRANCH", "0-63809083", "WEBHOOK", "0-5", "WEBHOOK"]);
    expect(created.spec).toEqual(p.normalize!(r).spec);

    const active: Resource = { ...r, spec: { ...welcomeBack, status: "active" } };
    const updated = await p.update(active, created, ctx);
    seen.push(updated);
    // Two PENDING answers were waited out before the PUT.
    expect(calls(fake, "GET", new RegExp(`^/automation/v4/flows/${created.id}$`))).toHaveLength(3);
    const put = calls(fake, "PUT", /^\/automation\/v4\/flows\/\d+$/)[0].body;
    expect(put).toMatchObject({ revisionId: "1", isEnabled: true, type: "CONTACT_FLOW", name: "welcome_back" });
    for (const k of ["enrollmentCriteria", "actions", "timeWindows", "blockedDates", "customProperties", "suppressionListIds", "goalFilterBranch"]) expect(put).toHaveProperty(k);
    expect(updated.version).toBe("2");
    expect((updated.spec as WorkflowSpec).status).toBe("active");

    await p.delete("workflow", created.id, ctx);
    expect(await p.read("workflow", created.id, ctx)).toBeUndefined();
  });

  it("workflows: a revision changed since the plan is a conflict, and so is HubSpot's 409", async () => {
    const p = provider();
    const [flow] = (await p.list("workflow", ctx)).filter((f) => f.name === "welcome_series");
    seen.push(flow);
    const stale: LiveObject = { ...flow, version: "6" };
    const e1 = await providerError(p.update({ kind: "workflow", name: flow.name, spec: { ...(flow.spec as WorkflowSpec), status: "paused" } }, stale, ctx));
    expect(e1.diagnostic.code).toBe("hubspot/revision-conflict");
    expect(e1.diagnostic.hint).toMatch(/run `mops plan` again/);
    expect(calls(fake, "PUT", /flows/)).toHaveLength(0);

    fake.inject((r) => r.method === "PUT", { status: 409, body: { status: "error", message: "Revision 7 is stale", category: "CONFLICT", correlationId: "c-1" } });
    const e2 = await providerError(p.update({ kind: "workflow", name: flow.name, spec: { ...(flow.spec as WorkflowSpec), status: "paused" } }, flow, ctx));
    expect(e2.diagnostic.code).toBe("hubspot/revision-conflict");
    expect(e2.message).toMatch(/refused revision 7/);
    seen.push(e1.diagnostic, e2.diagnostic);
  });

  it("workflows: a flow with actions Mops cannot represent is never replaced", async () => {
    const p = provider();
    const flow = (await p.list("workflow", ctx)).find((f) => f.name === "lead_scoring_custom_code")!;
    const e = await providerError(p.update({ kind: "workflow", name: flow.name, spec: { ...(flow.spec as WorkflowSpec), status: "active" } }, flow, ctx));
    expect(e.diagnostic.code).toBe("hubspot/unsupported-action");
    // Even a desired spec without the stand-in step must not wipe the custom code out.
    const plain: WorkflowSpec = { ...(flow.spec as WorkflowSpec), steps: [{ type: "send", channel: "email", template: "win_back_1" }] };
    const e2 = await providerError(p.update({ kind: "workflow", name: flow.name, spec: plain }, flow, ctx));
    expect(e2.diagnostic.code).toBe("hubspot/unrepresentable-flow");
    expect(e2.message).toContain("action 1 (CUSTOM_CODE)");
    expect(calls(fake, "PUT", /flows/)).toHaveLength(0);
  });

  it("segments: search pages with offset/hasMore, create, rename, filter update, delete", async () => {
    const p = provider();
    const lists = await p.list("segment", ctx);
    seen.push(lists);
    expect(lists.map((l) => l.name)).toContain("germany_austria_leads");
    expect(lists.find((l) => l.name === "webinar_attendees_2026")!.spec).toEqual({ type: "static" });
    expect(calls(fake, "POST", /lists\/search/).map((r) => r.body.offset)).toEqual([0, 4, 8]);
    expect(await p.segmentSize!(lists.find((l) => l.name === "vip_customers")!.id, ctx)).toBe(1830);
    expect(await p.segmentSize!("999999", ctx)).toBeUndefined();

    const r: Resource = { kind: "segment", name: "campers", spec: { type: "dynamic", conditions: { property: "interests", op: "eq", value: "camping" } } };
    const created = await p.create(r, ctx);
    expect(calls(fake, "POST", /^\/crm\/v3\/lists\/$/)[0].body).toMatchObject({ name: "campers", objectTypeId: "0-1", processingType: "DYNAMIC" });
    // `interests` is a multi-select in HubSpot, so the filter is an enumeration one.
    expect(calls(fake, "POST", /^\/crm\/v3\/lists\/$/)[0].body.filterBranch.filterBranches[0].filters[0].operation)
      .toEqual({ operationType: "ENUMERATION", operator: "IS_ANY_OF", values: ["camping"], includeObjectsWithNoValueSet: false });
    expect(created.spec).toEqual(p.normalize!(r).spec);

    const changed: Resource = { kind: "segment", name: "campers_de", spec: { type: "dynamic", conditions: { all: [{ property: "interests", op: "eq", value: "camping" }, { in_segment: "germany_austria_leads" }] } } };
    const updated = await p.update(changed, created, ctx);
    seen.push(updated);
    expect(calls(fake, "PUT", /update-list-name/)[0].query.listName).toBe("campers_de");
    expect(calls(fake, "PUT", /update-list-filters/)[0].body.filterBranch.filterBranches[0].filters).toHaveLength(2);
    expect(updated.spec).toEqual(p.normalize!(changed).spec);

    const e = await providerError(p.update({ kind: "segment", name: "campers_de", spec: { type: "static" } }, updated, ctx));
    expect(e.diagnostic.code).toBe("hubspot/replace-required");
    expect(p.capabilities.segment?.replaceOn).toEqual(["type"]);

    await p.delete("segment", created.id, ctx);
    expect(await p.read("segment", created.id, ctx)).toBeUndefined();
  });

  it("users: create, change role and teams, delete; roles and teams are read-only", async () => {
    const p = provider();
    const users = await p.list("user", ctx);
    seen.push(users);
    expect(users.find((u) => u.name === "tom_becker")!.spec).toEqual({
      email: "tom.becker@northwind.example", first_name: "Tom", last_name: "Becker", role: "marketing_editor", teams: ["lifecycle", "emea"],
    });
    const r: Resource = { kind: "user", name: "kai", spec: { email: "kai@northwind.example", first_name: "Kai", role: "read_only_viewer", teams: ["emea"] } };
    const created = await p.create(r, ctx);
    expect(calls(fake, "POST", /^\/settings\/v3\/users\/$/)[0].body).toMatchObject({ email: "kai@northwind.example", roleId: "303", primaryTeamId: "402", secondaryTeamIds: [] });
    const promoted: Resource = { kind: "user", name: "kai", spec: { ...r.spec, role: "marketing_editor", teams: ["emea", "lifecycle"] } } as Resource;
    const updated = await p.update(promoted, created, ctx);
    expect(calls(fake, "PUT", /^\/settings\/v3\/users\/\d+$/)[0].body).toEqual({ firstName: "Kai", roleId: "302", primaryTeamId: "402", secondaryTeamIds: ["401"] });
    expect(updated.spec).toEqual(p.normalize!(promoted).spec);
    await p.delete("user", created.id, ctx);
    expect(await p.read("user", created.id, ctx)).toBeUndefined();

    expect((await p.list("role", ctx)).map((x) => x.name)).toEqual(["marketing_admin", "marketing_editor", "read_only_viewer", "super_admin"]);
    const e = await providerError(p.create({ kind: "role", name: "analyst", spec: { permissions: [{ kinds: ["workflow"], actions: ["view"] }] } }, ctx));
    expect(e.diagnostic.hint).toMatch(/Settings > Users & Teams > Roles/);
    await expect(p.create({ kind: "team", name: "apac", spec: {} }, ctx)).rejects.toThrow(/cannot create a team/);
  });

  it("templates: create under the frequency cap, update keeps module metadata, delete", async () => {
    const p = provider();
    seen.push(await p.list("template", ctx));
    const r: Resource = { kind: "template", name: "spring_sale", spec: { channel: "email", subject: "Spring is here", from_name: "Northwind", body: "<p>Hello {{ contact.firstname | default: 'there' }}</p>" } };
    const created = await p.create(r, ctx);
    expect(calls(fake, "POST", /^\/marketing\/v3\/emails\/$/)[0].body).toMatchObject({
      name: "spring_sale", subject: "Spring is here", to: { limitSendFrequency: true },
      content: { widgets: { primary_rich_text_module: { body: { html: "<p>Hello {{ contact.firstname | default: 'there' }}</p>" } } } },
    });
    expect(created.spec).toEqual(p.normalize!(r).spec);

    const existing = (await p.list("template", ctx)).find((t) => t.name === "welcome_1_hello")!;
    const edited: Resource = { kind: "template", name: existing.name, spec: { ...(existing.spec as Resource<"template">["spec"]), subject: "Welcome aboard" } };
    const updated = await p.update(edited, existing, ctx);
    const patch = calls(fake, "PATCH", /^\/marketing\/v3\/emails\/9001$/)[0].body;
    expect(patch.content.widgets.primary_rich_text_module).toMatchObject({ module_id: 1155639, type: "module" });
    expect(patch.content.templatePath).toBe("@hubspot/email/dnd/welcome.html");
    expect(updated.spec).toMatchObject({ subject: "Welcome aboard" });

    await p.delete("template", created.id, ctx);
    expect(await p.read("template", created.id, ctx)).toBeUndefined();
  });

  it("properties: create with enum options, update, delete; HubSpot's own are never deleted", async () => {
    const p = provider();
    seen.push(await p.list("property", ctx));
    const r: Resource = { kind: "property", name: "shoe_size", spec: { type: "enum", values: ["38", "40", "42"], fallback: "40" } };
    const created = await p.create(r, ctx);
    expect(calls(fake, "POST", /^\/crm\/v3\/properties\/contacts$/)[0].body).toMatchObject({
      name: "shoe_size", label: "Shoe size", type: "enumeration", fieldType: "select", groupName: "contactinformation",
      options: [{ label: "38", value: "38", displayOrder: 0, hidden: false }, { label: "40", value: "40", displayOrder: 1, hidden: false }, { label: "42", value: "42", displayOrder: 2, hidden: false }],
    });
    expect(created.spec).toEqual(p.normalize!(r).spec);
    const more: Resource = { kind: "property", name: "shoe_size", spec: { type: "enum", values: ["38", "40", "42", "44"], label: "Shoe size (EU)" } };
    const updated = await p.update(more, created, ctx);
    expect(updated.spec).toEqual(p.normalize!(more).spec);
    await p.delete("property", "shoe_size", ctx);
    expect(await p.read("property", "shoe_size", ctx)).toBeUndefined();
    const e = await providerError(p.delete("property", "lifecyclestage", ctx));
    expect(e.diagnostic.code).toBe("hubspot/builtin-property");
  });

  it("subscription types and frequency caps: read-only and manual, with the exact UI place", async () => {
    const p = provider();
    const subs = await p.list("subscription_type", ctx);
    expect(subs.map((s) => s.name)).toEqual(["marketing_information", "product_updates", "order_notifications", "one_to_one"]);
    expect(p.capabilities.frequency_cap).toMatchObject({ read: false, create: "manual", update: "manual", delete: "manual" });
    const cap: Resource = { kind: "frequency_cap", name: "weekly", spec: { max: 3, period: "7d", channels: ["email", "sms"], exempt: { workflows: ["cart_recovery"] } } };
    const diags = await p.check!([cap, { kind: "team", name: "apac", spec: {} }], ctx);
    expect(diags.map((d) => d.code)).toEqual(["hubspot/manual-step", "hubspot/cap-channels", "hubspot/manual-step"]);
    expect(diags[0].hint).toContain("Settings > Marketing > Email > Send frequency");
    expect(diags[0].hint).toContain("maximum 3 emails per recipient, frequency Weekly");
    expect(diags[2].message).toContain("team.apac does not exist in HubSpot");
    await expect(p.create(cap, ctx)).rejects.toThrow(/cannot set a frequency_cap/);

    // The cap's exemption reaches HubSpot as the per-email flag of the templates the exempt workflow sends.
    const recovery: Resource = { kind: "workflow", name: "cart_recovery", spec: { ...welcomeBack, steps: [{ type: "send", channel: "email", template: "cart_saver" }] } };
    await p.check!([cap, recovery], ctx);
    await p.create({ kind: "template", name: "cart_saver", spec: { channel: "email", subject: "Still there?", body: "<p>Hi</p>" } }, ctx);
    await p.create({ kind: "template", name: "newsletter", spec: { channel: "email", subject: "News", body: "<p>Hi</p>" } }, ctx);
    const flags = calls(fake, "POST", /^\/marketing\/v3\/emails\/$/).map((c) => [c.body.name, c.body.to.limitSendFrequency]);
    expect(flags).toEqual([["cart_saver", false], ["newsletter", true]]);
  });
});
