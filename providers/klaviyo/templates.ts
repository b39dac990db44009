import { address, toResourceName, type Resource, type TemplateSpec } from "../../src/model";
import type { CallContext, LiveObject } from "../../src/provider/types";
import type { Resource as KResource } from "./client";
import { orUndefined, refuseOnErrors, type KindOps, type KlaviyoEnv } from "./kind";
import { compact, Issues, klaviyoId } from "./mapping";

/**
 * Templates <-> Klaviyo CODE templates, and universal content blocks.
 *
 * - An email template is a CODE template: `body` is its HTML. Klaviyo keeps
 *   subject, preview text and sender name on each flow message, not on the
 *   template, so Mops keeps them in a comment at the top of the HTML
 *   (`<!-- mops {"subject":…} -->`, invisible to recipients) and copies them
 *   onto every send-email action that sends the template.
 * - An SMS template is a CODE template whose `text` is the message (Klaviyo's
 *   templates API makes no SMS templates; flows copy the text into send-sms).
 * - A template tagged `universal_content` is a universal content block (an
 *   HTML block; with the tag `text_block` too, a text block): reusable content
 *   that email templates include, with no subject of its own.
 */

export const TEMPLATE_PAGE = 10;
export const UNIVERSAL_PAGE = 100;
export const UNIVERSAL = "universal_content";
export const TEXT_BLOCK = "text_block";

interface TemplateAttributes {
  name: string;
  editor_type: string;
  html?: string | null;
  text?: string | null;
}
interface UniversalAttributes {
  name: string;
  definition?: { content_type?: string; type?: string; data?: { content?: string } } | null;
}

const isUniversal = (spec: Pick<TemplateSpec, "tags">) => spec.tags?.includes(UNIVERSAL) ?? false;
const HEADER = /^<!-- mops (\{.*?\}) -->\n?/;

