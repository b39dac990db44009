import { deepEqual, OPAQUE_AUDIENCE, type Step, type TemplateSpec, type WorkflowSpec } from "../../src/model";
import { walkSteps } from "../../src/model/refs";
import { dashboardWords } from "./instances";
import { implicitSubscription } from "./messages";

/**
 * A Canvas or campaign that differs from its declaration cannot be changed
 * through Braze's API: these are the clicks that make the change in the
 * dashboard's editor, one numbered line each, in the order to do them.
 */

export interface EditInput {
  /** `Messaging > Canvas` or `Messaging > Campaigns`. */
  place: string;
  /** The Canvas's name in Braze. */
  title: string;
  dashboard?: string;
  live: WorkflowSpec;
  desired: WorkflowSpec;
  /** Braze's name of a live step, by step id. */
  stepName(id: string): string | undefined;
}

const CHANNEL_WORDS: Record<string, string> = { email: "Email", push: "Push", sms: "SMS", in_app: "In-App Message", webhook: "Webhook" };

/** Tags Mops adds for itself; the rest are Braze's tags. */
const isBrazeTag = (t: string) => t !== OPAQUE_AUDIENCE && !t.startsWith("braze:") && !t.startsWith("entry:");
const entryOf = (spec: WorkflowSpec) => spec.tags?.find((t) => t.startsWith("entry:"))?.slice("entry:".length);
const quoted = (items: readonly string[]) => items.map((x) => `"${x}"`).join(", ");

function what(step: Step): string {
  switch (step.type) {
    case "send": {
      const channel = CHANNEL_WORDS[step.channel]!;
      const group = step.subscription_type && step.subscription_type !== implicitSubscription(step.channel) ? ` (subscription group "${step.subscription_type}")` : "";
      return `a Message step with ${/^[AEIOU]/.test(channel) ? "an" : "a"} ${channel} message with the content of template "${step.template}"${group}`;
    }
    case "wait":
      return "a Delay step";
    case "webhook":
      return `a Message step with a Webhook: ${step.method ?? "POST"} ${step.url}`;
    case "split":
      return `an Experiment Paths step (or a Decision Split / Audience Paths step if the paths follow rules) with the paths ${quoted(step.paths.map((p, i) => p.name ?? `Path ${i + 1}`))}`;
    default:
      return `a ${step.type} step`;
  }
}

function changes(live: Step, desired: Step): string[] {
  if (live.type !== desired.type) return [`replace it by ${what(desired)}`];
  if (live.type === "send" && desired.type === "send") {
    const out: string[] = [];
    if (live.channel !== desired.channel) out.push(`change the message channel from ${CHANNEL_WORDS[live.channel]} to ${CHANNEL_WORDS[desired.channel]}`);
    if (live.template !== desired.template) out.push(`replace the message content by that of template "${desired.template}"`);
    if (live.subscription_type !== desired.subscription_type) out.push(desired.subscription_type ? `set the subscription group to "${desired.subscription_type}"` : "remove the subscription group");
    return out;
  }
  if (live.type === "webhook" && desired.type === "webhook") {
    return [`set the webhook to ${desired.method ?? "POST"} ${desired.url}`];
  }
  if (live.type === "split" && desired.type === "split") {
    return [`set its paths to ${quoted(desired.paths.map((p, i) => p.name ?? `Path ${i + 1}`))}`];
  }
  return [];
}

/** Steps with an id, in journey order; splits without an id are keyed by their place. */
function keyed(spec: WorkflowSpec): Map<string, Step> {
  const out = new Map<string, Step>();
  for (const { step, path } of walkSteps(spec.steps)) out.set(step.id ?? `@${path.join(".")}`, step);
  return out;
}

