import type { SubscriptionTypeSpec } from "../../src/model";
import type { LiveObject } from "../../src/provider/types";
import { byId, compact, manualOnly, type BrazeEnv, type KindOps } from "./kind";
import { EMAIL_GLOBAL, PUSH_GLOBAL, orderedMessages } from "./messages";
import type { BrazeMessage } from "./exports";

/**
 * Subscription types <- Braze's consent: the global email and push
 * subscription states every message of those channels honours, and the
 * subscription groups. Braze's API cannot list, create or change groups
 * (braze-docs `_docs/_api/endpoints/subscription_groups/**` only reads and
 * sets a user's status), so groups are the ones named in the provider
 * settings (`subscription_groups`, ids copied from the dashboard) and the
 * ones SMS and WhatsApp messages name (`subscription_group_id`).
 */

export const GROUPS_UI = "Audience > Subscriptions";

const GLOBALS: { id: string; name: string; spec: SubscriptionTypeSpec }[] = [
  { id: "global:email", name: EMAIL_GLOBAL, spec: { channel: "email", purpose: "marketing", default: "opt_out", description: "Braze's global email subscription state: email goes to subscribed or opted-in users" } },
  { id: "global:push", name: PUSH_GLOBAL, spec: { channel: "push", purpose: "marketing", default: "opt_out", description: "Braze's global push subscription state: push goes to subscribed or opted-in users" } },
];

const named = (m: BrazeMessage): string | undefined => (typeof m.subscription_group_id === "string" && m.subscription_group_id ? m.subscription_group_id : undefined);

/** Group ids the live messages name, with their channel. */
async function namedByMessages(env: BrazeEnv, signal?: AbortSignal): Promise<Map<string, SubscriptionTypeSpec["channel"]>> {
  const [canvases, campaigns] = await Promise.all([env.exports.canvases.all(signal), env.exports.campaigns.all(signal)]);
  const messages = [
    ...canvases.flatMap((c) => (c.details.steps ?? []).flatMap((s) => orderedMessages(s.messages))),
    ...campaigns.flatMap((c) => orderedMessages(c.details.messages)),
  ];
  const out = new Map<string, SubscriptionTypeSpec["channel"]>();
  for (const [, m] of messages) {
    const id = named(m);
    if (id !== undefined) out.set(id, m.channel === "email" ? "email" : "sms");
  }
  return out;
}

export const subscriptionTypes: KindOps<"subscription_type"> = {
  async list(env, ctx) {
    const configured = [...env.settings.subscriptionGroups];
    const seen = await namedByMessages(env, ctx.signal);
    const groups = [
      ...configured.map(([name, g]) => ({ id: `group:${g.id}`, display: name, spec: { channel: g.channel } as SubscriptionTypeSpec })),
      ...[...seen].filter(([id]) => !configured.some(([, g]) => g.id === id))
        .map(([id, channel]) => ({ id: `group:${id}`, display: `subscription group ${id}`, spec: { channel } as SubscriptionTypeSpec })),
    ].sort(byId((g) => g.id));
    const items = [...GLOBALS.map((g) => ({ id: g.id, display: g.name, spec: g.spec })), ...groups];
    const names = env.names.assign("subscription_type", items, ctx);
    return items.map((it, i): LiveObject<"subscription_type"> => ({ kind: "subscription_type", id: it.id, name: names[i]!, spec: it.spec }));
  },
  read: async (env, id, ctx) => (await subscriptionTypes.list(env, ctx)).find((s) => s.id === id),
  create: (env, r) => manualOnly("subscription_type", "create", `create subscription group "${r.name}" in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${GROUPS_UI}, then add its id under \`subscription_groups\` in the provider settings`),
  update: (env, r) => manualOnly("subscription_type", "change", `edit subscription group "${r.name}" in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${GROUPS_UI}`),
  delete: (env) => manualOnly("subscription_type", "delete", `archive it in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${GROUPS_UI}`),
  /** A group is its id and channel in Braze's API; purpose, default and description are the stack's (the globals' are fixed). */
  normalize: (r) => {
    const global = GLOBALS.find((g) => g.name === r.name);
    return { ...r, spec: global ? global.spec : compact({ channel: r.spec.channel }) };
  },
};