/** Neutral merge fields `{{ first_name | default: "there" }}` <-> Klaviyo's `{{ first_name|default:"there" }}`. */
export const toKlaviyoMerge = (s: string) => s.replace(/\{\{\s*([\w.$]+)\s*\|\s*default:\s*/g, "{{ $1|default:");
export const fromKlaviyoMerge = (s: string) => s.replace(/\{\{\s*([\w.$]+)\|default:/g, "{{ $1 | default: ");

interface Header {
  channel?: "sms";
  subject?: string;
  preheader?: string;
  from_name?: string;
}

/** The template fields a CODE template carries, as Klaviyo's create/update attributes. */
export function templateAttributes(spec: TemplateSpec): { html: string; text?: string } {
  const header: Header = spec.channel === "sms"
    ? { channel: "sms" }
    : compact({ subject: spec.subject && toKlaviyoMerge(spec.subject), preheader: spec.preheader && toKlaviyoMerge(spec.preheader), from_name: spec.from_name });
  const top = Object.keys(header).length ? `<!-- mops ${JSON.stringify(header)} -->\n` : "";
  if (spec.channel === "sms") return { html: top, text: toKlaviyoMerge(spec.body) };
  return { html: `${top}${toKlaviyoMerge(spec.body)}` };
}

export function fromTemplate(a: Pick<TemplateAttributes, "html" | "text">): TemplateSpec {
  const html = a.html ?? "";
  const m = HEADER.exec(html);
  let header: Header = {};
  try {
    header = m ? (JSON.parse(m[1]!) as Header) : {};
  } catch {
    header = {};
  }
  const rest = m ? html.slice(m[0].length) : html;
  if (header.channel === "sms") return { channel: "sms", body: fromKlaviyoMerge(a.text ?? "") };
  return compact({
    channel: "email" as const,
    subject: header.subject && fromKlaviyoMerge(header.subject),
    preheader: header.preheader && fromKlaviyoMerge(header.preheader),
    from_name: header.from_name,
    body: fromKlaviyoMerge(rest),
  });
}

function blockDefinition(spec: TemplateSpec) {
  const text = spec.tags?.includes(TEXT_BLOCK) ?? false;
  return {
    content_type: "block",
    type: text ? "text" : "html",
    data: { content: toKlaviyoMerge(spec.body), display_options: {}, ...(text ? { styles: {} } : {}) },
  };
}

function fromUniversal(a: UniversalAttributes): TemplateSpec | undefined {
  const d = a.definition;
  if (d?.content_type !== "block" || (d.type !== "html" && d.type !== "text")) return undefined;
  return { channel: "email", body: fromKlaviyoMerge(d.data?.content ?? ""), tags: d.type === "text" ? [TEXT_BLOCK, UNIVERSAL] : [UNIVERSAL] };
}

function check(r: Resource<"template">): Issues {
  const issues = new Issues(address("template", r.name));
  const s = r.spec;
  if (s.channel !== "email" && s.channel !== "sms") {
    issues.error("unsupported-channel", ["channel"], `Klaviyo flows send email and SMS through Mops, not ${s.channel}`, "keep this template on a platform that sends on that channel");
  }
  if (isUniversal(s)) {
    if (s.channel !== "email") issues.error("universal-content-channel", ["channel"], "universal content blocks are email content");
    for (const k of ["subject", "preheader", "from_name"] as const) {
      if (s[k] !== undefined) issues.warn("universal-content-field", [k], `a universal content block has no ${k}; it is not written`);
    }
  }
  if (s.channel === "sms" && (s.subject || s.preheader || s.from_name)) issues.warn("sms-fields", undefined, "an SMS has no subject, preheader or sender name; they are not written");
  if (s.url !== undefined) issues.warn("template-url", ["url"], "`url` is for webhook templates; it is not written");
  return issues;
}

type Listed = { id: string; display: string; spec: TemplateSpec };

async function listAll(env: KlaviyoEnv, ctx: CallContext): Promise<Listed[]> {
  const [templates, universal] = await Promise.all([
    env.client.getAll<TemplateAttributes>("/api/templates", {}, TEMPLATE_PAGE, ctx.signal),
    env.client.getAll<UniversalAttributes>("/api/template-universal-content", {}, UNIVERSAL_PAGE, ctx.signal),
  ]);
  // Drag-and-drop templates are edited in Klaviyo's editor; Mops manages coded ones.
  const coded = templates.data.filter((t) => t.attributes.editor_type === "CODE").map((t) => ({ id: t.id, display: t.attributes.name, spec: fromTemplate(t.attributes) }));
  const blocks = universal.data.flatMap((u) => {
    const spec = fromUniversal(u.attributes);
    return spec ? [{ id: `universal:${u.id}`, display: u.attributes.name, spec }] : [];
  });
  const byId = (a: Listed, b: Listed) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...coded.sort(byId), ...blocks.sort(byId)];
}

const live = (id: string, name: string, spec: TemplateSpec): LiveObject<"template"> => ({ kind: "template", id, name, spec });

export const templates: KindOps<"template"> = {
  async list(env, ctx) {
    const all = await listAll(env, ctx);
    const names = env.names.name("template", all, ctx);
    return all.map((t, i) => live(t.id, names[i]!, t.spec));
  },

  async read(env, id, ctx) {
    const name = (display: string) => env.names.refs(ctx).name("template", id) ?? toResourceName(display);
    if (id.startsWith("universal:")) {
      const res = await orUndefined(env.client.get<{ data: KResource<UniversalAttributes> }>(`/api/template-universal-content/${klaviyoId(id)}`, undefined, ctx.signal));
      const spec = res && fromUniversal(res.data.attributes);
      return res && spec && live(id, name(res.data.attributes.name), spec);
    }
    const res = await orUndefined(env.client.get<{ data: KResource<TemplateAttributes> }>(`/api/templates/${id}`, undefined, ctx.signal));
    return res && live(id, name(res.data.attributes.name), fromTemplate(res.data.attributes));
  },

  async create(env, r, ctx) {
    refuseOnErrors(check(r));
    let id: string;
    if (isUniversal(r.spec)) {
      const body = { data: { type: "template-universal-content", attributes: { name: r.name, definition: blockDefinition(r.spec) } } };
      id = `universal:${(await env.client.post<{ data: KResource }>("/api/template-universal-content", body, ctx.signal)).data.id}`;
    } else {
      const body = { data: { type: "template", attributes: { name: r.name, editor_type: "CODE", ...templateAttributes(r.spec) } } };
      id = (await env.client.post<{ data: KResource }>("/api/templates", body, ctx.signal)).data.id;
    }
    env.names.add("template", id, r.name);
    return live(id, r.name, templates.normalize(r).spec);
  },

  async update(env, r, prior, ctx) {
    refuseOnErrors(check(r));
    const rename = prior.name !== r.name ? { name: r.name } : {};
    if (prior.id.startsWith("universal:")) {
      const id = klaviyoId(prior.id);
      const body = { data: { type: "template-universal-content", id, attributes: { ...rename, definition: blockDefinition(r.spec) } } };
      await env.client.patch(`/api/template-universal-content/${id}`, body, ctx.signal);
    } else {
      const body = { data: { type: "template", id: prior.id, attributes: { ...rename, ...templateAttributes(r.spec) } } };
      await env.client.patch(`/api/templates/${prior.id}`, body, ctx.signal);
    }
    env.names.add("template", prior.id, r.name);
    return live(prior.id, r.name, templates.normalize(r).spec);
  },

  async delete(env, id, ctx) {
    const path = id.startsWith("universal:") ? `/api/template-universal-content/${klaviyoId(id)}` : `/api/templates/${id}`;
    await orUndefined(env.client.delete(path, ctx.signal));
    env.names.remove("template", id);
  },

  normalize(r) {
    const s = r.spec;
    if (s.channel !== "email" && s.channel !== "sms") return r;
    if (isUniversal(s)) return { ...r, spec: fromUniversal({ name: r.name, definition: blockDefinition(s) })! };
    // Klaviyo templates carry no tags.
    return { ...r, spec: fromTemplate(templateAttributes(s)) };
  },

  check: (r) => check(r).list,
};