export function canvasEditSteps(i: EditInput): string[] {
  const noun = i.place.endsWith("Campaigns") ? "Campaign" : "Canvas";
  const lines: string[] = [`Open ${dashboardWords(i.dashboard)}, go to ${i.place}, open "${i.title}" and click Edit ${noun}.`];
  const { live, desired } = i;
  if ((live.description ?? "") !== (desired.description ?? "")) {
    lines.push(desired.description ? `In the ${noun} details, set the description to "${desired.description}".` : `In the ${noun} details, clear the description.`);
  }
  const liveTags = (live.tags ?? []).filter(isBrazeTag), wantTags = (desired.tags ?? []).filter(isBrazeTag);
  const add = wantTags.filter((t) => !liveTags.includes(t)), drop = liveTags.filter((t) => !wantTags.includes(t));
  if (add.length || drop.length) {
    const tags = (xs: string[]) => `${xs.length === 1 ? "tag" : "tags"} ${quoted(xs)}`;
    lines.push(`In the ${noun} details, ${[add.length ? `add the ${tags(add)}` : "", drop.length ? `remove the ${tags(drop)}` : ""].filter(Boolean).join(" and ")}.`);
  }
  if (live.owner !== desired.owner) lines.push(desired.owner ? `In the ${noun} details, set Teams to "${desired.owner}".` : `In the ${noun} details, remove the team.`);
  if (entryOf(live) !== entryOf(desired)) lines.push(`In Entry Schedule, choose the "${entryOf(desired) ?? "scheduled"}" delivery type.`);
  if (!deepEqual(live.goal, desired.goal)) lines.push(`In Conversion Events, set them to: ${desired.goal ? JSON.stringify(desired.goal) : "none"}.`);

  const before = keyed(live), after = keyed(desired);
  const name = (id: string) => i.stepName(id) ?? id;
  for (const id of before.keys()) if (!after.has(id)) lines.push(`Delete the step "${name(id)}": select it, then Delete.`);
  let previous: string | undefined;
  for (const [id, step] of after) {
    const was = before.get(id);
    if (!was) lines.push(`Add ${what(step)} ${previous ? `after "${name(previous)}"` : "at the start"}, named "${id}".`);
    else if (!deepEqual(was, step)) {
      const todo = changes(was, step);
      if (todo.length) lines.push(`In the step "${name(id)}", ${todo.join(", ")}.`);
    }
    if (!id.startsWith("@")) previous = id;
  }
  const order = (m: Map<string, Step>) => [...m.keys()].filter((k) => !k.startsWith("@") && before.has(k) && after.has(k));
  if (!deepEqual(order(before), order(after))) lines.push(`Connect the steps in this order: ${order(after).map((k) => `"${name(k)}"`).join(" → ")}.`);

  if (live.status !== desired.status) {
    if (desired.status === "active") lines.push(`Click Launch ${noun} (a stopped ${noun}: Resume).`);
    else if (live.status === "active") lines.push(`Click Stop ${noun}.`);
  }
  lines.push(live.status === "draft" && desired.status !== "active" ? "Click Save as Draft." : `Click Update ${noun}, then check the Summary.`);
  return lines.map((l, n) => `${n + 1}. ${l}`);
}

export interface MessageEditInput {
  place: string;
  /** The Canvas or campaign, by its Braze name. */
  parent: string;
  /** The step (or campaign variation) that holds the message. */
  step: string;
  dashboard?: string;
  live: TemplateSpec;
  desired: TemplateSpec;
}

/** The clicks that change the content of one Canvas or campaign message. */
export function messageEditSteps(i: MessageEditInput): string[] {
  const noun = i.place.endsWith("Campaigns") ? "Campaign" : "Canvas";
  const set = (field: string, label: string): string | undefined => {
    const was = (i.live as Record<string, unknown>)[field], want = (i.desired as Record<string, unknown>)[field];
    if (was === want) return undefined;
    return want === undefined ? `clear the ${label}` : `set the ${label} to "${String(want)}"`;
  };
  const edits = [set("subject", i.live.channel === "email" ? "subject" : "title"), set("preheader", "preheader"), set("body", "body")].filter(Boolean);
  return [
    `Open ${dashboardWords(i.dashboard)}, go to ${i.place}, open "${i.parent}" and click Edit ${noun}.`,
    `Open "${i.step}", edit its ${CHANNEL_WORDS[i.live.channel]} message and ${edits.join(", ") || "make it match the template"}.`,
    `Click Update ${noun}.`,
  ].map((l, n) => `${n + 1}. ${l}`);
}
