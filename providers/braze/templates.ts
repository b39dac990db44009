import { error, warning, type Diagnostic } from "../../src/diagnostics";
import { address, toResourceName, type Resource, type TemplateSpec } from "../../src/model";
import { ProviderError, type LiveObject, type OwnerMark } from "../../src/provider/types";
import { DetailCache } from "./details";
import { compact, manualOnly, type BrazeEnv, type KindOps } from "./kind";
import { fromLiquid, toLiquid } from "./liquid";
import { MESSAGE_TAG, NO_TEXT } from "./messages";
import { readDescription, stampDescription } from "./owner";
import { messageTemplates, type MessageTemplate } from "./workflows";

/**
 * Templates <-> four Braze objects, told apart by a marker tag:
 * email templates (no marker), Content Blocks (`braze:content_block`),
 * preference centers (`braze:preference_center`) and the messages inside
 * Canvases and campaigns (`braze:message`, read-only like their Canvas).
 * Braze's API creates and updates the first three and deletes none of them
 * (braze-docs `_docs/_api/endpoints/templates/**`, `preference_center/**`).
 */

export const CONTENT_BLOCK_TAG = "braze:content_block";
export const PREFERENCE_CENTER_TAG = "braze:preference_center";
const MARKERS = [CONTENT_BLOCK_TAG, PREFERENCE_CENTER_TAG, MESSAGE_TAG];

export type Family = "email_template" | "content_block" | "preference_center" | "message";

/** Ids carry their family, so `read` and `update` know which API to call. */
const FAMILY_OF_PREFIX: Record<string, Family> = {
  email_template: "email_template", content_block: "content_block", preference_center: "preference_center", canvas: "message", campaign: "message",
};
const familyOfId = (id: string): Family | undefined => FAMILY_OF_PREFIX[id.slice(0, id.indexOf(":"))];
const rawId = (id: string) => id.slice(id.indexOf(":") + 1);

export function familyOf(spec: TemplateSpec): Family {
  const tags = spec.tags ?? [];
  if (tags.includes(MESSAGE_TAG)) return "message";
  if (tags.includes(CONTENT_BLOCK_TAG)) return "content_block";
  if (tags.includes(PREFERENCE_CENTER_TAG)) return "preference_center";
  return "email_template";
}

interface BzEmailTemplate {
  email_template_id: string;
  template_name: string;
  description?: string;
  subject?: string;
  preheader?: string;
  body?: string;
  plaintext_body?: string;
  should_inline_css?: boolean;
  tags?: string[];
  created_at?: string;
  updated_at?: string;
}
interface BzContentBlock {
  content_block_id: string;
  name: string;
  content?: string;
  description?: string;
  content_type?: string;
  tags?: string[];
  created_at?: string;
  last_edited?: string;
}
interface BzPreferenceCenter {
  name: string;
  preference_center_api_id: string;
  created_at?: string;
  updated_at?: string;
  preference_center_title?: string;
  preference_center_page_html?: string;
  confirmation_page_html?: string;
  state?: string;
}

/** Braze's tags of a spec (the markers are Mops's), sorted; undefined when none. */
const brazeTags = (tags: readonly string[] | undefined): string[] => [...new Set((tags ?? []).filter((t) => !MARKERS.includes(t)))].sort();
const withMarker = (tags: readonly string[] | undefined, marker?: string): string[] | undefined => {
  const all = [...brazeTags(tags), ...(marker ? [marker] : [])].sort();
  return all.length ? all : undefined;
};
const liquid = (v: string | undefined | null): string | undefined => (v ? fromLiquid(v) : undefined);

export const emailTemplateSpec = (t: BzEmailTemplate): TemplateSpec =>
  compact({ channel: "email", subject: liquid(t.subject), preheader: liquid(t.preheader), body: liquid(t.body) ?? NO_TEXT, tags: withMarker(t.tags) });
/** A Content Block's owner mark is the last line of its description: not part of the spec, so never a difference. */
export const contentBlockSpec = (b: BzContentBlock): TemplateSpec =>
  compact({ channel: "email", description: readDescription(b.description ?? undefined).description, body: liquid(b.content) ?? NO_TEXT, tags: withMarker(b.tags, CONTENT_BLOCK_TAG) });
const contentBlockOwner = (b: BzContentBlock): OwnerMark | undefined => readDescription(b.description ?? undefined).owner;
export const preferenceCenterSpec = (p: BzPreferenceCenter): TemplateSpec =>
  compact({ channel: "email", subject: p.preference_center_title || undefined, body: liquid(p.preference_center_page_html) ?? NO_TEXT, tags: [PREFERENCE_CENTER_TAG] });

