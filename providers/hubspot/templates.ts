import { address, toResourceName, type TemplateSpec } from "../../src/model";
import type { LiveObject } from "../../src/provider/types";
import { orUndefined, refuseOnErrors, type HubSpotEnv, type KindOps } from "./kind";
import { fromHubL, toHubL } from "./hubl";
import { compact, Issues, refId } from "./mapping";

/**
 * Templates <-> Marketing Emails v3. The body is the email's main rich-text
 * module and the preheader its preview-text widget (the module names HubSpot's
 * drag-and-drop emails use; other modules are kept untouched on update).
 */

export interface HsEmail {
  id: string;
  name: string;
  subject?: string;
  from?: { fromName?: string; replyTo?: string; customReplyTo?: string };
  content?: {
    widgets?: Record<string, { body?: { html?: string; value?: string; [k: string]: unknown }; [k: string]: unknown }>;
    plainTextVersion?: string;
    [k: string]: unknown;
  };
  to?: { limitSendFrequency?: boolean; [k: string]: unknown };
  /** The subscription type the email is sent under: HubSpot keeps it here, not on the workflow's send action. */
  subscriptionDetails?: { subscriptionId?: string | number; [k: string]: unknown };
  archived?: boolean;
  state?: string;
  [k: string]: unknown;
}

const BASE = "/marketing/v3/emails";
const BODY = "primary_rich_text_module";
const PREVIEW = "preview_text";
/** An email without a rich-text module (a coded template) still needs a body in the neutral model. */
export const NO_BODY = "<!-- this HubSpot email has no rich-text module; its content is managed in HubSpot -->";

export function toTemplateSpec(e: HsEmail): TemplateSpec {
  const w = e.content?.widgets ?? {};
  const text = (s: string | undefined) => (s ? fromHubL(s) : undefined);
  return compact({
    channel: "email" as const,
    subject: text(e.subject),
    preheader: text(w[PREVIEW]?.body?.value),
    from_name: e.from?.fromName || undefined,
    body: text(w[BODY]?.body?.html || e.content?.plainTextVersion) ?? NO_BODY,
  });
}

/**
 * The email fields Mops owns, merged over the live email's content so module
 * metadata HubSpot needs to render is never dropped. `limitSendFrequency` puts
 * the email under the account's send-frequency cap unless a cap exempts it.
 */
function emailBody(spec: TemplateSpec, prior: HsEmail | undefined, limitSendFrequency: boolean) {
  const widgets = { ...(prior?.content?.widgets ?? {}) };
  widgets[BODY] = { ...widgets[BODY], body: { ...widgets[BODY]?.body, html: toHubL(spec.body) } };
  if (spec.preheader !== undefined) widgets[PREVIEW] = { ...widgets[PREVIEW], body: { ...widgets[PREVIEW]?.body, value: toHubL(spec.preheader) } };
  return compact({
    subject: spec.subject === undefined ? undefined : toHubL(spec.subject),
    from: { ...prior?.from, fromName: spec.from_name },
    content: { ...prior?.content, widgets },
    to: { ...prior?.to, limitSendFrequency },
  });
}

function check(r: { name: string; spec: TemplateSpec }): Issues {
  const issues = new Issues(address("template", r.name));
  if (r.spec.channel !== "email") {
    issues.error("unsupported-channel", `HubSpot's API manages marketing email only, not ${r.spec.channel} templates`, "keep this template on a platform that sends on that channel");
  }
  return issues;
}

/** Also remembers the email's subscription type: workflows read it onto their send steps. */
function live(env: HubSpotEnv, e: HsEmail, name: string): LiveObject<"template"> {
  const sub = e.subscriptionDetails?.subscriptionId;
  if (sub === undefined || sub === null || sub === "") env.names.emailSubscriptions.delete(String(e.id));
  else env.names.emailSubscriptions.set(String(e.id), String(sub));
  return { kind: "template", id: String(e.id), name, spec: toTemplateSpec(e) };
}

/**
 * `capExempt`: the email stays outside the send-frequency cap. `subscriptionOf`:
 * the subscription type the stack's sends of this template name, which a new
 * email is created under.
 */
export function createTemplates(capExempt: (templateName: string) => boolean, subscriptionOf: (templateName: string) => string | undefined): KindOps<"template"> {
  const ops: KindOps<"template"> = {
    async list(env, ctx) {
      const emails = (await env.client.getAll<HsEmail>(`${BASE}/`, { archived: false }, ctx.signal))
        .filter((e) => !e.archived)
        .sort((a, b) => String(a.id).localeCompare(String(b.id), "en", { numeric: true }));
      const names = env.names.name("template", emails.map((e) => ({ id: String(e.id), display: e.name })), ctx);
      env.names.emailSubscriptions.clear();
      return emails.map((e, i) => live(env, e, names[i]));
    },

    async read(env, id, ctx) {
      const e = await orUndefined(env.client.get<HsEmail>(`${BASE}/${id}`, undefined, ctx.signal));
      return e && live(env, e, env.names.refs(ctx).name("template", id) ?? toResourceName(e.name));
    },

    async create(env, r, ctx) {
      const issues = check(r);
      const subscription = subscriptionOf(r.name);
      if (subscription !== undefined) await env.names.ensure(["subscription_type"], ctx);
      const subscriptionId = subscription === undefined ? undefined : refId(env.names.refs(ctx), issues, "subscription_type", subscription);
      refuseOnErrors(issues);
      const body = compact({
        name: r.name,
        subcategory: "automated",
        ...emailBody(r.spec, undefined, !capExempt(r.name)),
        subscriptionDetails: subscriptionId === undefined ? undefined : { subscriptionId },
      });
      const e = await env.client.post<HsEmail>(`${BASE}/`, body, ctx.signal);
      env.names.add("template", String(e.id), r.name);
      return live(env, e, r.name);
    },

    async update(env, r, prior, ctx) {
      refuseOnErrors(check(r));
      const now = await env.client.get<HsEmail>(`${BASE}/${prior.id}`, undefined, ctx.signal);
      const body = { ...emailBody(r.spec, now, !capExempt(r.name)), ...(prior.name !== r.name ? { name: r.name } : {}) };
      const e = await env.client.patch<HsEmail>(`${BASE}/${prior.id}`, body, ctx.signal);
      env.names.add("template", prior.id, r.name);
      return live(env, e, r.name);
    },

    async delete(env, id, ctx) {
      await orUndefined(env.client.delete(`${BASE}/${id}`, ctx.signal));
      env.names.remove("template", id);
    },

    normalize(r) {
      if (r.spec.channel !== "email") return r;
      return { ...r, spec: toTemplateSpec({ id: "", name: r.name, ...emailBody(r.spec, undefined, true) }) };
    },

    check: (r) => check(r).list,
  };
  return ops;
}
