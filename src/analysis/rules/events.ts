import type { Diagnostic, Fix, SourceIndex } from "../../diagnostics";
import { closest, suggestion } from "../../diagnostics/suggest";
import { address, type EventPropertySpec, type EventSpec, type PropertyCondition, type Scalar, type Stack } from "../../model";
import { references, walkSteps, type RefPath } from "../../model/refs";
import type { AnalysisContext, Rule } from "../context";
import { durationDays } from "../values";

/**
 * The event catalogue holds what the stack says about events: every event a
 * trigger, goal, segment count, suppression or engagement branch names is
 * declared, and every `where` filter names a property of that event with a
 * value of its type. A stack without a catalogue is not checked (one note
 * says so), so declaring events is a step a team takes when it is ready.
 */

/** A place a spec names an event: a trigger or an event condition, with its filters. */
interface EventUse {
  resource: { kind: "segment" | "workflow"; name: string };
  /** Path of the trigger / condition inside the spec. */
  path: RefPath;
  event: string;
  where: PropertyCondition[];
}

function* eventUses(ctx: AnalysisContext): Generator<EventUse> {
  for (const kind of ["segment", "workflow"] as const) {
    for (const [name, spec] of ctx.all(kind)) {
      for (const r of references(kind, spec)) {
        if (r.kind !== "event") continue;
        const path = r.path.slice(0, -1);
        const node = path.reduce<unknown>((n, k) => (n as Record<string | number, unknown> | undefined)?.[k], spec) as { where?: PropertyCondition[] } | undefined;
        yield { resource: { kind, name }, path, event: r.name, where: node?.where ?? [] };
      }
    }
  }
}

/** Engagement branches read the platform's own events, one per channel and action: `email_opened`, `sms_clicked`. */
function* engagementUses(ctx: AnalysisContext): Generator<{ workflow: string; path: RefPath; event: string; channel: string; action: string }> {
  for (const [name, w] of ctx.workflows) {
    const channels = new Map<string, string>();
    for (const { step } of walkSteps(w.steps)) if (step.type === "send" && step.id) channels.set(step.id, step.channel);
    for (const { step, path } of walkSteps(w.steps)) {
      if (step.type !== "branch" || !("engagement" in step.condition)) continue;
      const { step: target, action } = step.condition.engagement;
      const channel = channels.get(target);
      if (channel) yield { workflow: name, path: [...path, "condition", "engagement", "action"], event: `${channel}_${action}`, channel, action };
    }
  }
}

export const eventCatalogue: Rule = (ctx) => {
  const catalogue = ctx.all("event");
  const uses = [...eventUses(ctx)];
  if (catalogue.size === 0) {
    const names = [...new Set(uses.map((u) => u.event))].sort();
    if (!names.length) return [];
    const shown = names.slice(0, 5).map((n) => `\`${n}\``).join(", ") + (names.length > 5 ? `, … (${names.length} in all)` : "");
    // One note for the stack, shown at the first place an event is named.
    return [ctx.finding("event/no-catalogue", "info", uses[0].resource, [...uses[0].path, "event"],
      `the stack names events (${shown}) but declares no \`events:\`, so their names and filters are not checked`,
      {
        hint: "run `mops import --kinds event` to write the account's event catalogue into the stack, or declare them under `events:`",
        detail: { events: names },
      })];
  }
  const declared = [...catalogue.keys()];
  const out: Diagnostic[] = [];
  for (const u of uses) {
    const addr = address(u.resource.kind, u.resource.name);
    const spec = catalogue.get(u.event);
    if (!spec) {
      const near = closest(u.event, declared);
      // Renaming is offered only when the filters fit the event it would name.
      const fits = near !== undefined && u.where.every((w, i) => !filterProblems(near, catalogue.get(near)!, w, [...u.path, "where", i]).length);
      out.push(ctx.finding("event/unknown-event", "error", u.resource, [...u.path, "event"],
        `\`${u.event}\` is not in the event catalogue: a trigger, goal or condition on it never fires`,
        {
          hint: suggestion(u.event, declared, "events"),
          detail: { event: u.event },
          fixes: fits ? [{ title: `name the event \`${near}\``, safe: false, edits: [{ address: addr, path: [...u.path, "event"], op: "set", value: near }] }] : [],
        }));
      continue;
    }
    u.where.forEach((w, i) => {
      for (const p of filterProblems(u.event, spec, w, [...u.path, "where", i])) {
        out.push(ctx.finding(p.code, "error", u.resource, p.path, p.message, {
          hint: p.hint,
          detail: { event: u.event, property: w.property },
          fixes: p.fix ? [{ ...p.fix, edits: p.fix.edits.map((e) => ({ ...e, address: addr })) }] : [],
        }));
      }
    });
  }
  for (const e of engagementUses(ctx)) {
    // Platform events are often missing from an imported catalogue (HubSpot lists only custom ones):
    // a channel's engagement is held to the catalogue once it lists any of that channel's events.
    const ofChannel = declared.filter((d) => d.startsWith(`${e.channel}_`));
    if (catalogue.has(e.event) || !ofChannel.length) continue;
    out.push(ctx.finding("event/unknown-event", "error", { kind: "workflow", name: e.workflow }, e.path,
      `this branch waits for \`${e.action}\` on ${/^[esi]/.test(e.channel) ? "an" : "a"} ${e.channel} send, which reads the platform's \`${e.event}\` event, and the event catalogue has no such event: the branch never takes its \`then\` path`,
      {
        hint: `the catalogue's ${e.channel} events are ${ofChannel.map((n) => `\`${n}\``).join(", ")}: branch on one of those actions, or declare \`${e.event}\` (source: platform) if the platform records it`,
        detail: { event: e.event },
      }));
  }
  return out;
};

