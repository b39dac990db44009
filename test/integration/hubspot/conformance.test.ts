import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Condition, Resource, WorkflowSpec } from "../../../src/model";
import type { LiveObject, Provider } from "../../../src/provider/types";
import { fakeHubSpot, loadAccount, type FakeHubSpot, type LoggedRequest } from "../../fixtures/hubspot/fake";
import { check, checkExchange, checkRequest, endpointLabel, endpointOf, ENDPOINTS } from "./conformance/endpoints";
import { checkSpec } from "./conformance/spec-schemas";
import { ctx, offline, provider, TOKEN } from "./helpers";

/**
 * Every request body the provider sends and every answer it reads, checked
 * against HubSpot's own models: the official client's (`@hubspot/api-client`)
 * for lists, emails, properties, users and subscription types, and JSON
 * Schemas derived from HubSpot's OpenAPI specs for Automation v4 flows and
 * custom event definitions (conformance/*.schema.json name the spec and
 * commit). The endpoints are listed in conformance/endpoints.ts; this test
 * calls each of them through the provider, with bodies that use every filter
 * and step the encoders write. The fake HubSpot also refuses non-conforming
 * bodies in every other HubSpot test.
 */

/** A segment whose condition uses every operator and leaf Mops writes. */
const everyCondition: Condition = {
  all: [
    { property: "country", op: "eq", value: "Germany" },
    { property: "country", op: "neq", value: "Austria" },
    { property: "loyalty_tier", op: "in", value: ["gold", "silver"] },
    { property: "loyalty_tier", op: "not_in", value: ["bronze"] },
    { property: "newsletter_opt_in", op: "eq", value: true },
    { property: "lifetime_value", op: "gt", value: 100 },
    { property: "lifetime_value", op: "lte", value: 5000 },
    { property: "lifetime_value", op: "between", value: [10, 20] },
    { property: "email", op: "contains", value: "@northwind" },
    { property: "firstname", op: "starts_with", value: "A" },
    { property: "preferred_store", op: "exists" },
    { property: "interests", op: "not_exists" },
    { property: "last_order_date", op: "within", value: "30d" },
    { property: "last_order_date", op: "before", value: "180d" },
    { property: "last_order_date", op: "after", value: "2026-01-01" },
    { in_segment: "vip_customers" },
    { not: { in_segment: "do_not_email" } },
    { consent: "marketing_information" },
    { event: "placed_order", at_least: 2 },
    { event: "placed_order", at_most: 5 },
    { event: "viewed_product", within: "2w", where: [{ property: "sku", op: "eq", value: "TENT-2" }] },
    { event: "viewed_product", at_most: 0 },
    { event: "placed_order", at_most: 0, within: "30d" },
    { not: { any: [{ event: "viewed_product" }, { property: "country", op: "eq", value: "France" }] } },
  ],
};

/** A workflow with every step, trigger part and goal Mops writes. */
const everyStep: WorkflowSpec = {
  status: "paused",
  trigger: { type: "segment_entry", segment: "vip_customers" },
  entry_filter: { any: [{ property: "loyalty_tier", op: "eq", value: "gold" }, { event: "placed_order", within: "7d" }] },
  suppression: { segments: ["do_not_email"] },
  steps: [
    { id: "hello", type: "send", channel: "email", template: "welcome_1_hello", subscription_type: "marketing_information" },
    { type: "wait", duration: "2d", until: { time: "09:30" } },
    {
      type: "branch",
      condition: { engagement: { step: "hello", action: "clicked", within: "2d" } },
      then: [{ type: "update_property", property: "loyalty_tier", value: "silver" }],
      else: [{ type: "add_to_segment", segment: "webinar_attendees_2026" }],
    },
    {
      type: "split",
      paths: [
        { percent: 50, steps: [{ type: "send", channel: "email", template: "welcome_2_gear_guide", subscription_type: "marketing_information" }] },
        { percent: 50, steps: [{ type: "remove_from_segment", segment: "webinar_attendees_2026" }] },
      ],
    },
    { type: "branch", condition: { property: "lifetime_value", op: "gte", value: 500 }, then: [{ type: "webhook", url: "https://hooks.northwind.example/vip" }] },
  ],
  goal: { event: "placed_order", at_least: 1 },
  reenrollment: { allowed: true },
};

