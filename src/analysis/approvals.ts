import { error, type Diagnostic } from "../diagnostics";
import type { Stack } from "../model";
import type { Plan } from "../plan/types";
import type { Policy } from "../model/policy";
import { isProtected } from "./policy";

export interface RequiredApproval {
  address: string;
  /** Owners (users or teams) each of whom must approve. */
  owners: string[];
  /** For each owner, the identities whose approval counts: the user, or the team and its members (names and emails). */
  approvers: Record<string, string[]>;
  /** At least this many different people must approve (a policy `count`), with the reason. */
  count?: number;
  /** The change's audience when a rule asked for more approvals above a size: contacts, or "unknown". */
  audience?: number | "unknown";
  /** Declared users and their identities, so two names of one person count once. */
  people?: Record<string, string[]>;
}

/** Who must approve each change of a plan bound for a protected environment. */
export function requiredApprovals(plan: Plan, stack: Stack, policy: Policy, environment: string): RequiredApproval[] {
  if (!isProtected(policy, stack, environment)) return [];
  const out: RequiredApproval[] = [];
  for (const c of plan.changes) {
    if (c.action === "noop") continue;
    const owners = new Set<string>();
    let count = 0;
    const audience = plan.audience?.[c.address];
    for (const rule of policy.approvals) {
      if (rule.environments && !rule.environments.includes(environment)) continue;
      if (rule.kinds && !rule.kinds.includes(c.kind)) continue;
      // A blast-radius rule: an audience the platform could not count is treated as over the limit.
      if (rule.when && !(audience && !audience.trigger && (audience.size ?? Infinity) > rule.when.audience_over)) continue;
      const owner = ((c.after ?? c.before) as { owner?: unknown } | undefined)?.owner;
      if (rule.owners && typeof owner === "string") owners.add(owner);
      for (const t of rule.teams ?? []) owners.add(t);
      count = Math.max(count, rule.count ?? 0);
    }
    if (owners.size === 0 && !count) continue;
    const list = [...owners].sort();
    out.push({
      address: c.address, owners: list, approvers: Object.fromEntries(list.map((o) => [o, identitiesOf(o, stack)])),
      ...(count ? { count, audience: audience?.size ?? "unknown", people: peopleOf(stack) } : {}),
    });
  }
  return out;
}

function identitiesOf(owner: string, stack: Stack): string[] {
  const ids = new Set<string>([owner]);
  const low = owner.toLowerCase();
  for (const r of stack.resources) {
    if (r.kind === "team" && r.name.toLowerCase() === low && r.spec.email) ids.add(r.spec.email);
    if (r.kind !== "user") continue;
    const isUser = r.name.toLowerCase() === low || r.spec.email.toLowerCase() === low;
    const inTeam = (r.spec.teams ?? []).some((t) => t.toLowerCase() === low);
    if (isUser || inTeam) {
      ids.add(r.name);
      ids.add(r.spec.email);
    }
  }
  return [...ids];
}

function peopleOf(stack: Stack): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of stack.resources) if (r.kind === "user") out[r.name] = [r.name, r.spec.email];
  return out;
}

/** An approver counts for an identity by name, email, or an email's local part (a CI login usually is one). */
function matches(approver: string, identity: string): boolean {
  const a = approver.trim().toLowerCase(), id = identity.toLowerCase();
  return a === id || (id.includes("@") && a === id.split("@")[0]);
}

/** One error per owner whose approval is missing. */
export function checkApprovals(required: readonly RequiredApproval[], approvers: readonly string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of required) {
    for (const owner of r.owners) {
      const ok = r.approvers[owner] ?? [owner];
      if (approvers.some((a) => ok.some((id) => matches(a, id)))) continue;
      const who = ok.filter((x) => x !== owner);
      out.push(error("approval/missing", `the change to ${r.address} needs approval from ${owner}`, {
        address: r.address,
        hint: `${who.length ? `any of: ${who.join(", ")}; ` : ""}pass \`--approved-by ${owner}\` once they have approved`,
        detail: { owner, accepted: ok, approvers: [...approvers] },
      }));
    }
    if (r.count) {
      // One person under two names (login, email) is still one approval.
      const people = new Set(approvers.map((a) => Object.entries(r.people ?? {}).find(([, ids]) => ids.some((id) => matches(a, id)))?.[0] ?? a.trim().toLowerCase()));
      if (people.size < r.count) {
        const reach = r.audience === "unknown" ? "an audience the platform could not count" : `~${r.audience!.toLocaleString("en-US")} contacts`;
        out.push(error("approval/missing", `the change to ${r.address} reaches ${reach}: it needs ${r.count} different approvers, and has ${people.size}`, {
          address: r.address,
          hint: `pass \`--approved-by\` with ${r.count} people once they have approved`,
          detail: { count: r.count, audience: r.audience, approvers: [...approvers] },
        }));
      }
    }
  }
  return out;
}

interface Review { state?: unknown; user?: { login?: unknown }; submitted_at?: unknown }

/**
 * Approvers from a GitHub `pull_request_review` or `pull_request` event
 * payload (GITHUB_EVENT_PATH): the review in the event, plus a `reviews`
 * list when the workflow added one. A later review by the same person
 * (changes requested, dismissed) replaces their approval.
 */
export function approversFromGitHubEvent(event: unknown): string[] {
  if (!event || typeof event !== "object") return [];
  const e = event as { review?: Review; reviews?: Review[]; pull_request?: { reviews?: Review[] } };
  const reviews: Review[] = [...(e.reviews ?? []), ...(e.pull_request?.reviews ?? []), ...(e.review ? [e.review] : [])];
  reviews.sort((a, b) => String(a.submitted_at ?? "").localeCompare(String(b.submitted_at ?? "")));
  const latest = new Map<string, string>();
  for (const r of reviews) {
    const login = r.user?.login;
    if (typeof login !== "string" || typeof r.state !== "string") continue;
    if (r.state.toLowerCase() === "commented") continue;
    latest.set(login, r.state.toLowerCase());
  }
  return [...latest].filter(([, s]) => s === "approved").map(([l]) => l).sort();
}
