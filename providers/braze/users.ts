import { error, type Diagnostic } from "../../src/diagnostics";
import { address, toResourceName, type RoleSpec, type UserSpec } from "../../src/model";
import { ProviderError, type CallContext, type LiveObject } from "../../src/provider/types";
import { byId, compact, manualOnly, type BrazeEnv, type KindOps } from "./kind";
import { expressible, roleSpecOf } from "./permissions";

/**
 * Users <-> Braze dashboard users through SCIM (braze-docs
 * `_docs/_api/endpoints/scim/**`, permissions object in
 * `objects_filters/scim_api_appendix.md`). A user's neutral `role` is the
 * Braze role it holds (`permissions.roles`), its `teams` are its teams in
 * the configured workspace (`permissions.appGroup[workspace].team`). Braze
 * has no API for roles, teams or workspaces themselves: they are read from
 * the users that hold them, by the names the permissions object uses.
 */

export const SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const BASE = "/scim/v2/Users";
export const ROLES_UI = "Settings > Company Settings > Permission Settings > Roles";
export const TEAMS_UI = "Settings > Workspace Settings > Internal Teams";

interface ScimTeam { teamId?: string; teamName?: string; teamPermissions?: string[] }
interface ScimPermissionSet { appGroupPermissionSetName?: string; appGroupPermissionSetId?: string; permissions?: string[] }
interface ScimAppGroup { appGroupId?: string; appGroupName?: string; appGroupPermissions?: string[]; appGroupPermissionSets?: ScimPermissionSet[]; team?: ScimTeam[] }
interface ScimRole { roleId?: string; roleName?: string; appGroup?: ScimAppGroup[] }
export interface ScimUser {
  schemas?: string[];
  id: string;
  userName: string;
  name?: { givenName?: string; familyName?: string };
  department?: string;
  lastSignInAt?: string;
  createdAt?: string;
  permissions?: { companyPermissions?: string[]; roles?: ScimRole[]; appGroup?: ScimAppGroup[] };
}

/** Users without a Braze role have permissions set on themselves: this stand-in role names that. */
export const NO_ROLE = { id: "role:none", display: "No role (permissions set per user)", spec: { description: "No Braze role: the user's permissions are set on the user", permissions: roleSpecOf(["basic_access"]).permissions } satisfies RoleSpec };

const roleId = (r: ScimRole) => (r.roleId ? `role:${r.roleId}` : `role-name:${r.roleName}`);
const teamId = (t: ScimTeam) => (t.teamId ? `team:${t.teamId}` : `team-name:${t.teamName}`);
const localPart = (email: string) => email.split("@")[0]!;

/** Roles and teams as the users' permissions name them. */
interface Directory {
  users: ScimUser[];
  roles: Map<string, { display: string; strings: Set<string>; role: ScimRole }>;
  teams: Map<string, { display: string; team: ScimTeam }>;
}

const inWorkspace = (env: BrazeEnv) => (g: ScimAppGroup) => env.settings.workspace === undefined || g.appGroupName === env.settings.workspace;

async function directory(env: BrazeEnv, ctx: CallContext): Promise<Directory> {
  const users = (await env.client.scimPages<ScimUser>(BASE, ctx.signal)).sort(byId((u) => u.id));
  const roles: Directory["roles"] = new Map();
  const teams: Directory["teams"] = new Map();
  const here = inWorkspace(env);
  for (const u of users) {
    for (const r of u.permissions?.roles ?? []) {
      const entry = roles.get(roleId(r)) ?? { display: r.roleName ?? r.roleId ?? "role", strings: new Set<string>(), role: r };
      for (const g of (r.appGroup ?? []).filter(here)) {
        for (const s of g.appGroupPermissions ?? []) entry.strings.add(s);
        for (const set of g.appGroupPermissionSets ?? []) for (const s of set.permissions ?? []) entry.strings.add(s);
      }
      roles.set(roleId(r), entry);
    }
    for (const g of (u.permissions?.appGroup ?? []).filter(here)) {
      for (const t of g.team ?? []) teams.set(teamId(t), { display: t.teamName ?? t.teamId ?? "team", team: t });
    }
  }
  const roleItems = [...roles].map(([id, r]) => ({ id, display: r.display }));
  if (users.some((u) => !u.permissions?.roles?.length)) roleItems.push({ id: NO_ROLE.id, display: NO_ROLE.display });
  env.names.assign("role", roleItems.sort(byId((x) => x.id)), ctx);
  env.names.assign("team", [...teams].map(([id, t]) => ({ id, display: t.display })).sort(byId((x) => x.id)), ctx);
  return { users, roles, teams };
}

