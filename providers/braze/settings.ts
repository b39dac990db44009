import { error, type Diagnostic, type Result } from "../../src/diagnostics";
import { CHANNELS, SecretRef, type Channel, type ProviderConfig } from "../../src/model";
import { Value } from "@sinclair/typebox/value";
import { endpointOf, type Endpoint } from "./instances";

/** SCIM department strings (braze-docs `_docs/_api/objects_filters/scim_api_appendix.md`, "Department strings"). */
export const DEPARTMENTS = ["agency", "bi", "c_suite", "engineering", "finance", "marketing", "pm"] as const;
/** SCIM team permission strings (same appendix, "Team permission strings"). */
export const TEAM_PERMISSIONS = [
  "admin", "basic_access", "approve_deny_campaigns", "send_campaigns_canvases", "publish_cards", "edit_segments",
  "export_user_data", "view_user_profile", "manage_dashboard_users", "manage_media_library",
] as const;

export interface SubscriptionGroup {
  id: string;
  channel: Channel;
}

/** The Braze provider's settings, beyond `type`, `token` and `url`. */
export interface BrazeSettings {
  endpoint: Endpoint;
  key: SecretRef;
  /** The workspace (SCIM's "app group") of the REST API key: where users' teams live. */
  workspace?: string;
  scim?: {
    token: SecretRef;
    origin: string;
    /** Braze requires a department on every dashboard user; the neutral model has none. */
    department: (typeof DEPARTMENTS)[number];
    /** What membership of a team grants; the neutral model has no per-team permissions. */
    teamPermissions: string[];
  };
  /** Subscription groups by resource name: Braze cannot list them, so their ids are copied from the dashboard. */
  subscriptionGroups: Map<string, SubscriptionGroup>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function parseSettings(config: ProviderConfig): Result<BrazeSettings> {
  // A provider config allows keys of its own (`additionalProperties`): these are Braze's.
  const extra = config as ProviderConfig & { workspace?: unknown; scim?: unknown; subscription_groups?: unknown; instance?: unknown };
  const out: Diagnostic[] = [];
  const bad = (setting: string, message: string, hint: string) => out.push(error("braze/bad-settings", `provider setting \`${setting}\`: ${message}`, { hint }));
  const endpoint = endpointOf(extra);
  out.push(...endpoint.diagnostics);
  if (config.token === undefined) {
    bad("token", "the Braze provider needs the workspace's REST API key", "set `token: ${env:BRAZE_API_KEY}` (Settings > APIs and Identifiers > API Keys)");
  }
  const workspace = extra.workspace;
  if (workspace !== undefined && (typeof workspace !== "string" || workspace.trim() === "")) bad("workspace", "must be the workspace's name", "e.g. `workspace: Production`");

  let scim: BrazeSettings["scim"];
  if (extra.scim !== undefined) {
    const s = extra.scim;
    if (!isObject(s) || !Value.Check(SecretRef, s.token) || typeof s.origin !== "string" || s.origin === "") {
      bad("scim", "needs `token` (a secret reference) and `origin`", "e.g. `scim: { token: ${env:BRAZE_SCIM_TOKEN}, origin: mops.example.com }`");
    } else {
      const department = s.department ?? "marketing";
      const team = s.team_permissions ?? ["basic_access"];
      if (!DEPARTMENTS.includes(department as never)) bad("scim.department", `\`${String(department)}\` is not a Braze department`, `one of ${DEPARTMENTS.join(", ")}`);
      else if (!Array.isArray(team) || !team.every((p) => TEAM_PERMISSIONS.includes(p as never))) {
        bad("scim.team_permissions", "must list Braze team permission strings", `from ${TEAM_PERMISSIONS.join(", ")}`);
      } else {
        scim = { token: s.token as SecretRef, origin: s.origin, department: department as (typeof DEPARTMENTS)[number], teamPermissions: team as string[] };
      }
    }
  }

  const subscriptionGroups = new Map<string, SubscriptionGroup>();
  const groups = extra.subscription_groups ?? {};
  if (!isObject(groups)) bad("subscription_groups", "must map names to `{ id, channel }`", "e.g. `subscription_groups: { sms_marketing: { id: 1c2…, channel: sms } }`");
  else {
    for (const [name, g] of Object.entries(groups)) {
      if (!/^[a-z][a-z0-9_]*$/.test(name) || !isObject(g) || typeof g.id !== "string" || !CHANNELS.includes(g.channel as Channel)) {
        bad(`subscription_groups.${name}`, "must be a lower_snake_case name mapped to `{ id, channel }`", "the id is the group's API identifier, copied from Audience > Subscriptions in the dashboard");
      } else subscriptionGroups.set(name, { id: g.id, channel: g.channel as Channel });
    }
  }
  if (out.length || !endpoint.value) return { diagnostics: out };
  return {
    value: { endpoint: endpoint.value, key: config.token!, workspace: workspace as string | undefined, scim, subscriptionGroups },
    diagnostics: [],
  };
}
