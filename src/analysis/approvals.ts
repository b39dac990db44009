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
}

/** Who must approve each change of a plan bound for a protected environment. */
export function requiredApprovals(plan: Plan, stack: Stack, policy: Policy, environment: string): RequiredApproval[] {
  if (!isProtected(policy, stack, environment)) return [];
  const out: RequiredApproval[] = [];
  for (const c of plan.changes) {
    if (c.action === "noop") continue;
    const owners = new Set<string>();
    for (const rule of policy.approvals) {
      if (rule.environments && !rule.environments.includes(environment)) continue;
      if (rule.kinds && !rule.kinds.includes(c.kind)) continue;
      const owner = ((c.after ?? c.before) as { owner?: unknown } | undefined)?.owner;
      if (rule.owners && typeof owner === "string") owners.add(owner);
      for (const t of rule.teams ?? []) owners.add(t);
    }
    if (owners.size === 0) continue;
    const list = [...owners].sort();
    out.push({ address: c.address, owners: list, approvers: Object.fromEntries(list.map((o) => [o, identitiesOf(o, stack)])) });
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
