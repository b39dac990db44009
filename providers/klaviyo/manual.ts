import { warning, type Diagnostic } from "../../src/diagnostics";
import { address, durationMs, type Kind, type Resource } from "../../src/model";
import { unsupported, type KindOps } from "./kind";

/**
 * Kinds Klaviyo's API does not reach (revision 2026-07-15 has no user, role
 * or team endpoint, and no account Smart Sending setting): Mops states the
 * manual step and where to click.
 */

export const USERS_UI = "Klaviyo's API has no users: invite and remove them in Klaviyo > Settings > Users (account name, bottom left > Settings > Users)";
export const ROLES_UI = "Klaviyo's API has no roles: a user's role (Owner, Admin, Manager, Analyst, Campaign Coordinator, Content Creator, Support) is chosen in Klaviyo > Settings > Users > the user > Edit role; custom roles are not available through the API";
export const TEAMS_UI = "Klaviyo has no teams (users belong to the account directly): keep teams in the stack for ownership only";
export const EVENTS_UI = "Klaviyo's events are its metrics, made when the first event of a name arrives (Klaviyo > Analytics > Metrics): plan checks that each metric a journey names exists; they are not read as the `event` kind, whose names are snake_case while a metric's name is free text (\"Placed Order\")";
export const CAP_UI = "Klaviyo > Settings > Email > Sending preferences > Smart Sending period (and Settings > SMS > Smart Sending for text messages)";

const HOUR = 3_600_000;

/** The cap's manual step, and what Mops does instead: Smart Sending on every covered send. */
export function capDiagnostics(r: Resource<"frequency_cap">): Diagnostic[] {
  const at = address("frequency_cap", r.name);
  const hours = Math.round(durationMs(r.spec.period) / HOUR);
  const out = [
    warning("klaviyo/manual-step", `${at}: Klaviyo has no API for its Smart Sending period; set it by hand`, {
      address: at,
      hint: `in ${CAP_UI}: ${hours} hours. Smart Sending skips a profile that got any message in that period, so it enforces at most 1 per ${r.spec.period}${r.spec.max > 1 ? ` (stricter than ${r.spec.max})` : ""}. Mops turns Smart Sending on for every send this cap covers${r.spec.exempt?.workflows?.length ? `, except in ${r.spec.exempt.workflows.join(", ")}` : ""}`,
    }),
  ];
  const other = r.spec.channels.filter((c) => c !== "email" && c !== "sms");
  if (other.length) out.push(warning("klaviyo/cap-channels", `${at}: Klaviyo's Smart Sending covers email and SMS, not ${other.join(", ")}`, { address: at }));
  return out;
}

function manualKind<K extends Kind>(kind: K, note: string, check?: (r: Resource<K>) => Diagnostic[]): KindOps<K> {
  const refuse = (name: string) => unsupported(kind, "manage", `${kind}.${name}: ${note}`);
  return {
    // Not readable: the capabilities say so and the engine does not list it.
    list: async () => [],
    read: async () => undefined,
    create: (_env, r) => refuse(r.name),
    update: (_env, r) => refuse(r.name),
    delete: (_env, id) => refuse(id),
    normalize: (r) => r,
    check,
  };
}

export const users = manualKind("user", USERS_UI);
export const roles = manualKind("role", ROLES_UI);
export const teams = manualKind("team", TEAMS_UI);
export const events = manualKind("event", EVENTS_UI);
export const frequencyCaps = manualKind("frequency_cap", CAP_UI, capDiagnostics);