interface FilterProblem {
  code: "event/unknown-property" | "event/wrong-type";
  path: RefPath;
  message: string;
  hint: string;
  /** Edits without an address; the caller knows the resource. */
  fix?: Omit<Fix, "edits"> & { edits: { path: RefPath; op: "set"; value: unknown }[] };
}

/** What is wrong with one `where` filter on `event` (at `path`), against its declaration. */
function filterProblems(event: string, spec: EventSpec, w: PropertyCondition, path: RefPath): FilterProblem[] {
  const props = spec.properties ?? {};
  const prop = props[w.property];
  if (!prop) {
    const names = Object.keys(props);
    const near = closest(w.property, names);
    const fits = near !== undefined && !valueProblem(w, props[near]);
    return [{
      code: "event/unknown-property", path: [...path, "property"],
      message: `\`${event}\` has no property \`${w.property}\`: this filter never matches`,
      hint: names.length ? suggestion(w.property, names, `properties of ${event}`) : `the catalogue declares no properties for \`${event}\`: add \`${w.property}\` there if the event carries it`,
      ...(fits ? { fix: { title: `filter on \`${near}\``, safe: false, edits: [{ path: [...path, "property"], op: "set" as const, value: near }] } } : {}),
    }];
  }
  const bad = valueProblem(w, prop);
  if (!bad) return [];
  return [{
    code: "event/wrong-type", path: [...path, bad.at], message: `\`${w.property}\` of \`${event}\` is ${article(prop)}, so ${bad.message}`, hint: bad.hint,
    ...(bad.fixed !== undefined ? { fix: { title: `compare with ${JSON.stringify(bad.fixed)}`, safe: false, edits: [{ path: [...path, "value"], op: "set" as const, value: bad.fixed }] } } : {}),
  }];
}

const article = (p: EventPropertySpec): string => (p.type === "enum" ? `one of ${(p.values ?? []).join(", ")}` : /^[aeiou]/.test(p.type) ? `an ${p.type}` : `a ${p.type}`);

const OPS: Record<EventPropertySpec["type"], string[]> = {
  number: ["eq", "neq", "in", "not_in", "gt", "gte", "lt", "lte", "between"],
  string: ["eq", "neq", "in", "not_in", "contains", "starts_with"],
  boolean: ["eq", "neq"],
  enum: ["eq", "neq", "in", "not_in", "contains", "starts_with"],
  date: ["eq", "neq", "in", "not_in", "gt", "gte", "lt", "lte", "between", "within", "before", "after"],
  list: ["eq", "neq", "in", "not_in", "contains"],
};

const isDate = (v: unknown) => typeof v === "string" && !Number.isNaN(Date.parse(v));