const onEvent: WorkflowSpec = {
  status: "active",
  trigger: { type: "event", event: "viewed_product", where: [{ property: "sku", op: "starts_with", value: "TENT" }] },
  entry_filter: { property: "country", op: "eq", value: "Germany" },
  steps: [{ type: "send", channel: "email", template: "welcome_1_hello", subscription_type: "marketing_information" }],
};

/** Calls every endpoint of the table through the provider; the fake logs each request and answer. */
async function driveEveryEndpoint(p: Provider): Promise<void> {
  const live: Record<string, LiveObject[]> = {};
  for (const kind of ["property", "subscription_type", "team", "role", "user", "template", "segment", "workflow"] as const) live[kind] = await p.list(kind, ctx);
  const first = (kind: string, name?: string) => live[kind].find((o) => name === undefined || o.name === name)!;
  for (const kind of ["property", "user", "template", "segment", "workflow"] as const) await p.read(kind, first(kind).id, ctx);
  await p.segmentSize!(first("segment", "vip_customers").id, ctx);

  const prop = await p.create({ kind: "property", name: "shoe_size", spec: { type: "enum", values: ["40", "42"] } }, ctx);
  await p.update({ kind: "property", name: "shoe_size", spec: { type: "enum", values: ["40", "42", "44"], label: "Shoe size" } }, prop, ctx);
  await p.delete("property", prop.id, ctx);

  const user = await p.create({ kind: "user", name: "kai", spec: { email: "kai@northwind.example", role: "read_only_viewer", teams: ["emea"] } }, ctx);
  await p.update({ kind: "user", name: "kai", spec: { email: "kai@northwind.example", first_name: "Kai", role: "marketing_editor", teams: ["emea", "lifecycle"] } }, user, ctx);
  await p.delete("user", user.id, ctx);

  const email: Resource = { kind: "template", name: "spring_sale", spec: { channel: "email", subject: "Spring", preheader: "New gear", from_name: "Northwind", body: "<p>Hi {{ firstname | default: 'there' }}</p>" } };
  const template = await p.create(email, ctx);
  await p.update({ ...email, spec: { ...email.spec, subject: "Spring is here" } } as Resource, template, ctx);
  await p.delete("template", template.id, ctx);

  const segment = await p.create({ kind: "segment", name: "everything", spec: { type: "dynamic", conditions: everyCondition } }, ctx);
  const renamed = await p.update({ kind: "segment", name: "everything_2", spec: { type: "dynamic", conditions: { all: [everyCondition, { property: "country", op: "eq", value: "Spain" }] } } }, segment, ctx);
  await p.delete("segment", renamed.id, ctx);

  const flow = await p.create({ kind: "workflow", name: "every_step", spec: everyStep }, ctx);
  await p.update({ kind: "workflow", name: "every_step", spec: { ...everyStep, status: "active" } }, flow, ctx);
  await p.delete("workflow", flow.id, ctx);
  const triggered = await p.create({ kind: "workflow", name: "on_event", spec: onEvent }, ctx);
  await p.delete("workflow", triggered.id, ctx);
}

