import type { SubscriptionTypeSpec } from "../../src/model";
import type { CallContext } from "../../src/provider/types";
import { unsupported, type HubSpotEnv, type KindOps } from "./kind";
import { compact } from "./mapping";

/** Subscription types <-> communication preference definitions (read-only in HubSpot's API). */

export interface HsDefinition {
  id: string;
  name: string;
  description?: string;
  purpose?: string;
  communicationMethod?: string;
  isActive?: boolean;
  isDefault?: boolean;
  isInternal?: boolean;
}

const BASE = "/communication-preferences/v3/definitions";
export const SUBSCRIPTIONS_UI = "HubSpot > Settings > Marketing > Email > Subscriptions";

const CHANNELS: Record<string, SubscriptionTypeSpec["channel"]> = { EMAIL: "email", SMS: "sms" };

function purposeOf(d: HsDefinition): SubscriptionTypeSpec["purpose"] {
  const p = (d.purpose ?? "").toLowerCase();
  if (/service|transactional|operational/.test(p)) return "transactional";
  if (/marketing/.test(p)) return "marketing";
  return undefined;
}

export const toSubscriptionSpec = (d: HsDefinition): SubscriptionTypeSpec =>
  compact({ channel: CHANNELS[(d.communicationMethod ?? "EMAIL").toUpperCase()] ?? "email", description: d.description || undefined, purpose: purposeOf(d) });

/** Active definitions on a channel Mops models (email, SMS), by id. */
export async function allDefinitions(env: HubSpotEnv, ctx: CallContext): Promise<HsDefinition[]> {
  const res = await env.client.get<{ subscriptionDefinitions?: HsDefinition[]; results?: HsDefinition[] }>(BASE, undefined, ctx.signal);
  return (res.subscriptionDefinitions ?? res.results ?? [])
    .filter((d) => d.isActive !== false && (CHANNELS[(d.communicationMethod ?? "EMAIL").toUpperCase()] !== undefined))
    .sort((a, b) => String(a.id).localeCompare(String(b.id), "en", { numeric: true }));
}

export const subscriptionTypes: KindOps<"subscription_type"> = {
  async list(env, ctx) {
    const defs = await allDefinitions(env, ctx);
    const names = env.names.name("subscription_type", defs.map((d) => ({ id: String(d.id), display: d.name })), ctx);
    return defs.map((d, i) => ({ kind: "subscription_type", id: String(d.id), name: names[i], spec: toSubscriptionSpec(d) }));
  },
  async read(env, id, ctx) {
    return (await subscriptionTypes.list(env, ctx)).find((s) => s.id === id);
  },
  create: (_env, r) => unsupported("subscription_type", "create", `create subscription type "${r.name}" in ${SUBSCRIPTIONS_UI}, then plan again`),
  update: (_env, r) => unsupported("subscription_type", "change", `edit subscription type "${r.name}" in ${SUBSCRIPTIONS_UI}`),
  delete: () => unsupported("subscription_type", "delete", `archive it in ${SUBSCRIPTIONS_UI}`),
  /** HubSpot has no opt-in default per type through its API (double opt-in is an account setting). */
  normalize: (r) => ({ ...r, spec: compact({ ...r.spec, default: undefined }) }),
};
