import type { Kind } from "../../src/model";
import type { Capabilities } from "../../src/provider/types";
import { EVENTS_UI } from "./events";
import { CAP_UI } from "./frequency-caps";
import { SUBSCRIPTIONS_UI } from "./subscriptions";
import { ROLES_UI, TEAMS_UI } from "./users";

/** What HubSpot's public API lets Mops do, kind by kind (docs/hubspot.md renders this table). */
export const capabilities: Capabilities = {
  property: {
    read: true, create: "api", update: "api", delete: "api",
    note: "contact properties (CRM properties v3); `required`, `fallback` and `pii` are Mops-only and not stored in HubSpot",
  },
  event: {
    read: true, create: "manual", update: "manual", delete: "manual",
    note: `custom event definitions (events v3), read-only here: define them in ${EVENTS_UI}; built-in (platform) events are not listed`,
  },
  subscription_type: {
    read: true, create: "manual", update: "manual", delete: "manual",
    note: `read-only in the API (communication preference definitions): create and edit them in ${SUBSCRIPTIONS_UI}`,
  },
  team: {
    read: true, create: "manual", update: "manual", delete: "manual",
    note: `read-only in the API: manage teams in ${TEAMS_UI}; membership is set on each user`,
  },
  role: {
    read: true, create: "manual", update: "manual", delete: "manual",
    note: `read-only in the API and its permissions are not readable: manage roles in ${ROLES_UI}; Mops checks only that a role exists`,
  },
  user: {
    read: true, create: "api", update: "api", delete: "api", replaceOn: ["email"],
    note: "Settings users v3: invite, change role and teams, remove; super admins cannot be made through the API",
  },
  template: {
    read: true, create: "api", update: "api", delete: "api",
    note: "marketing emails v3 (email channel only): subject, sender name, preheader and the main rich-text module",
  },
  segment: {
    // HubSpot refuses two lists of one name: a replace deletes the old list first.
    read: true, create: "api", update: "api", delete: "api", replaceOn: ["type"], uniqueNames: true,
    note: "CRM lists v3: dynamic lists with filters, static (manual) lists; a deleted list can be restored in HubSpot for 90 days",
  },
  frequency_cap: {
    read: false, create: "manual", update: "manual", delete: "manual",
    note: `no API: set it in ${CAP_UI}; Mops puts every marketing email it manages under the cap (per-email limitSendFrequency)`,
  },
  workflow: {
    read: true, create: "api", update: "api", delete: "api",
    note: "Automation v4 contact flows (beta API): segment/event/manual triggers, email sends, delays, property and list steps, list and email-engagement branches, percentage splits as A/B test branches, webhooks, goals, suppression lists; no holdouts, date triggers or non-email channels",
  },
};

/**
 * Where each kind's request and answer shapes come from: checked against
 * HubSpot's own models by test/integration/hubspot/conformance.test.ts (the
 * official client's, or its OpenAPI spec where the client has none), taken
 * from HubSpot's documentation alone, or not confirmed anywhere.
 */
export interface FieldSources { models?: string; docs?: string; unconfirmed?: string }

export const fieldSources: Partial<Record<Kind, FieldSources>> = {
  property: { models: "create, update and read bodies (client: PropertyCreate, PropertyUpdate, Property)" },
  event: { models: "event definitions and their properties (Events v3 spec: ExternalBehavioralEventTypeDefinition, Property)" },
  subscription_type: { models: "definitions (client: SubscriptionDefinitionsResponse)" },
  team: { models: "teams (client: PublicTeam)" },
  role: { models: "roles (client: PublicPermissionSet)" },
  user: { models: "invite, update and read bodies (client: UserProvisionRequest, PublicUserUpdate, PublicUser)" },
  template: {
    models: "create, update and read bodies (client: EmailCreateRequest, EmailUpdateRequest, PublicEmail)",
    unconfirmed: "the module names `primary_rich_text_module` and `preview_text` (the models leave an email's widgets untyped)",
  },
  segment: {
    models: "list bodies and every filter, operation and refine-by (client: ListCreateRequest, ListFilterUpdateRequest, PublicObjectList, the Public* filter models); event definitions (Events v3 spec)",
    docs: "operators the models leave as strings (`IS_LESS_THAN_X_DAYS_AGO` for `within`, TIME_POINT `endpointBehavior`/`propertyParser`), one refine-by per filter, DAYS/WEEKS windows",
    unconfirmed: "`requiresTimeZoneConversion: false`, `SUBSCRIBED` as a consent filter's status, the event type id being the definition's `objectTypeId`, the search page size (500)",
  },
  workflow: {
    models: "flow create, update and read bodies, actions (A/B test branches included), enrollment criteria, go-to edges (Automation v4 spec); their filter branches (client Lists models)",
    docs: "action types `0-1` delay, `0-4` send email, `0-63809083` add to list and their `fields` (the spec types `fields` as a free map)",
    unconfirmed: "`0-5` set property fields, `0-63863438` remove from list, the EMAIL_EVENT `level`/`appId` values, relative windows on email events (HubSpot's BETA filter reference lists absolute ones only)",
  },
};

const SUPPORT = { api: "API", manual: "manual (HubSpot UI)", none: "—" } as const;

function fieldsCell(f: FieldSources | undefined): string {
  if (!f) return "—";
  return [f.models && `matches official models: ${f.models}`, f.docs && `from docs only: ${f.docs}`, f.unconfirmed && `unconfirmed: ${f.unconfirmed}`]
    .filter((x): x is string => !!x)
    .join("; ");
}

/** The capability table as Markdown, for docs/hubspot.md and the README. */
export function capabilityTable(caps: Capabilities = capabilities, fields: Partial<Record<Kind, FieldSources>> = fieldSources): string {
  const rows = Object.entries(caps).map(([kind, c]) => {
    const managed = c.create === "api" && c.update === "api" && c.delete === "api" ? "managed" : c.read ? "read-only" : "manual";
    return `| \`${kind}\` | ${managed} | ${c.read ? "yes" : "no"} | ${SUPPORT[c.create]} | ${SUPPORT[c.update]} | ${SUPPORT[c.delete]} | ${c.ownerMark ?? "none"} | ${fieldsCell(fields[kind as Kind])} | ${c.note ?? ""} |`;
  });
  return ["| kind | status | read | create | update | delete | owner mark | fields | notes |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}
