import type { Kind } from "../../src/model";
import type { BrazeClient } from "./client";

/**
 * The write quotas a plan can count its operations against (the engine's
 * `Provider.quotas`, issue 10). Braze's only write quotas that matter to a
 * plan are SCIM's daily allowance and the preference center writes per
 * minute; every other write shares the 250,000-an-hour default.
 */
export interface BrazeQuota {
  name: string;
  applies: { kind: Kind; action: "create" | "update" | "delete" }[];
  perMinute?: number;
  perDay?: number;
  /** What is left of today's allowance, when Braze said so in its last answer. */
  remainingToday?: number;
}

export function brazeQuotas(client: BrazeClient, now = Date.now()): BrazeQuota[] {
  const scim = client.window("scim");
  return [
    {
      name: "SCIM calls (dashboard users)",
      applies: (["create", "update", "delete"] as const).map((action) => ({ kind: "user" as const, action })),
      perDay: 5_000,
      ...(scim.resetsAt > now ? { remainingToday: scim.left } : {}),
    },
    {
      name: "preference center writes",
      applies: (["create", "update"] as const).map((action) => ({ kind: "template" as const, action })),
      perMinute: 10,
    },
  ];
}
