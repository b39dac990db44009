import { capabilityTable as table } from "../../src/provider/capability-table";
import type { Capabilities } from "../../src/provider/types";
import { CAP_UI, EVENTS_UI, ROLES_UI, TEAMS_UI, USERS_UI } from "./manual";
import { PROPERTY_NOTE } from "./properties";
import { CONSENT_UI } from "./subscriptions";
import { TAG_MARK } from "./tags";
import { TEMPLATE_MARK } from "./templates";
import { FLOW_FIXED } from "./workflows";

/** What Klaviyo's API (revision 2026-07-15) lets Mops do, kind by kind (docs/klaviyo.md renders this table). */
export const capabilities: Capabilities = {
  property: { read: true, create: "manual", update: "manual", delete: "manual", note: PROPERTY_NOTE },
  event: { read: false, create: "manual", update: "manual", delete: "manual", note: EVENTS_UI },
  subscription_type: { read: true, create: "manual", update: "manual", delete: "manual", note: `read as one consent per channel (email_marketing, sms_marketing, push_marketing). ${CONSENT_UI}` },
  team: { read: false, create: "manual", update: "manual", delete: "manual", note: TEAMS_UI },
  role: { read: false, create: "manual", update: "manual", delete: "manual", note: ROLES_UI },
  user: { read: false, create: "manual", update: "manual", delete: "manual", note: USERS_UI },
  template: {
    read: true, create: "api", update: "api", delete: "api", ownerMark: TEMPLATE_MARK,
    note: "CODE-editor templates (email HTML; SMS text in `text`), subject/preheader/sender kept in a header comment and copied onto each flow message; tagged `universal_content`: a universal content HTML (or `text_block`) block; drag-and-drop templates are not listed",
  },
  segment: {
    read: true, create: "api", update: "api", delete: "api", replaceOn: ["type"], ownerMark: TAG_MARK, ownerMarkAfterCreate: true,
    note: "dynamic: a Klaviyo segment (definition; creates and definition changes 1/s, 15/min, 100/day); static: a Klaviyo list (creates 150/day); a list cannot become a segment or back: a change of `type` makes a new one; tags through Klaviyo tags",
  },
  frequency_cap: {
    read: false, create: "manual", update: "manual", delete: "manual",
    note: `no API: set the Smart Sending period in ${CAP_UI}; Mops turns each covered send's smart_sending_enabled on (off where no cap covers it or the workflow is exempt)`,
  },
  workflow: {
    read: true, create: "api", update: "api", delete: "api", replaceOn: [...FLOW_FIXED], replaceStrategy: "drain", ownerMark: TAG_MARK, ownerMarkAfterCreate: true,
    note: "flows (creates 1/s, 15/min, 100/day): list/segment/metric/date triggers, time delays, email and SMS sends, conditional and trigger splits, random-sample splits, profile updates, list updates, webhooks; status and single actions change in place; a change of trigger, entry filter, suppression, re-entry or the steps' shape makes a new flow by drain-then-swap; no goals, holdouts, manual triggers or engagement branches",
  },
};

/** The capability table as Markdown, for docs/klaviyo.md. */
export const capabilityTable = (caps: Capabilities = capabilities): string => table(caps, "Klaviyo UI");
