import type { Quota } from "../../src/provider/types";
import type { Pacer } from "./pacer";
import { DAILY_CAPS, limitOf, type DailyOperation } from "./rates";

/**
 * The write quotas a plan counts its operations against (flow and segment
 * creates: 1/s, 15/min, 100/day per account; segment updates likewise; list
 * creates 10/s, 150/min, 150/day), with what this process has left of the
 * last 24 hours: Klaviyo reports no daily remainder, so Mops counts. The plan
 * turns them into time (src/plan/quota.ts).
 */

/** The request each daily-capped operation is, and the planned operations that make it. */
const OPERATIONS: Record<DailyOperation, { endpoint: [string, string]; applies: Quota["applies"] }> = {
  // A workflow replace creates a flow (drain-then-swap): the plan counts its create step.
  "flow-create": { endpoint: ["POST", "/api/flows"], applies: [{ kind: "workflow", action: "create" }] },
  "segment-create": { endpoint: ["POST", "/api/segments"], applies: [{ kind: "segment", action: "create", where: { type: "dynamic" } }] },
  "segment-update": { endpoint: ["PATCH", "/api/segments/x"], applies: [{ kind: "segment", action: "update", where: { type: "dynamic" } }] },
  // A static segment is a Klaviyo list.
  "list-create": { endpoint: ["POST", "/api/lists"], applies: [{ kind: "segment", action: "create", where: { type: "static" } }] },
};

export function quotas(pacer: Pacer, now = pacer.clock.now()): Quota[] {
  return (Object.keys(DAILY_CAPS) as DailyOperation[]).map((op) => {
    const { rateClass } = limitOf(...OPERATIONS[op].endpoint);
    const cap = DAILY_CAPS[op];
    return {
      name: cap.label, applies: OPERATIONS[op].applies, perSecond: rateClass.burst, perMinute: rateClass.steady, perDay: cap.perDay,
      remainingToday: pacer.counter(op).remaining(now),
      // Endpoints of one rate class share its windows (pacer.ts).
      pace: rateClass.name,
    };
  });
}
