import type { Channel, Step, TemplateSpec } from "../../src/model";
import type { BrazeMessage } from "./exports";
import { compact } from "./kind";
import { fromLiquid } from "./liquid";

/**
 * Canvas and campaign messages. Braze copies content into each message (a
 * template is a starting point, not a reference), so every message reads as
 * a template of its own, tagged `braze:message`, that the send step names.
 */

export const MESSAGE_TAG = "braze:message";

/** Braze message channels (campaign details "channel") -> neutral channels; webhooks become webhook steps. */
const CHANNELS: Record<string, Channel> = {
  email: "email",
  ios_push: "push", android_push: "push", web_push: "push", kindle_push: "push", push: "push",
  sms: "sms",
  // WhatsApp is phone messaging under a subscription group, like SMS: the consent checks treat it so.
  whats_app: "sms",
  in_app_message: "in_app", trigger_in_app_message: "in_app", "in-app_message": "in_app",
  content_cards: "in_app", content_card: "in_app", banner: "in_app",
  webhook: "webhook",
};

export const channelOf = (m: BrazeMessage): Channel | undefined => (m.type === "control" ? undefined : CHANNELS[m.channel]);

/** A message with no text Braze exports (a survey, a visual-editor card) still needs a body in the neutral model. */
export const NO_TEXT = "(no text in Braze's export: this message is built in Braze's editor)";

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? fromLiquid(v) : undefined);

export function messageTemplate(m: BrazeMessage, channel: Exclude<Channel, "webhook">): TemplateSpec {
  const body = channel === "push" ? m.alert ?? m.body : m.body;
  return compact({
    channel,
    subject: text(channel === "email" ? m.subject : channel === "push" ? m.title : channel === "in_app" ? m.header : undefined),
    preheader: channel === "email" ? text(m.preheader) : undefined,
    body: text(body) ?? NO_TEXT,
    tags: [MESSAGE_TAG],
  });
}

/** The template id of a message: its parent and its message variation id. */
export const messageId = (parent: "canvas" | "campaign", parentId: string, variationId: string): string => `${parent}:${parentId}:${variationId}`;

/** The neutral step for one message, given the name of its message template. */
export function messageStep(m: BrazeMessage, template: (variationId: string) => string | undefined, variationId: string, subscriptionType: (groupId: string) => string): Step | undefined {
  const channel = channelOf(m);
  if (channel === undefined) return undefined;
  if (channel === "webhook") {
    const said = String(m.method ?? "POST").toUpperCase();
    const method: "GET" | "PUT" | "POST" = said === "GET" || said === "PUT" ? said : "POST";
    return { type: "webhook", url: typeof m.url === "string" && m.url ? m.url : "(unset)", method };
  }
  const name = template(variationId);
  if (name === undefined) return undefined;
  const group = typeof m.subscription_group_id === "string" && m.subscription_group_id ? subscriptionType(m.subscription_group_id) : undefined;
  return compact({ type: "send" as const, channel, template: name, subscription_type: group ?? implicitSubscription(channel) });
}

/**
 * Braze's global subscription states stand for consent where a message names
 * no group: an email goes to subscribed or opted-in users, a push to users
 * who allowed push. SMS and WhatsApp must name their group; in-app messages
 * need none.
 */
export const EMAIL_GLOBAL = "email_global";
export const PUSH_GLOBAL = "push_global";
export function implicitSubscription(channel: Channel): string | undefined {
  return channel === "email" ? EMAIL_GLOBAL : channel === "push" ? PUSH_GLOBAL : undefined;
}

/** Message variations in a stable order: by channel, then id. */
export function orderedMessages(messages: Record<string, BrazeMessage> | undefined): [string, BrazeMessage][] {
  return Object.entries(messages ?? {}).sort(([a, ma], [b, mb]) => ma.channel.localeCompare(mb.channel) || a.localeCompare(b));
}
