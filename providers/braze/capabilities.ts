import type { Capabilities, KindCapability, Support } from "../../src/provider/types";
import { dashboardWords } from "./instances";
import { ATTRIBUTES_UI } from "./properties";
import { SEGMENTS_UI } from "./segments";
import { BLOCKS_UI, PREFERENCES_UI, TEMPLATES_UI, type Family } from "./templates";
import { GROUPS_UI } from "./subscriptions";
import { ROLES_UI, TEAMS_UI } from "./users";

/**
 * What Braze's public REST API lets Mops do, kind by kind (docs/braze.md
 * renders this table). The notes are what the plan shows for a change the
 * API cannot make, so they name the dashboard of the instance when known.
 */
export function capabilitiesFor(opts: { dashboard?: string; scim: boolean }): Capabilities {
  const at = dashboardWords(opts.dashboard);
  const readOnly = (note: string): KindCapability => ({ read: true, create: "manual", update: "manual", delete: "manual", note });
  // Without SCIM settings dashboard users, roles and teams are out of reach: not read, and a change is by hand.
  const scim = (c: KindCapability): KindCapability => (opts.scim ? c : { ...c, read: false, create: "manual", update: "manual", delete: "manual", note: `${c.note}; this environment has no \`scim:\` settings, so Mops cannot read them` });
  return {
    property: readOnly(`Braze standard attributes and custom attributes (export only): Braze creates a custom attribute when its data first arrives; manage them in ${at}: ${ATTRIBUTES_UI}`),
    event: {
      read: false, create: "manual", update: "manual", delete: "manual",
      note: `custom events are not read as a catalogue: Braze creates one when its first occurrence arrives, and its name is free text; see them in ${at}: Data Settings > Custom Events, and declare the ones journeys use under \`events:\``,
    },
    subscription_type: readOnly(`the global email and push subscription states, and subscription groups: Braze's API cannot list, create or change groups; create them in ${at}: ${GROUPS_UI}, and name their ids under \`subscription_groups\` in the provider settings`),
    team: scim(readOnly(`teams of the configured workspace, as SCIM permissions name them; no API creates or edits teams: manage them in ${at}: ${TEAMS_UI}`)),
    role: scim(readOnly(`roles as SCIM permissions name them, their workspace permissions read as neutral permissions; no API creates or edits roles: manage them in ${at}: ${ROLES_UI}`)),
    user: scim({
      read: true, create: "api", update: "api", delete: "api", replaceOn: ["email"],
      note: "dashboard users through SCIM (5,000 calls a day per company): create, change name, role and teams, remove; the email (userName) cannot change",
    }),
    template: {
      read: true, create: "api", update: "api", delete: "manual", ownerMark: `the last line of a Content Block's description (${NO_MARK})`,
      note: `cannot be deleted through the API: archive it in ${at}, under ${TEMPLATES_UI} (an email template), ${BLOCKS_UI} (a Content Block) or ${PREFERENCES_UI} (a preference center); a Canvas or campaign message is read-only: it changes and goes with its Canvas or campaign`,
    },
    segment: readOnly(`read-only in the API (export): build and edit segments in ${at}: ${SEGMENTS_UI}; their filters are not exported, so the checks treat their audiences as opaque`),
    frequency_cap: {
      read: false, create: "manual", update: "manual", delete: "manual",
      note: `no API: Braze's global frequency capping is set in ${at}: Settings > Frequency Capping (rules per channel and period)`,
    },
    workflow: readOnly(`Canvases and campaigns are read-only in the API (export only): build and edit them in ${at}: Messaging > Canvas or Messaging > Campaigns; the plan's manual step lists each click`),
  };
}

const NO_MARK = "email templates and preference centers have no place for one";

/**
 * The four Braze objects behind templates (templates.ts tells them apart by
 * marker tag) do not allow the same: each is archived on its own dashboard
 * page, only a Content Block has room for the owner mark, and a Canvas or
 * campaign message is read-only like its Canvas.
 */
export function templateCapabilities(opts: { dashboard?: string }): Record<Family, KindCapability> {
  const at = dashboardWords(opts.dashboard);
  const written = (page: string, what: string): KindCapability =>
    ({ read: true, create: "api", update: "api", delete: "manual", note: `cannot be deleted through the API: archive ${what} in ${at}: ${page}` });
  return {
    email_template: written(TEMPLATES_UI, "the email template"),
    content_block: { ...written(BLOCKS_UI, "the Content Block"), ownerMark: "the last line of its description" },
    preference_center: written(PREFERENCES_UI, "the preference center"),
    message: {
      read: true, create: "manual", update: "manual", delete: "manual",
      note: `a message of a Canvas or campaign is read-only in the API like its Canvas: change it in ${at}, in the Canvas or campaign editor (Messaging > Canvas or Messaging > Campaigns); it goes when its step goes`,
    },
  };
}

/** The table for the docs: the generic dashboard, SCIM configured. */
export const capabilities: Capabilities = capabilitiesFor({ scim: true });

const SUPPORT: Record<Support, string> = { api: "API", manual: "manual (dashboard)", none: "—" };

/** The capability table as Markdown, for docs/braze.md and the README. */
export function capabilityTable(caps: Capabilities = capabilities): string {
  const rows = Object.entries(caps).map(([kind, c]) => {
    const status = c.create === "api" && c.update === "api" && c.delete === "api" ? "managed"
      : c.create === "api" || c.update === "api" ? "written, not deleted" : c.read ? "read-only" : "manual";
    return `| \`${kind}\` | ${status} | ${c.read ? "yes" : "no"} | ${SUPPORT[c.create]} | ${SUPPORT[c.update]} | ${SUPPORT[c.delete]} | ${c.ownerMark ?? "none"} | ${c.note ?? ""} |`;
  });
  return ["| kind | status | read | create | update | delete | owner mark | notes |", "| --- | --- | --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}