/** Braze needs a confirmation page on every preference center; the neutral model has none, so new ones get this one. */
export const DEFAULT_CONFIRMATION_PAGE = "<!doctype html><html><body><p>Your preferences have been saved.</p></body></html>";

export const TEMPLATES_UI = "Templates > Email Templates";
export const BLOCKS_UI = "Templates > Content Blocks";
export const PREFERENCES_UI = "Audience > Subscriptions > Email Preference Center";

/** Braze's limit on a Content Block's description (braze-docs content_blocks/post_create_email_content_block.md). */
const DESCRIPTION_MAX = 250;

/** The description Braze gets: the spec's, with the owner mark as its last line when the engine gives one. */
function blockDescription(r: Resource<"template">, owner: OwnerMark | undefined): string | undefined {
  if (!owner) return r.spec.description;
  const stamped = stampDescription(r.spec.description, owner);
  if (stamped.length >= DESCRIPTION_MAX) {
    const room = DESCRIPTION_MAX - 1 - (stamped.length - (r.spec.description?.length ?? 0));
    throw new ProviderError(error("braze/too-long", `template.${r.name}: with Mops's owner mark as its last line, the description of a Content Block has room for ${room} characters, and it has ${r.spec.description!.length}`, {
      address: address("template", r.name), hint: "shorten `description:`: Braze takes fewer than 250 characters, and Mops keeps which stack made the block in the last line",
    }));
  }
  return stamped;
}

/** What Braze keeps of a declared template, by family (what `list` reads back). */
function asBrazeHolds(spec: TemplateSpec): TemplateSpec {
  const family = familyOf(spec);
  const text = (v: string | undefined) => (v === undefined ? undefined : fromLiquid(toLiquid(v)));
  switch (family) {
    case "email_template":
      return compact({ channel: spec.channel, subject: text(spec.subject), preheader: text(spec.preheader) || undefined, body: text(spec.body)!, tags: withMarker(spec.tags) });
    case "content_block":
      return compact({ channel: spec.channel, description: spec.description || undefined, body: text(spec.body)!, tags: withMarker(spec.tags, CONTENT_BLOCK_TAG) });
    case "preference_center":
      return compact({ channel: spec.channel, subject: spec.subject || undefined, body: text(spec.body)!, tags: [PREFERENCE_CENTER_TAG] });
    case "message":
      return { ...spec, tags: withMarker(spec.tags, MESSAGE_TAG) };
  }
}

export function checkTemplate(r: Resource<"template">): Diagnostic[] {
  const at = address("template", r.name);
  const family = familyOf(r.spec);
  const out: Diagnostic[] = [];
  const drop = (field: string, why: string) => out.push(warning("braze/dropped-field", `${at}: \`${field}\` is not kept: ${why}`, { address: at }));
  if (family === "message") return out;
  if (r.spec.channel !== "email") {
    out.push(error("braze/unsupported-channel", `${at}: Braze's API writes email templates, Content Blocks and preference centers, not ${r.spec.channel} templates`, {
      address: at, hint: "a push, SMS or in-app message lives inside its Canvas or campaign: build it in the Canvas editor",
    }));
  }
  if (r.spec.from_name !== undefined) drop("from_name", "Braze sets the sender on each campaign or Canvas message, not on a template");
  if (r.spec.url !== undefined) drop("url", "only webhooks have a URL");
  if (family === "email_template") {
    if (r.spec.subject === undefined) out.push(error("braze/missing-subject", `${at}: Braze email templates need a subject`, { address: at, hint: "add `subject:`" }));
    if (r.spec.description !== undefined) drop("description", "Braze's API does not write an email template's description");
  } else if (family === "content_block") {
    if (r.spec.subject !== undefined) drop("subject", "a Content Block is a piece of a message, without a subject");
    if (r.spec.preheader !== undefined) drop("preheader", "a Content Block is a piece of a message, without a preheader");
    if ((r.spec.description?.length ?? 0) >= 250) out.push(error("braze/too-long", `${at}: a Content Block description must be shorter than 250 characters`, { address: at }));
  } else {
    if (r.spec.preheader !== undefined) drop("preheader", "a preference center is a page: `subject` is its title, `body` its HTML");
    if (brazeTags(r.spec.tags).length) drop("tags", "preference centers have no tags in Braze");
    if (r.spec.description !== undefined) drop("description", "preference centers have no description in Braze");
  }
  return out;
}

