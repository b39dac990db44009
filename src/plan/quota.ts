import { diag, type Diagnostic } from "../diagnostics";
import { canonicalJson, type Resource } from "../model";
import type { Quota } from "../provider";
import { paceSeconds } from "../provider/sliding-window";
import { changeKey, type Plan, type PlanStep, type ResourceChange } from "./types";

export const QUOTA_CODE = "plan/quota";

/** What one quota costs a plan: the numbers behind its `plan/quota` diagnostic (`detail`). */
export interface QuotaUse {
  quota: string;
  /** The plan's operations it counts. */
  count: number;
  perSecond?: number;
  perMinute?: number;
  perDay?: number;
  remainingToday?: number;
  /** How many of them fit in what is left of today's allowance. */
  today: number;
  /** Days the apply needs: 1 when today's allowance has room for all of them. */
  days: number;
  /** From the first to the last of today's share at the allowed pace, with the quotas that share it. */
  seconds: number;
  /** The other quotas whose operations this plan makes at the same pace. */
  sharedWith?: string[];
}

type Operation = Quota["applies"][number]["action"];

/** The platform operation a step makes: the new half of a replace creates; an adoption that updates, updates. */
function operationOf(s: PlanStep, c: ResourceChange): Operation | undefined {
  if (s.phase === "create" || s.phase === "update") return s.phase;
  // A delete without an id only forgets what is already gone.
  if (s.phase === "delete") return c.id ? "delete" : undefined;
  if (s.phase === "adopt" && c.reasons.some((r) => r.code === "update-after-adopt")) return "update";
  return undefined;
}

const matches = (where: Record<string, unknown> | undefined, spec: Resource["spec"] | undefined): boolean =>
  Object.entries(where ?? {}).every(([k, v]) => canonicalJson((spec as Record<string, unknown> | undefined)?.[k] ?? null) === canonicalJson(v));

/**
 * What the plan's quota-limited operations cost: how many of each quota, how
 * many fit in what is left today, and the time they take at the allowed pace
 * (quotas of one pace share its windows, so each pays for the others' time).
 */
export function quotaUses(plan: Pick<Plan, "changes" | "steps">, quotas: readonly Quota[]): QuotaUse[] {
  const changes = new Map(plan.changes.map((c) => [changeKey(c), c]));
  const ops = plan.steps.flatMap((s) => {
    const c = changes.get(s.change)!;
    const op = operationOf(s, c);
    return op ? [{ c, op, spec: op === "delete" ? c.before : c.after }] : [];
  });
  const counted = quotas.map((q) => {
    const count = ops.filter(({ c, op, spec }) => q.applies.some((a) => a.kind === c.kind && a.action === op && matches(a.where, spec))).length;
    return { q, count, today: Math.min(count, q.remainingToday ?? q.perDay ?? count) };
  });
  const pacedWith = (q: Quota) => counted.filter((x) => x.count > 0 && (x.q === q || (q.pace !== undefined && x.q.pace === q.pace)));
  return counted.filter((x) => x.count > 0).map(({ q, count, today }) => {
    const left = q.remainingToday ?? q.perDay;
    const days = left === undefined || count <= left ? 1 : 1 + Math.ceil((count - left) / (q.perDay ?? count));
    const shared = pacedWith(q);
    const others = shared.filter((x) => x.q !== q).map((x) => x.q.name);
    return {
      quota: q.name, count,
      ...(q.perSecond !== undefined ? { perSecond: q.perSecond } : {}),
      ...(q.perMinute !== undefined ? { perMinute: q.perMinute } : {}),
      ...(q.perDay !== undefined ? { perDay: q.perDay } : {}),
      ...(q.remainingToday !== undefined ? { remainingToday: q.remainingToday } : {}),
      today, days,
      seconds: paceSeconds(shared.reduce((n, x) => n + x.today, 0), q),
      ...(others.length ? { sharedWith: others } : {}),
    };
  });
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function duration(seconds: number): string {
  const minutes = Math.max(1, Math.ceil((seconds + 1) / 60));
  return minutes < 120 ? plural(minutes, "minute") : plural(Math.ceil(minutes / 60), "hour");
}

/** "37 flow creates: 15 per minute, 100 per day — this apply needs 3 minutes", or how many days past today's allowance. */
export function quotaWords(u: QuotaUse): string {
  const what = plural(u.count, u.quota.replace(/s$/, ""), u.quota);
  const rate = [u.perMinute ? `${u.perMinute} per minute` : u.perSecond ? `${u.perSecond} per second` : "", u.perDay ? `${u.perDay} per day` : ""].filter(Boolean).join(", ");
  const shared = u.sharedWith ? ` (at one pace with the ${u.sharedWith.join(" and the ")})` : "";
  const cost = u.days === 1
    ? `this apply needs ${duration(u.seconds)}${shared}`
    : `${u.today || "none"} fit in what is left today, so this apply needs ${plural(u.days, "day")}: it stops at the daily cap and the next day's apply continues`;
  return `${what}${rate ? `: ${rate}` : ""} — ${cost}`;
}

/** One `plan/quota` diagnostic per quota the plan uses: a note, or a warning when the apply needs more than today. */
export function quotaDiagnostics(plan: Pick<Plan, "changes" | "steps">, quotas: readonly Quota[]): Diagnostic[] {
  // A quota the apply never waits for (everything fits in the first window, today) is not news.
  return quotaUses(plan, quotas).filter((u) => u.days > 1 || u.seconds >= 1).map((u) => diag(QUOTA_CODE, u.days > 1 ? "warning" : "info", quotaWords(u), { detail: { ...u } }));
}
