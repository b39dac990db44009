import { RESOURCE_KINDS_FOR_ROLES, type RoleSpec } from "../../src/model";

/**
 * Braze workspace permission strings (braze-docs
 * `_docs/_api/objects_filters/scim_api_appendix.md`, "Workspace permission
 * strings") in the neutral terms of a role: which kinds it may view, edit,
 * publish or delete. Strings with no neutral meaning (exporting user data,
 * billing, the dev console) are left out. Braze roles are read-only, so this
 * only reads; a declared role is compared through the same table.
 */

type RoleKind = (typeof RESOURCE_KINDS_FOR_ROLES)[number];
type Action = "view" | "edit" | "publish" | "delete";
const ACTIONS: Action[] = ["view", "edit", "publish", "delete"];
const ALL = [...RESOURCE_KINDS_FOR_ROLES];
const MESSAGING: RoleKind[] = ["segment", "workflow", "template"];

export const MEANING: Record<string, [RoleKind[], Action[]][]> = {
  admin: [[ALL, ACTIONS]],
  basic_access: [[MESSAGING, ["view"]]],
  send_campaigns_canvases: [[["workflow"], ["edit", "publish"]]],
  approve_deny_campaigns: [[["workflow"], ["publish"]]],
  edit_segments: [[["segment"], ["view", "edit"]]],
  launch_content_blocks: [[["template"], ["publish"]]],
  manage_media_library: [[["template"], ["edit"]]],
  manage_dashboard_users: [[["user"], ["view", "edit", "delete"]]],
  manage_teams: [[["team"], ["view", "edit", "delete"]]],
  manage_subscription_groups: [[["subscription_type"], ["view", "edit"]]],
  manage_events_attributes_purchases: [[["property"], ["view", "edit"]]],
};

/** A role no Braze string gives anything neutral still lets its holders in: Braze's basic access. */
const FLOOR: RoleSpec["permissions"] = [{ kinds: MESSAGING, actions: ["view"] }];

/** (kind, action) pairs as a role spec, grouped by equal action sets, in a fixed order. */
function grouped(pairs: Set<string>): RoleSpec["permissions"] {
  const byKind = new Map<RoleKind, Action[]>();
  for (const k of ALL) {
    const acts = ACTIONS.filter((a) => pairs.has(`${k}:${a}`));
    if (acts.length) byKind.set(k, acts);
  }
  const groups = new Map<string, RoleKind[]>();
  for (const [k, acts] of byKind) groups.set(acts.join(","), [...(groups.get(acts.join(",")) ?? []), k]);
  const out = [...groups].map(([acts, kinds]) => ({ kinds, actions: acts.split(",") as Action[] }));
  return out.length ? out.sort((a, b) => ALL.indexOf(a.kinds[0]!) - ALL.indexOf(b.kinds[0]!)) : FLOOR;
}

const pairsOf = (strings: Iterable<string>): Set<string> => {
  const out = new Set<string>();
  for (const s of strings) for (const [kinds, actions] of MEANING[s] ?? []) for (const k of kinds) for (const a of actions) out.add(`${k}:${a}`);
  return out;
};

/** A Braze role's permission strings as a neutral role. */
export const roleSpecOf = (strings: Iterable<string>): RoleSpec => ({ permissions: grouped(pairsOf(strings)) });

/** A declared role as Braze could express it: the strings it fully grants, read back. */
export function expressible(spec: RoleSpec): RoleSpec {
  const want = new Set(spec.permissions.flatMap((p) => p.kinds.flatMap((k) => p.actions.map((a) => `${k}:${a}`))));
  const strings = Object.keys(MEANING).filter((s) => [...pairsOf([s])].every((p) => want.has(p)));
  return roleSpecOf(strings);
}
