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
    read: true, create: "api", update: "api", delete: "api", replaceOn: ["type"],
    note: "CRM lists v3: dynamic lists with filters, static (manual) lists; a deleted list can be restored in HubSpot for 90 days",
  },
  frequency_cap: {
    read: false, create: "manual", update: "manual", delete: "manual",
    note: `no API: set it in ${CAP_UI}; Mops puts every marketing email it manages under the cap (per-email limitSendFrequency)`,
  },
  workflow: {
    read: true, create: "api", update: "api", delete: "api",
    note: "Automation v4 contact flows (beta API): segment/event/manual triggers, email sends, delays, property and list steps, list and email-engagement branches, webhooks, goals, suppression lists; no percentage splits, holdouts, date triggers or non-email channels",
  },
};

const SUPPORT = { api: "API", manual: "manual (HubSpot UI)", none: "—" } as const;

/** The capability table as Markdown, for docs/hubspot.md and the README. */
export function capabilityTable(caps: Capabilities = capabilities): string {
  const rows = Object.entries(caps).map(([kind, c]) => {
    const managed = c.create === "api" && c.update === "api" && c.delete === "api" ? "managed" : c.read ? "read-only" : "manual";
    return `| \`${kind}\` | ${managed} | ${c.read ? "yes" : "no"} | ${SUPPORT[c.create]} | ${SUPPORT[c.update]} | ${SUPPORT[c.delete]} | ${c.note ?? ""} |`;
  });
  return ["| kind | status | read | create | update | delete | notes |", "| --- | --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}
