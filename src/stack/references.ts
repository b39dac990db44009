import { error, type Diagnostic } from "../diagnostics";
import { address, hasOpaqueAudience, KIND_KEYS, type Kind, type Resource, type Stack, type Step } from "../model";
import { references, walkSteps, type Reference } from "../model/refs";
import { quote, suggestion } from "../diagnostics/suggest";
import type { SourceIndex, SpecPath } from "./types";

type Spec<K extends Kind> = Extract<Resource, { kind: K }>["spec"];

/**
 * Reference integrity and the meaning checks a schema cannot express: every
 * name a resource uses is declared (with the closest names when not), segment
 * membership has no cycles, a send's template and subscription type are of its
 * channel, splits add up, waits wait for something.
 */
export function checkReferences(stack: Stack, sources: SourceIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byKind = new Map<Kind, Map<string, Resource>>();
  for (const r of stack.resources) {
    if (!byKind.has(r.kind)) byKind.set(r.kind, new Map());
    byKind.get(r.kind)!.set(r.name, r);
  }
  const names = (k: Kind) => [...(byKind.get(k)?.keys() ?? [])];
  const get = <K extends Kind>(k: K, name: string) => byKind.get(k)?.get(name) as Extract<Resource, { kind: K }> | undefined;

  const at = (r: Resource, path: SpecPath) => ({ range: sources.rangeOf(address(r.kind, r.name), path), address: address(r.kind, r.name) });
  const atKey = (r: Resource, path: SpecPath) => ({ ...at(r, path), ...(sources.keyRangeOf ? { range: sources.keyRangeOf(address(r.kind, r.name), path) } : {}) });
  const CODE: Partial<Record<Kind, string>> = {
    segment: "MOPS201", template: "MOPS202", property: "MOPS203", subscription_type: "MOPS204", role: "MOPS205", team: "MOPS206", workflow: "MOPS207",
  };
  /**
   * Reports a reference to an undeclared resource, with the closest declared
   * names. Events are the analysis' business: a stack may leave its event
   * catalogue undeclared (docs/analysis.md, `event/*`).
   */
  function checkDeclared(r: Resource, { kind, name, path }: Reference): void {
    if (kind === "event" || get(kind, name)) return;
    const what = kind.replace("_", " ");
    out.push(error(CODE[kind]!, `unknown ${what} ${quote(name)}`, { ...at(r, path), hint: suggestion(name, names(kind), KIND_KEYS[kind].replace("_", " ")) }));
  }

  for (const r of stack.resources) {
    for (const x of references(r.kind, r.spec)) checkDeclared(r, x);
    switch (r.kind) {
      case "property": {
        if (r.spec.type === "enum" && !r.spec.values)
          out.push(error("MOPS222", `property \`${r.name}\` is an enum without \`values\``, { ...at(r, ["type"]), hint: "list the allowed values: `values: [bronze, silver, gold]`" }));
        break;
      }
      case "segment": {
        if (r.spec.type === "dynamic" && !r.spec.conditions && !hasOpaqueAudience(r.spec))
          out.push(error("MOPS217", `dynamic segment \`${r.name}\` has no conditions`, { ...at(r, ["type"]), hint: "add `conditions:`, or make it `type: static` (filled by workflows or imports)" }));
        break;
      }
      case "workflow":
        checkWorkflow(r as Extract<Resource, { kind: "workflow" }>);
        break;
      default:
        break;
    }
  }
  checkSegmentCycles();
  return out;

  function channelHint(channel: string): string {
    const fit = names("subscription_type").filter((n) => get("subscription_type", n)!.spec.channel === channel);
    return fit.length > 0 ? `${channel} subscription types: ${fit.map((n) => `\`${n}\``).join(", ")}` : `declare a subscription type with \`channel: ${channel}\``;
  }

  function checkWorkflow(r: Extract<Resource, { kind: "workflow" }>): void {
    const w: Spec<"workflow"> = r.spec;
    const t = w.trigger;
    if (t.type === "date") {
      const p = get("property", t.property);
      if (p && p.spec.type !== "date")
        out.push(error("MOPS223", `a date trigger needs a date property; \`${p.name}\` is ${p.spec.type}`, { ...at(r, ["trigger", "property"]), hint: "declare the property with `type: date`" }));
    }

    const ids = new Map<string, { step: Step; path: SpecPath }>();
    const all = [...walkSteps(w.steps)];
    for (const { step, path } of all) {
      if (step.id === undefined) continue;
      if (ids.has(step.id))
        out.push(error("MOPS211", `step id \`${step.id}\` is used twice in this workflow`, { ...at(r, [...path, "id"]), hint: "step ids are unique within a workflow" }));
      else ids.set(step.id, { step, path });
    }

    for (const { step, path } of all) {
      switch (step.type) {
        case "send": {
          const tpl = get("template", step.template);
          if (tpl && tpl.spec.channel !== step.channel)
            out.push(
              error("MOPS213", `template \`${tpl.name}\` is for ${tpl.spec.channel}, but this step sends ${step.channel}`, {
                ...at(r, [...path, "template"]),
                hint: `use ${/^[esi]/.test(step.channel) ? "an" : "a"} ${step.channel} template, or set \`channel: ${tpl.spec.channel}\``,
              }),
            );
          if (step.subscription_type !== undefined) {
            const sub = get("subscription_type", step.subscription_type);
            if (sub && sub.spec.channel !== step.channel)
              out.push(
                error("MOPS214", `subscription type \`${sub.name}\` is for ${sub.spec.channel}, but this step sends ${step.channel}`, {
                  ...at(r, [...path, "subscription_type"]),
                  hint: channelHint(step.channel),
                }),
              );
          }
          break;
        }
        case "branch": {
          const c = step.condition;
          if ("engagement" in c) {
            const target = ids.get(c.engagement.step);
            if (!target)
              out.push(error("MOPS208", `no step with id ${quote(c.engagement.step)} in this workflow`, { ...at(r, [...path, "condition", "engagement", "step"]), hint: suggestion(c.engagement.step, [...ids.keys()], "step ids") }));
            else if (target.step.type !== "send")
              out.push(error("MOPS209", `step \`${c.engagement.step}\` is a ${target.step.type} step: there is no message to engage with`, { ...at(r, [...path, "condition", "engagement", "step"]), hint: "name the id of a send step" }));
          }
          break;
        }
        case "split": {
          const sum = step.paths.reduce((s, p) => s + p.percent, 0);
          if (Math.abs(sum - 100) > 1e-9)
            out.push(error("MOPS215", `split percentages add up to ${sum}, not 100`, { ...atKey(r, [...path, "paths"]), hint: `percent: ${step.paths.map((p) => p.percent).join(" + ")} = ${sum}` }));
          break;
        }
        case "wait":
          if (step.duration === undefined && step.until === undefined)
            out.push(error("MOPS216", "this wait has neither `duration` nor `until`", { ...at(r, path), hint: "e.g. `duration: 2d`, or `until: { weekday: [tue], time: \"10:00\" }`" }));
          break;
        case "add_to_segment":
        case "remove_from_segment": {
          const s = get("segment", step.segment);
          if (s && s.spec.type !== "static")
            out.push(error("MOPS218", `segment \`${s.name}\` is dynamic: its conditions decide membership`, { ...at(r, [...path, "segment"]), hint: "only static segments can have contacts added or removed" }));
          break;
        }
        default:
          break;
      }
    }
  }

  /** Reports each cycle once, at the membership condition that closes it. */
  function checkSegmentCycles(): void {
    const edges = new Map<string, { to: string; path: SpecPath }[]>();
    for (const name of names("segment")) {
      const s = get("segment", name)!;
      const list: { to: string; path: SpecPath }[] = [];
      for (const x of references("segment", s.spec)) if (x.kind === "segment" && get("segment", x.name)) list.push({ to: x.name, path: x.path });
      edges.set(name, list);
    }
    const state = new Map<string, "active" | "done">();
    const stackPath: string[] = [];
    const visit = (n: string): void => {
      state.set(n, "active");
      stackPath.push(n);
      for (const e of edges.get(n) ?? []) {
        if (state.get(e.to) === "active") {
          const cycle = [...stackPath.slice(stackPath.indexOf(e.to)), e.to];
          out.push(
            error("MOPS212", `segments depend on each other in a cycle: ${cycle.join(" → ")}`, {
              ...at(get("segment", n)!, e.path),
              hint: "a segment cannot contain itself, directly or through others; remove one `in_segment`",
            }),
          );
        } else if (!state.has(e.to)) visit(e.to);
      }
      stackPath.pop();
      state.set(n, "done");
    };
    for (const n of names("segment").sort()) if (!state.has(n)) visit(n);
  }
}
