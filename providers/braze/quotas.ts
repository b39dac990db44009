import type { Quota } from "../../src/provider/types";
import type { BrazeClient } from "./client";

/**
 * The write quotas a plan counts its operations against (`Provider.quotas`).
 * Braze's only write quotas that matter to a plan are SCIM's daily
 * allowance (what is left of it when Braze said so in its last answer) and
 * the preference center writes per minute; every other write shares the
 * 250,000-an-hour default.
 */
export function brazeQuotas(client: BrazeClient, now = client.now()): Quota[] {
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
