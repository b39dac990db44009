import { error } from "../../src/diagnostics";
import { address, RESOURCE_KINDS_FOR_ROLES, toResourceName, type RoleSpec, type UserSpec } from "../../src/model";
import { ProviderError, type CallContext, type LiveObject } from "../../src/provider/types";
import { orUndefined, refuseOnErrors, unsupported, type HubSpotEnv, type KindOps } from "./kind";
import { compact, Issues, refId, refName, type Refs } from "./mapping";

/** Users <-> Settings Users v3. Roles and teams are read-only there: listed so references resolve. */

export interface HsUser {
  id: string;
  email: string;
  firstName?: string;
  lastName?: string;
  roleId?: string;
  roleIds?: string[];
  primaryTeamId?: string;
  secondaryTeamIds?: string[];
  superAdmin?: boolean;
}
interface HsRole { id: string; name: string; requiresBillingWrite?: boolean }
interface HsTeam { id: string; name: string; userIds?: string[]; secondaryUserIds?: string[] }

const BASE = "/settings/v3/users";
export const ROLES_UI = "HubSpot > Settings > Users & Teams > Roles";
export const TEAMS_UI = "HubSpot > Settings > Users & Teams > Teams";

/**
 * Users without a role hold a super admin flag or per-user permissions; these
 * stand-in roles give them something to name. Neither can be assigned by API.
 */
const PSEUDO_ROLES = { "super-admin": "Super Admin", "no-role": "No role (per-user permissions)" } as const;
const isPseudoRole = (id: string): id is keyof typeof PSEUDO_ROLES => id in PSEUDO_ROLES;

/** HubSpot exposes no permission sets, so a role reads as this and normalises to it: only existence is compared. */
export const ROLE_SPEC: RoleSpec = {
  description: `Managed in ${ROLES_UI}; its permissions are not readable through HubSpot's API`,
  permissions: [{ kinds: [...RESOURCE_KINDS_FOR_ROLES], actions: ["view"] }],
};

const roleIdOf = (u: HsUser): string => u.roleId ?? u.roleIds?.[0] ?? (u.superAdmin ? "super-admin" : "no-role");
const localPart = (email: string) => email.split("@")[0];

function teamsOrder(teams: string[] | undefined): string[] | undefined {
  if (!teams?.length) return undefined;
  const [primary, ...rest] = teams;
  return [primary, ...[...rest].sort()];
}

export function toUserSpec(u: HsUser, refs: Refs): UserSpec {
  const teams = [u.primaryTeamId, ...(u.secondaryTeamIds ?? [])].filter((t): t is string => !!t).map((t) => refName(refs, "team", String(t)));
  return compact({
    email: u.email,
    first_name: u.firstName || undefined,
    last_name: u.lastName || undefined,
    role: refName(refs, "role", roleIdOf(u)),
    teams: teamsOrder(teams),
  });
}

function userBody(spec: UserSpec, refs: Refs, issues: Issues) {
  const roleId = refId(refs, issues, "role", spec.role);
  const [primary, ...secondary] = (spec.teams ?? []).map((t) => refId(refs, issues, "team", t));
  return compact({
    firstName: spec.first_name,
    lastName: spec.last_name,
    roleId: isPseudoRole(roleId) ? undefined : roleId,
    primaryTeamId: primary,
    secondaryTeamIds: secondary,
  });
}

const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => String(a.id).localeCompare(String(b.id), "en", { numeric: true }));

/** Names every role, stand-ins included; returns them all. */
export async function loadRoles(env: HubSpotEnv, ctx: CallContext): Promise<HsRole[]> {
  const res = await env.client.get<{ results: HsRole[] }>(`${BASE}/roles`, undefined, ctx.signal);
  const all = byId([...res.results, ...Object.entries(PSEUDO_ROLES).map(([id, name]) => ({ id, name }))]);
  env.names.name("role", all.map((r) => ({ id: String(r.id), display: r.name })), ctx);
  return all;
}

export async function loadTeams(env: HubSpotEnv, ctx: CallContext): Promise<HsTeam[]> {
  const res = await env.client.get<{ results: HsTeam[] }>(`${BASE}/teams`, undefined, ctx.signal);
  const all = byId(res.results);
  env.names.name("team", all.map((t) => ({ id: String(t.id), display: t.name })), ctx);
  return all;
}

async function allUsers(env: HubSpotEnv, ctx: CallContext): Promise<HsUser[]> {
  const users = await env.client.getAll<HsUser>(BASE, {}, ctx.signal);
  return users.sort((a, b) => String(a.id).localeCompare(String(b.id), "en", { numeric: true }));
}