function userSpec(env: BrazeEnv, u: ScimUser, ctx: CallContext): UserSpec {
  const role = u.permissions?.roles?.[0];
  const rid = role ? roleId(role) : NO_ROLE.id;
  const teams = (u.permissions?.appGroup ?? []).filter(inWorkspace(env)).flatMap((g) => g.team ?? [])
    .map((t) => env.names.nameOf("team", teamId(t), ctx) ?? toResourceName(t.teamName ?? t.teamId ?? "team"));
  return compact({
    email: u.userName,
    first_name: u.name?.givenName || undefined,
    last_name: u.name?.familyName || undefined,
    role: env.names.nameOf("role", rid, ctx) ?? toResourceName(role?.roleName ?? NO_ROLE.display),
    teams: teams.length ? [...new Set(teams)].sort() : undefined,
  });
}

/** The permissions object for a write: the role and the workspace's teams from the spec, everything else as Braze has it. */
function permissionsBody(env: BrazeEnv, r: { name: string; spec: UserSpec }, dir: Directory, current: ScimUser | undefined, ctx: CallContext) {
  const at = address("user", r.name);
  const refuse = (message: string, hint: string): never => { throw new ProviderError(error("braze/unresolved-reference", `${at}: ${message}`, { address: at, hint })); };
  const rid = env.names.idOf("role", r.spec.role, ctx);
  const role = rid === NO_ROLE.id ? undefined : rid !== undefined ? dir.roles.get(rid)?.role : undefined;
  if (rid === undefined || (rid !== NO_ROLE.id && !role)) refuse(`role \`${r.spec.role}\` is not a Braze role any dashboard user holds`, `create it in ${ROLES_UI}, or name a role a user already has`);
  const teams = (r.spec.teams ?? []).map((t) => {
    const tid = env.names.idOf("team", t, ctx);
    return (tid !== undefined ? dir.teams.get(tid)?.team : undefined) ?? refuse(`team \`${t}\` is not a Braze team of this workspace`, `create it in ${TEAMS_UI}`);
  });
  const ws = env.settings.workspace;
  if (teams.length && ws === undefined) refuse("teams are set per workspace", "set `workspace:` (the workspace's name) in the provider settings");
  const keep = (g: ScimAppGroup) => compact({
    ...(g.appGroupName ? { appGroupName: g.appGroupName } : { appGroupId: g.appGroupId }),
    appGroupPermissions: g.appGroupPermissions ?? [],
    appGroupPermissionSets: g.appGroupPermissionSets?.map((s) => (s.appGroupPermissionSetName ? { appGroupPermissionSetName: s.appGroupPermissionSetName } : { appGroupPermissionSetID: s.appGroupPermissionSetId })),
    team: g.team?.map((t) => ({ ...(t.teamName ? { teamName: t.teamName } : { teamId: t.teamId }), teamPermissions: t.teamPermissions ?? [] })),
  });
  const groups = current?.permissions?.appGroup ?? [];
  const here = ws === undefined ? undefined : groups.find((g) => g.appGroupName === ws);
  const teamPermissions = (t: ScimTeam) => here?.team?.find((x) => x.teamName === t.teamName)?.teamPermissions ?? env.settings.scim!.teamPermissions;
  const appGroup = ws === undefined
    ? groups.map(keep)
    : [
      ...groups.filter((g) => g !== here).map(keep),
      ...(teams.length || here ? [compact({
        ...keep(here ?? { appGroupName: ws }),
        team: teams.length ? teams.map((t) => ({ teamName: t.teamName ?? t.teamId!, teamPermissions: teamPermissions(t) })) : undefined,
      })] : []),
    ];
  return {
    companyPermissions: current?.permissions?.companyPermissions ?? [],
    roles: role ? [role.roleId ? { roleId: role.roleId } : { roleName: role.roleName }] : [],
    appGroup,
  };
}

function checkUser(r: { name: string; spec: UserSpec }): Diagnostic[] {
  const at = address("user", r.name);
  return r.spec.first_name && r.spec.last_name ? [] : [error("braze/missing-name", `${at}: Braze dashboard users need \`first_name\` and \`last_name\``, { address: at, hint: "SCIM requires both names" })];
}

const liveUser = (env: BrazeEnv, u: ScimUser, name: string, ctx: CallContext): LiveObject<"user"> => ({ kind: "user", id: u.id, name, spec: userSpec(env, u, ctx) });

