import { error, type Diagnostic } from "../../src/diagnostics";
import { address, type Resource } from "../../src/model";
import type { CallContext, LiveObject } from "../../src/provider/types";
import { unsupported, type KindOps } from "./kind";
import { CONSENT_CHANNELS } from "./mapping";

/**
 * Subscription types. Klaviyo has no consent categories: a profile's
 * marketing consent is per channel (email, SMS, push), and topics are lists
 * with an opt-in process. Mops shows each channel's consent as one read-only
 * subscription type (`email_marketing`, `sms_marketing`, `push_marketing`;
 * its id is the channel), which consent conditions name.
 */

export const CONSENT_UI = "Klaviyo has no consent categories, only consent per channel: email, SMS and push consent are collected by sign-up forms and the preference page (Settings > Email > Preference pages; Settings > SMS for SMS consent); topic-like choices are lists (Audience > Lists & segments)";
const CHANNELS = CONSENT_CHANNELS as readonly ("email" | "sms" | "push")[];
export const defaultConsentName = (channel: string) => `${channel}_marketing`;

export function consentObjects(ctx: CallContext, names: (items: { id: string; display: string }[]) => string[]): LiveObject<"subscription_type">[] {
  void ctx;
  const n = names(CHANNELS.map((c) => ({ id: c, display: defaultConsentName(c) })));
  return CHANNELS.map((channel, i) => ({ kind: "subscription_type", id: channel, name: n[i]!, spec: { channel, purpose: "marketing" } }));
}

export function normalizeSubscription(r: Resource<"subscription_type">): Resource<"subscription_type"> {
  return { ...r, spec: { channel: r.spec.channel, purpose: r.spec.purpose ?? "marketing" } };
}

/** A declared subscription type must be a channel's consent: Klaviyo cannot hold another. */
export function consentIssues(r: Resource<"subscription_type">, known: (name: string) => string | undefined): Diagnostic[] {
  const at = address("subscription_type", r.name);
  const channel = known(r.name);
  if (channel === undefined) {
    return [error("klaviyo/consent-per-channel", `${at}: Klaviyo keeps marketing consent per channel, not per subscription type`, {
      address: at,
      hint: `name it \`${defaultConsentName(r.spec.channel)}\` (Klaviyo's ${r.spec.channel} consent), or \`mops import\` to adopt that one under this name. ${CONSENT_UI}`,
    })];
  }
  if (channel !== r.spec.channel) {
    return [error("klaviyo/consent-channel", `${at}: it is Klaviyo's ${channel} consent, not ${r.spec.channel}`, { address: at, hint: `set \`channel: ${channel}\`` })];
  }
  return [];
}

const manual = (r: { name: string }) => unsupported("subscription_type", "create or change", CONSENT_UI.replace(/^/, `subscription_type.${r.name}: `));

export const subscriptionTypes: KindOps<"subscription_type"> = {
  list: async (env, ctx) => {
    env.names.markLoaded("subscription_type");
    return consentObjects(ctx, (items) => env.names.name("subscription_type", items, ctx));
  },
  read: async (env, id, ctx) => consentObjects(ctx, (items) => items.map((it) => env.names.refs(ctx).name("subscription_type", it.id) ?? it.display)).find((o) => o.id === id),
  create: (_env, r) => manual(r),
  update: (_env, r) => manual(r),
  delete: (_env, id) => manual({ name: id }),
  normalize: normalizeSubscription,
};