function refuse(r: Resource<"template">): void {
  const errors = checkTemplate(r).filter((d) => d.severity === "error");
  if (errors.length) throw new ProviderError(errors[0]!);
}

export function createTemplates(): KindOps<"template"> & { messages: Map<string, MessageTemplate> } {
  const emailDetails = new DetailCache<BzEmailTemplate>();
  const blockDetails = new DetailCache<BzContentBlock>();
  const centerDetails = new DetailCache<BzPreferenceCenter>();
  /** The Canvas and campaign messages of the last listing, by template id. */
  const lastMessages = new Map<string, MessageTemplate>();

  const live = (id: string, name: string, spec: TemplateSpec, owner?: OwnerMark): LiveObject<"template"> => ({ kind: "template", id, name, spec, ...(owner ? { owner } : {}) });

  async function emailTemplates(env: BrazeEnv, signal?: AbortSignal) {
    const listing = await env.client.offsetPages<BzEmailTemplate>("/templates/email/list", "templates", signal);
    return Promise.all(listing.map((t) => emailDetails.get(t.email_template_id, t.updated_at, () => env.client.get<BzEmailTemplate>("/templates/email/info", { email_template_id: t.email_template_id }, signal))));
  }
  async function contentBlocks(env: BrazeEnv, signal?: AbortSignal) {
    const listing = await env.client.offsetPages<BzContentBlock>("/content_blocks/list", "content_blocks", signal);
    return Promise.all(listing.map((b) => blockDetails.get(b.content_block_id, b.last_edited, () => env.client.get<BzContentBlock>("/content_blocks/info", { content_block_id: b.content_block_id }, signal))));
  }
  async function preferenceCenters(env: BrazeEnv, signal?: AbortSignal) {
    const listing = (await env.client.get<{ preference_centers?: BzPreferenceCenter[] }>("/preference_center/v1/list", undefined, signal)).preference_centers ?? [];
    return Promise.all(listing.map((p) => centerDetails.get(p.preference_center_api_id, p.updated_at, () => env.client.get<BzPreferenceCenter>(`/preference_center/v1/${encodeURIComponent(p.preference_center_api_id)}`, undefined, signal))));
  }

  const ops: KindOps<"template"> & { messages: Map<string, MessageTemplate> } = {
    messages: lastMessages,

    async list(env, ctx) {
      const [templates, blocks, centers, messages] = await Promise.all([
        emailTemplates(env, ctx.signal), contentBlocks(env, ctx.signal), preferenceCenters(env, ctx.signal), messageTemplates(env, ctx.signal),
      ]);
      const items: { id: string; display: string; spec: TemplateSpec; owner?: OwnerMark }[] = [
        ...templates.map((t) => ({ id: `email_template:${t.email_template_id}`, display: t.template_name, spec: emailTemplateSpec(t) })),
        ...blocks.map((b) => ({ id: `content_block:${b.content_block_id}`, display: b.name, spec: contentBlockSpec(b), owner: contentBlockOwner(b) })),
        ...centers.map((p) => ({ id: `preference_center:${p.preference_center_api_id}`, display: p.name, spec: preferenceCenterSpec(p) })),
        ...messages.map((m: MessageTemplate) => ({ id: m.id, display: m.display, spec: m.spec })),
      ].sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
      lastMessages.clear();
      for (const m of messages) lastMessages.set(m.id, m);
      const names = env.names.assign("template", items, ctx);
      return items.map((it, i) => live(it.id, names[i]!, it.spec, it.owner));
    },

    async read(env, id, ctx) {
      const name = (display: string) => env.names.nameOf("template", id, ctx) ?? toResourceName(display);
      switch (familyOfId(id)) {
        case "email_template": {
          const t = await env.client.find<BzEmailTemplate>("/templates/email/info", { email_template_id: rawId(id) }, ctx.signal);
          return t && live(id, name(t.template_name), emailTemplateSpec(t));
        }
        case "content_block": {
          const b = await env.client.find<BzContentBlock>("/content_blocks/info", { content_block_id: rawId(id) }, ctx.signal);
          return b && live(id, name(b.name), contentBlockSpec(b), contentBlockOwner(b));
        }
        case "preference_center": {
          const p = await env.client.find<BzPreferenceCenter>(`/preference_center/v1/${encodeURIComponent(rawId(id))}`, undefined, ctx.signal);
          return p && live(id, name(p.name), preferenceCenterSpec(p));
        }
        case "message": {
          const m = (await messageTemplates(env, ctx.signal)).find((x) => x.id === id);
          return m && live(id, name(m.display), m.spec);
        }
        default:
          return undefined;
      }
    },

    async create(env, r, ctx) {
      refuse(r);
      const spec = asBrazeHolds(r.spec);
      const tags = brazeTags(r.spec.tags);
      let id: string;
      switch (familyOf(r.spec)) {
        case "email_template": {
          const res = await env.client.post<{ email_template_id: string }>("/templates/email/create", compact({
            template_name: r.name, subject: toLiquid(r.spec.subject!), body: toLiquid(r.spec.body),
            preheader: r.spec.preheader === undefined ? undefined : toLiquid(r.spec.preheader), tags: tags.length ? tags : undefined,
          }), ctx.signal);
          id = `email_template:${res.email_template_id}`;
          break;
        }
        case "content_block": {
          const res = await env.client.post<{ content_block_id: string }>("/content_blocks/create", compact({
            name: r.name, description: blockDescription(r, ctx.owner), content: toLiquid(r.spec.body), state: "active", tags: tags.length ? tags : undefined,
          }), ctx.signal);
          id = `content_block:${res.content_block_id}`;
          break;
        }
        case "preference_center": {
          const res = await env.client.post<{ preference_center_api_id: string }>("/preference_center/v1", compact({
            name: r.name, preference_center_title: r.spec.subject, preference_center_page_html: toLiquid(r.spec.body),
            confirmation_page_html: DEFAULT_CONFIRMATION_PAGE, state: "active",
          }), ctx.signal);
          id = `preference_center:${res.preference_center_api_id}`;
          break;
        }
        case "message":
          return manualOnly("template", "create", `template.${r.name} is a message of a Canvas or campaign: add it in the Canvas editor (the plan's steps say where)`);
      }
      env.names.set("template", id, r.name);
      // Braze is eventually consistent (up to minutes, braze-docs api_limits.md): the object is what was written.
      return live(id, r.name, spec, familyOf(r.spec) === "content_block" ? ctx.owner : undefined);
    },

    async update(env, r, prior, ctx) {
      refuse(r);
      const spec = asBrazeHolds(r.spec);
      const tags = brazeTags(r.spec.tags);
      const family = familyOfId(prior.id);
      if (family !== familyOf(r.spec)) {
        throw new ProviderError(error("braze/family-change", `template.${r.name}: a Braze ${family?.replace("_", " ")} cannot become a ${familyOf(r.spec).replace("_", " ")}`, {
          address: address("template", r.name), hint: "keep its marker tag, or declare a new template under another name",
        }));
      }
      const renamed = prior.name !== r.name;
      switch (family) {
        case "email_template":
          await env.client.post("/templates/email/update", compact({
            email_template_id: rawId(prior.id), template_name: renamed ? r.name : undefined,
            subject: toLiquid(r.spec.subject!), body: toLiquid(r.spec.body), preheader: toLiquid(r.spec.preheader ?? ""), tags,
          }), ctx.signal);
          break;
        case "content_block":
          await env.client.post("/content_blocks/update", compact({
            content_block_id: rawId(prior.id), name: renamed ? r.name : undefined, description: blockDescription(r, ctx.owner) ?? "", content: toLiquid(r.spec.body), tags,
          }), ctx.signal);
          break;
        case "preference_center": {
          // The API needs the confirmation page on every update; Mops does not manage it, so it is sent back as it is.
          const now = await env.client.get<BzPreferenceCenter>(`/preference_center/v1/${encodeURIComponent(rawId(prior.id))}`, undefined, ctx.signal);
          await env.client.put(`/preference_center/v1/${encodeURIComponent(rawId(prior.id))}`, compact({
            preference_center_title: r.spec.subject, preference_center_page_html: toLiquid(r.spec.body),
            confirmation_page_html: now.confirmation_page_html || DEFAULT_CONFIRMATION_PAGE,
          }), ctx.signal);
          break;
        }
        default:
          return manualOnly("template", "change", `template.${r.name} is a message of a Canvas or campaign: change it in the Canvas editor (the plan's steps say where)`);
      }
      env.names.set("template", prior.id, r.name);
      return live(prior.id, r.name, spec, family === "content_block" ? ctx.owner : undefined);
    },

    delete: (env, id) => manualOnly("template", "delete", `archive it in ${env.settings.endpoint.dashboard ?? "the Braze dashboard"}: ${familyOfId(id) === "content_block" ? BLOCKS_UI : familyOfId(id) === "preference_center" ? PREFERENCES_UI : TEMPLATES_UI}`),

    normalize: (r) => ({ ...r, spec: asBrazeHolds(r.spec) }),
    check: checkTemplate,
  };
  return ops;
}