export const users: KindOps<"user"> = {
  async list(env, ctx) {
    const dir = await directory(env, ctx);
    const names = env.names.assign("user", dir.users.map((u) => ({ id: u.id, display: localPart(u.userName) })), ctx);
    return dir.users.map((u, i) => liveUser(env, u, names[i]!, ctx));
  },

  async read(env, id, ctx) {
    await env.names.ensure(["role", "team"], ctx);
    const u = await env.client.find<ScimUser>(`${BASE}/${encodeURIComponent(id)}`, undefined, ctx.signal);
    return u && liveUser(env, u, env.names.nameOf("user", id, ctx) ?? toResourceName(localPart(u.userName)), ctx);
  },

  async create(env, r, ctx) {
    const problems = checkUser(r);
    if (problems.length) throw new ProviderError(problems[0]!);
    const dir = await directory(env, ctx);
    const body = {
      schemas: [SCIM_USER],
      userName: r.spec.email,
      name: { givenName: r.spec.first_name!, familyName: r.spec.last_name! },
      department: env.settings.scim!.department,
      permissions: permissionsBody(env, r, dir, undefined, ctx),
    };
    const u = await env.client.post<ScimUser>(BASE, body, ctx.signal);
    env.names.set("user", u.id, r.name);
    return liveUser(env, u, r.name, ctx);
  },

  async update(env, r, live, ctx) {
    if (r.spec.email.toLowerCase() !== live.spec.email.toLowerCase()) {
      throw new ProviderError(error("braze/replace-required", `user.${r.name}: Braze does not change a dashboard user's email (userName) through SCIM`, {
        address: address("user", r.name), hint: "the plan replaces the user (remove, then create); or ask Braze Support to change it",
      }));
    }
    const problems = checkUser(r);
    if (problems.length) throw new ProviderError(problems[0]!);
    const [dir, current] = await Promise.all([directory(env, ctx), env.client.get<ScimUser>(`${BASE}/${encodeURIComponent(live.id)}`, undefined, ctx.signal)]);
    const body = {
      schemas: [SCIM_USER],
      name: { givenName: r.spec.first_name!, familyName: r.spec.last_name! },
      department: current.department ?? env.settings.scim!.department,
      permissions: permissionsBody(env, r, dir, current, ctx),
    };
    const u = await env.client.put<ScimUser>(`${BASE}/${encodeURIComponent(live.id)}`, body, ctx.signal);
    env.names.set("user", live.id, r.name);
    return liveUser(env, u, r.name, ctx);
  },

  async delete(env, id, ctx) {
    // Gone already (removed in the dashboard, or by an apply that crashed before journaling) is what delete wants.
    await env.client.delete(`${BASE}/${encodeURIComponent(id)}`, ctx.signal).catch((e: unknown) => {
      if (!(e instanceof ProviderError && e.status === 404)) throw e;
    });
  },

  normalize: (r) => ({ ...r, spec: compact({ ...r.spec, teams: r.spec.teams?.length ? [...new Set(r.spec.teams)].sort() : undefined }) }),
  check: checkUser,
};

export const roles: KindOps<"role"> = {
  async list(env, ctx) {
    const dir = await directory(env, ctx);
    const out: LiveObject<"role">[] = [...dir.roles].map(([id, r]) => ({ kind: "role", id, name: env.names.nameOf("role", id, ctx)!, spec: roleSpecOf(r.strings) }));
    if (dir.users.some((u) => !u.permissions?.roles?.length)) out.push({ kind: "role", id: NO_ROLE.id, name: env.names.nameOf("role", NO_ROLE.id, ctx)!, spec: NO_ROLE.spec });
    return out.sort(byId((o) => o.id));
  },
  read: async (env, id, ctx) => (await roles.list(env, ctx)).find((r) => r.id === id),
  create: (env, r) => manualOnly("role", "create", `create role "${r.name}" in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${ROLES_UI}`),
  update: (env, r) => manualOnly("role", "change", `edit role "${r.name}" in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${ROLES_UI}`),
  delete: (env) => manualOnly("role", "delete", `delete it in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${ROLES_UI}`),
  // Braze roles have no description; their permissions compare as far as Braze's strings can say them.
  normalize: (r) => ({ ...r, spec: r.spec.description === NO_ROLE.spec.description ? NO_ROLE.spec : expressible(r.spec) }),
};

export const teams: KindOps<"team"> = {
  async list(env, ctx) {
    const dir = await directory(env, ctx);
    return [...dir.teams.keys()].sort().map((id): LiveObject<"team"> => ({ kind: "team", id, name: env.names.nameOf("team", id, ctx)!, spec: {} }));
  },
  read: async (env, id, ctx) => (await teams.list(env, ctx)).find((t) => t.id === id),
  create: (env, r) => manualOnly("team", "create", `create team "${r.name}" in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${TEAMS_UI}`),
  update: (env, r) => manualOnly("team", "change", `edit team "${r.name}" in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${TEAMS_UI}`),
  delete: (env) => manualOnly("team", "delete", `delete it in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${TEAMS_UI}`),
  // A Braze team is a name with members; description and email live in the stack only.
  normalize: (r) => ({ ...r, spec: {} }),
};