describe("HubSpot requests and answers match HubSpot's own models", () => {
  let fake: FakeHubSpot;
  beforeEach(() => {
    offline();
    // Paging forced everywhere; the fake lets bad bodies through so that every problem is listed at once.
    fake = fakeHubSpot({ token: TOKEN, pageSize: 4, validate: false });
  });
  afterEach(() => fake.stop());

  it("calls every endpoint of the table, and each request body and answer conforms", async () => {
    await driveEveryEndpoint(provider());
    expect(fake.log.flatMap(checkExchange)).toEqual([]);
    const called = new Set(fake.log.map((r) => endpointOf(r.method, r.path)).filter((e) => e !== undefined).map(endpointLabel));
    expect(ENDPOINTS.map(endpointLabel).filter((e) => !called.has(e))).toEqual([]);
    expect(fake.log.filter((r) => r.status! >= 400)).toEqual([]);
  });

  it("every response fixture conforms", () => {
    const a = loadAccount();
    const problems = (what: string, model: Parameters<typeof check>[0], items: object[]) =>
      items.flatMap((x, i) => check(model, x).map((v) => `${what}[${i}] ${v.at}: ${v.problem}`));
    const listing = (f: Record<string, unknown>) => Object.fromEntries(["id", "name", "isEnabled", "flowType", "objectTypeId", "revisionId", "createdAt", "updatedAt", "uuid"].map((k) => [k, f[k]]));
    expect([
      // Mops reads platform flows (other objects) only in the listing.
      ...problems("flows", { spec: "automation-v4", model: "ApiFlow" }, a.flows.filter((f) => f.type === "CONTACT_FLOW")),
      ...problems("flow listing", { spec: "automation-v4", model: "ApiFlowListing" }, a.flows.map(listing)),
      ...problems("lists", { client: "crm/lists", model: "PublicObjectList" }, a.lists),
      ...problems("emails", { client: "marketing/emails", model: "PublicEmail" }, a.emails),
      ...problems("properties", { client: "crm/properties", model: "Property" }, a.properties),
      ...problems("definitions", { client: "communication_preferences", model: "SubscriptionDefinition" }, a.definitions),
      ...problems("roles", { client: "settings/users", model: "PublicPermissionSet" }, a.roles),
      ...problems("teams", { client: "settings/users", model: "PublicTeam" }, a.teams),
      ...problems("users", { client: "settings/users", model: "PublicUser" }, a.users),
      ...problems("event definitions", { spec: "event-definitions", model: "ExternalBehavioralEventTypeDefinition" }, a.eventDefinitions),
    ]).toEqual([]);
  });

  it("catches one renamed field anywhere in a captured filter, as if filters.ts misspelt it", async () => {
    await driveEveryEndpoint(provider());
    const withFilters = fake.log.filter((r) => r.body && /lists\/?$|update-list-filters|automation\/v4\/flows(\/\d+)?$/.test(r.path) && r.method !== "GET");
    expect(withFilters.length).toBeGreaterThanOrEqual(5);
    let mutations = 0;
    const missed: string[] = [];
    for (const r of withFilters) {
      for (const { path, key } of filterKeys(r.body)) {
        mutations++;
        const body = structuredClone(r.body);
        const parent = path.reduce((o, k) => o[k], body);
        parent[`${key}X`] = parent[key];
        delete parent[key];
        if (checkRequest({ ...r, body }).length === 0) missed.push(`${r.method} ${r.path} ${[...path, key].join(".")}`);
      }
    }
    expect(missed).toEqual([]);
    expect(mutations).toBeGreaterThan(300);
  });

  it("names what is wrong: a misspelt numberOfDays is an unknown field and a missing required one", async () => {
    await driveEveryEndpoint(provider());
    const create = fake.log.find((r) => r.method === "POST" && r.path === "/crm/v3/lists/")! as LoggedRequest;
    const body = structuredClone(create.body);
    const within = body.filterBranch.filterBranches[0].filters.find((f: { operation?: { operationType: string } }) => f.operation?.operationType === "ROLLING_DATE_RANGE");
    within.operation.numberOfDay = within.operation.numberOfDays;
    delete within.operation.numberOfDays;
    const problems = checkRequest({ ...create, body }).join("\n");
    expect(problems).toMatch(/unknown field `numberOfDay`/);
    expect(problems).toMatch(/missing required field `numberOfDays` of PublicRollingDateRangePropertyOperation/);
    // And for flows, which the client does not model: the spec-derived schema names the field too.
    const flow = fake.log.find((r) => r.method === "POST" && r.path === "/automation/v4/flows")!.body;
    const split = structuredClone(flow);
    const ab = split.actions.find((a: { type: string }) => a.type === "AB_TEST_BRANCH");
    ab.testBranches[0].percent = ab.testBranches[0].percentage;
    delete ab.testBranches[0].percentage;
    expect(checkSpec("automation-v4", "ApiContactFlowCreateRequest", split).map((v) => v.problem)).toContain("unknown field `percent`");
  });
});

/** Every object key inside the filter branches of a body (where filters.ts writes), with the path to its object. */
function filterKeys(body: Record<string, unknown>): { path: (string | number)[]; key: string }[] {
  const out: { path: (string | number)[]; key: string }[] = [];
  const walk = (x: unknown, path: (string | number)[], inFilter: boolean) => {
    if (Array.isArray(x)) return x.forEach((y, i) => walk(y, [...path, i], inFilter));
    if (typeof x !== "object" || x === null) return;
    for (const [k, v] of Object.entries(x)) {
      const filterRoot = /filterBranch(es)?$|FilterBranch(es)?$|refinementCriteria/.test(k);
      if (inFilter) out.push({ path, key: k });
      walk(v, [...path, k], inFilter || filterRoot);
    }
  };
  walk(body, [], false);
  return out;
}
