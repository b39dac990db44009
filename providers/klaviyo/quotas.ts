import type { Kind, Resource } from "../../src/model";
import { SlidingWindow, type Pacer } from "./pacer";
import { DAILY_CAPS, limitOf, type DailyOperation, type RateClass } from "./rates";

/**
 * The write quotas a plan counts its operations against (flow and segment
 * creates: 1/s, 15/min, 100/day per account; segment updates likewise; list
 * creates 10/s, 150/min, 150/day), and what an apply of N of them costs.
 */

export interface KlaviyoQuota {
  name: string;
  applies: { kind: Kind; action: "create" | "update" | "delete" }[];
  perSecond: number;
  perMinute: number;
  perDay: number;
  /** What this process has left of the last 24 hours (Klaviyo reports no daily remainder: Mops counts). */
  remainingToday: number;
  operation: DailyOperation;
  /** Operations of one rate class share its windows, and so their time. */
  rateClass: RateClass["name"];
}

const ENDPOINT: Record<DailyOperation, [string, string]> = {
  "flow-create": ["POST", "/api/flows"],
  "segment-create": ["POST", "/api/segments"],
  "segment-update": ["PATCH", "/api/segments/x"],
  "list-create": ["POST", "/api/lists"],
};
const APPLIES: Record<DailyOperation, KlaviyoQuota["applies"]> = {
  "flow-create": [{ kind: "workflow", action: "create" }],
  "segment-create": [{ kind: "segment", action: "create" }],
  "segment-update": [{ kind: "segment", action: "update" }],
  "list-create": [{ kind: "segment", action: "create" }],
};

export function quotas(pacer: Pacer, now = pacer.clock.now()): KlaviyoQuota[] {
  return (Object.keys(DAILY_CAPS) as DailyOperation[]).map((op) => {
    const [method, path] = ENDPOINT[op];
    const { rateClass } = limitOf(method, path);
    const cap = DAILY_CAPS[op];
    return {
      name: cap.label, applies: APPLIES[op], perSecond: rateClass.burst, perMinute: rateClass.steady, perDay: cap.perDay,
      remainingToday: pacer.counter(op).remaining(now), operation: op, rateClass: rateClass.name,
    };
  });
}

/**
 * The daily-capped Klaviyo operation a planned change makes, if any. A
 * workflow replace is a flow create (drain-then-swap makes a new flow); a
 * static segment is a list.
 */
export function operationOf(kind: Kind, action: "create" | "update" | "replace" | "delete" | string, spec?: Resource["spec"]): DailyOperation | undefined {
  const creates = action === "create" || action === "replace";
  if (kind === "workflow" && creates) return "flow-create";
  if (kind === "segment") {
    const list = (spec as { type?: string } | undefined)?.type === "static";
    if (creates) return list ? "list-create" : "segment-create";
    if (action === "update" && !list) return "segment-update";
  }
  return undefined;
}

export interface QuotaNeed {
  quota: KlaviyoQuota;
  count: number;
  /** Seconds from the first to the last send of this rate class at the allowed pace (all of it, ignoring the day). */
  seconds: number;
  /** Days the apply needs for these (1 when today's remainder covers them). */
  days: number;
  /** How many fit today. */
  today: number;
  words: string;
}

/** Send time of the last of n requests of one rate class at its exact pace. */
export function paceSeconds(rateClass: RateClass, n: number): number {
  if (n <= 0) return 0;
  const w = new SlidingWindow(rateClass, 0);
  let last = 0;
  for (let i = 0; i < n; i++) last = w.reserve(0);
  return last / 1000;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * What a plan says about its quota-limited operations: "37 flow creates: 15
 * per minute, 100 per day — this apply needs 3 minutes", and when they exceed
 * what is left today, how many days.
 */
export function quotaNeeds(counts: Partial<Record<DailyOperation, number>>, qs: readonly KlaviyoQuota[]): QuotaNeed[] {
  const byClass = new Map<string, number>();
  for (const q of qs) byClass.set(q.rateClass, (byClass.get(q.rateClass) ?? 0) + Math.min(counts[q.operation] ?? 0, q.remainingToday));
  return qs.filter((q) => (counts[q.operation] ?? 0) > 0).map((q) => {
    const count = counts[q.operation]!;
    const today = Math.min(count, q.remainingToday);
    const days = count <= q.remainingToday ? 1 : 1 + Math.ceil((count - q.remainingToday) / q.perDay);
    const rc = limitOf(...ENDPOINT[q.operation]).rateClass;
    const seconds = paceSeconds(rc, byClass.get(q.rateClass) ?? today);
    const minutes = Math.max(1, Math.ceil((seconds + 1) / 60));
    const shared = (byClass.get(q.rateClass) ?? 0) > today ? ` (with the other ${q.rateClass}-class writes)` : "";
    const rate = `${q.perMinute} per minute, ${q.perDay} per day`;
    const words = days === 1
      ? `${plural(count, q.name.replace(/s$/, ""), q.name)}: ${rate} — this apply needs ${plural(minutes, "minute")}${shared}`
      : `${plural(count, q.name.replace(/s$/, ""), q.name)}: ${rate} — ${today} fit in what is left today, so this apply needs ${plural(days, "day")}: it stops at the daily cap and the next day's apply continues`;
    return { quota: q, count, seconds, days, today, words };
  });
}