export const users: KindOps<"user"> = {
  async list(env, ctx) {
    const all = await allUsers(env, ctx);
    await env.names.ensure(["role", "team"], ctx);
    const names = env.names.name("user", all.map((u) => ({ id: String(u.id), display: localPart(u.email) })), ctx);
    return all.map((u, i) => ({ kind: "user", id: String(u.id), name: names[i], spec: toUserSpec(u, env.names.refs(ctx)) }));
  },

  async read(env, id, ctx) {
    const u = await orUndefined(env.client.get<HsUser>(`${BASE}/${id}`, undefined, ctx.signal));
    if (!u) return undefined;
    await env.names.ensure(["role", "team"], ctx);
    return { kind: "user", id: String(u.id), name: env.names.refs(ctx).name("user", id) ?? toResourceName(localPart(u.email)), spec: toUserSpec(u, env.names.refs(ctx)) };
  },

  async create(env, r, ctx) {
    await env.names.ensure(["role", "team"], ctx);
    const issues = new Issues(address("user", r.name));
    const body = { email: r.spec.email, ...userBody(r.spec, env.names.refs(ctx), issues), sendWelcomeEmail: true };
    refuseOnErrors(issues);
    const u = await env.client.post<HsUser>(`${BASE}/`, body, ctx.signal);
    env.names.add("user", String(u.id), r.name);
    return { kind: "user", id: String(u.id), name: r.name, spec: toUserSpec(u, env.names.refs(ctx)) };
  },

  async update(env, r, live, ctx) {
    if (r.spec.email.toLowerCase() !== live.spec.email.toLowerCase()) {
      throw new ProviderError(error("hubspot/replace-required", `user.${r.name}: HubSpot cannot change a user's email`, {
        hint: "the plan replaces the user (delete + invite); their HubSpot login changes",
        address: address("user", r.name),
      }));
    }
    await env.names.ensure(["role", "team"], ctx);
    const issues = new Issues(address("user", r.name));
    const body = userBody(r.spec, env.names.refs(ctx), issues);
    refuseOnErrors(issues);
    const u = await env.client.put<HsUser>(`${BASE}/${live.id}`, body, ctx.signal);
    return { kind: "user", id: live.id, name: r.name, spec: toUserSpec({ ...u, email: u.email ?? r.spec.email }, env.names.refs(ctx)) };
  },

  async delete(env, id, ctx) {
    await orUndefined(env.client.delete(`${BASE}/${id}`, ctx.signal));
    env.names.remove("user", id);
  },

  normalize(r) {
    return { ...r, spec: compact({ ...r.spec, teams: teamsOrder(r.spec.teams) }) };
  },
};

export const roles: KindOps<"role"> = {
  async list(env, ctx) {
    const [all, used] = await Promise.all([loadRoles(env, ctx), allUsers(env, ctx).then((us) => new Set(us.map(roleIdOf)))]);
    const roles = all.filter((r) => !isPseudoRole(String(r.id)) || used.has(String(r.id)));
    const refs = env.names.refs(ctx);
    return roles.map((r): LiveObject<"role"> => ({ kind: "role", id: String(r.id), name: refs.name("role", String(r.id))!, spec: ROLE_SPEC }));
  },
  async read(env, id, ctx) {
    return (await roles.list(env, ctx)).find((r) => r.id === id);
  },
  create: (_env, r) => unsupported("role", "create", `create role "${r.name}" in ${ROLES_UI}, then plan again`),
  update: (_env, r) => unsupported("role", "change", `edit role "${r.name}" in ${ROLES_UI}`),
  delete: () => unsupported("role", "delete", `delete the role in ${ROLES_UI}`),
  normalize: (r) => ({ ...r, spec: ROLE_SPEC }),
};

export const teams: KindOps<"team"> = {
  async list(env, ctx) {
    const teams = await loadTeams(env, ctx);
    const refs = env.names.refs(ctx);
    return teams.map((t): LiveObject<"team"> => ({ kind: "team", id: String(t.id), name: refs.name("team", String(t.id))!, spec: {} }));
  },
  async read(env, id, ctx) {
    return (await teams.list(env, ctx)).find((t) => t.id === id);
  },
  create: (_env, r) => unsupported("team", "create", `create team "${r.name}" in ${TEAMS_UI}, then plan again`),
  update: (_env, r) => unsupported("team", "change", `edit team "${r.name}" in ${TEAMS_UI}`),
  delete: () => unsupported("team", "delete", `delete the team in ${TEAMS_UI}`),
  // HubSpot teams carry a name and members only; description and email live in the stack.
  normalize: (r) => ({ ...r, spec: {} }),
};