/**
 * Whether a filter's operator and value fit the property's type: `at` names
 * the part at fault, `fixed` the value it surely meant (a number in quotes,
 * an enum value in the wrong case).
 */
function valueProblem(w: PropertyCondition, prop: EventPropertySpec | undefined):
  { at: "op" | "value"; message: string; hint: string; fixed?: unknown } | undefined {
  if (!prop || w.op === "exists" || w.op === "not_exists") return undefined;
  if (!OPS[prop.type].includes(w.op)) {
    return { at: "op", message: `\`${w.op}\` does not apply to it`, hint: `operators for ${prop.type} properties: ${OPS[prop.type].join(", ")}` };
  }
  const values = Array.isArray(w.value) ? w.value : [w.value];
  const relative = (v: unknown) => durationDays(v) !== undefined;
  const fits = (v: unknown): boolean => {
    switch (prop.type) {
      case "number": return typeof v === "number";
      case "boolean": return typeof v === "boolean";
      case "string": case "list": return typeof v === "string";
      case "enum": return typeof v === "string" && (!prop.values || prop.values.includes(v));
      default: return ["within", "before", "after"].includes(w.op) ? relative(v) || (w.op !== "within" && isDate(v)) : isDate(v);
    }
  };
  if (values.every(fits)) return undefined;
  const wrong = values.find((v) => !fits(v));
  const fixed = Array.isArray(w.value) ? undefined : coerce(wrong, prop);
  const hint = fixed !== undefined ? `write ${JSON.stringify(fixed)}`
    : prop.type === "enum" ? suggestion(String(wrong), prop.values ?? [], "values")
    : prop.type === "date" ? (w.op === "within" ? "a duration such as 30d" : "a duration such as 30d, or an ISO date such as 2026-06-01")
    : `a ${prop.type} value`;
  return { at: "value", message: `${JSON.stringify(wrong ?? null)} never matches`, hint, ...(fixed !== undefined ? { fixed } : {}) };
}

/** The value an author surely meant: a number or boolean in quotes (or text without them), an enum value in another case. */
function coerce(v: unknown, prop: EventPropertySpec): Scalar | undefined {
  if ((prop.type === "string" || prop.type === "list") && (typeof v === "number" || typeof v === "boolean")) return String(v);
  if (typeof v !== "string") return undefined;
  if (prop.type === "number" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  if (prop.type === "boolean" && (v === "true" || v === "false")) return v === "true";
  if (prop.type === "enum") return prop.values?.find((x) => x.toLowerCase() === v.toLowerCase());
  return undefined;
}

/**
 * At plan time, with the account's event catalogue as refresh read it: the
 * declared custom events the account does not define, each with the journeys
 * that wait for it. Platform events are the platform's own and not listed by
 * every API, so they are not asked for. `creates`: this apply defines them.
 */
export function eventsNotInAccount(stack: Stack, sources: SourceIndex | undefined, live: readonly string[], creates: boolean): Diagnostic[] {
  const have = new Set(live);
  const users = new Map<string, string[]>();
  for (const r of stack.resources) {
    if (r.kind !== "workflow" && r.kind !== "segment") continue;
    for (const ref of references(r.kind, r.spec)) if (ref.kind === "event") users.set(ref.name, [...new Set([...(users.get(ref.name) ?? []), address(r.kind, r.name)])]);
  }
  return stack.resources.flatMap((r): Diagnostic[] => {
    if (r.kind !== "event" || (r.spec.source ?? "custom") !== "custom" || have.has(r.name)) return [];
    const who = users.get(r.name) ?? [];
    const range = sources?.rangeOf(address("event", r.name));
    return [{
      code: "event/not-in-account", severity: creates ? "info" : "warning", address: address("event", r.name), ...(range ? { range } : {}),
      message: `the account has no event \`${r.name}\`${creates ? ": this apply defines it" : ""}${who.length ? `; ${who.join(", ")} wait${who.length === 1 ? "s" : ""} for it and start${who.length === 1 ? "s" : ""} only once the platform receives it` : ""}`,
      hint: creates ? "make sure the systems that should send it do (storefront, help desk, app)" : "define it in the platform (or check the name against `mops import --kinds event`), and make sure the systems that should send it do",
      detail: { event: r.name, usedBy: who },
    }];
  });
}
