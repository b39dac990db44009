import type { Diagnostic, Edit, Fix, Severity, SourceRange } from "../../diagnostics";
import { suggestion } from "../../diagnostics/suggest";
import { address, leaves, type Condition, type EventCondition, type PropertyCondition, type WorkflowSpec } from "../../model";
import type { Level, Policy, RequirementCondition, WorkflowSelector } from "../../model/policy";
import type { AnalysisContext, Rule } from "../context";
import { addToEntryFilter } from "../fixes";
import { marketingChannels, sends } from "../steps";
import { describeWitness, maskedWitness } from "../witness";

/**
 * The policy's suppression and negative-trigger rules: each selects
 * workflows (by tag, purpose word, channel, template tag) and requires that
 * contacts meeting a condition never enter them (`suppress_if`) or leave
 * them (`exit_on`). Both are decided with the overlap solver, so any way of
 * saying it counts: a suppression event, a suppression segment that implies
 * it, an entry filter, a goal. A finding names the workflow, a contact who
 * shows the gap, and the policy line that asks.
 */
export function requirements(policy: Policy): Rule {
  return (ctx) => policy.requirements.flatMap((r) => (r.level === "off" ? [] : checkRequirement(ctx, r)));
}

type PolicyRequirement = Policy["requirements"][number];

const SEVERITY: Record<Exclude<Level, "off">, Severity> = { info: "info", advisory: "warning", mandatory: "error" };

function checkRequirement(ctx: AnalysisContext, r: PolicyRequirement): Diagnostic[] {
  const out: Diagnostic[] = [];
  const code = `requirement/${r.name}`;
  const severity = SEVERITY[(r.level ?? "advisory") as Exclude<Level, "off">];
  const selectors = Array.isArray(r.select) ? r.select : [r.select];
  for (const kind of ["suppress_if", "exit_on"] as const) {
    const asked = r.require[kind] as RequirementCondition | undefined;
    if (!asked) continue;
    const related = [{ message: `required by policy requirement \`${r.name}\` (${kind})`, ...(r.at?.[kind] ? { range: r.at[kind] } : {}) }];
    const unknown = catalogueProblems(ctx, asked);
    if (unknown.length) {
      out.push(...unknown.map((p) => ({ ...p, severity: "error" as const, ...(r.at?.[kind] ? { range: r.at[kind] as SourceRange } : {}) })));
      continue;
    }
    for (const [name, w] of ctx.workflows) {
      if (!selectors.some((s) => selects(ctx, s, w))) continue;
      const res = { kind: "workflow" as const, name };
      const where = w.suppression ? ["suppression"] : [];
      const inst = instances(asked, name, w);
      if ("missing" in inst) {
        out.push(ctx.finding(code, severity, res, [], `policy requirement \`${r.name}\` names \`{{ workflow.tags.${inst.missing} }}\`, and \`workflow.${name}\` has no \`${inst.missing}:…\` tag to fill it in`, {
          hint: `tag the workflow (\`tags: [${inst.missing}:…]\`) so the requirement can be checked`, related,
        }));
        continue;
      }
      for (const cond of inst.conditions) {
        const text = describeCondition(cond);
        const d = kind === "suppress_if"
          ? ctx.solver.intersect(ctx.solver.audience(name, w), ctx.solver.normalize(cond))
          : ctx.solver.intersect(ctx.solver.normalize(happening(cond)), ctx.solver.normalize({ not: { any: exits(w) } }));
        if (d.status === "unsat") continue;
        const fix = kind === "suppress_if" ? suppressFix(address("workflow", name), w, cond) : exitFix(address("workflow", name), w, cond);
        const must = kind === "suppress_if" ? "must not enter it" : "must leave it";
        const gap = kind === "suppress_if" ? `\`workflow.${name}\` can enrol contacts who ${text}` : `contacts who ${text} stay in \`workflow.${name}\``;
        out.push(ctx.finding(code, severity, res, where,
          d.status === "sat"
            ? `${gap}: for example ${describeWitness(ctx, d.witness)}; policy requirement \`${r.name}\` says they ${must}`
            : `cannot show that contacts who ${text} ${kind === "suppress_if" ? "never enter" : "leave"} \`workflow.${name}\` (${d.reasons.join("; ")}); policy requirement \`${r.name}\` says they ${must}`,
          {
            hint: kind === "suppress_if"
              ? "exclude them: a `suppression` event or segment, or an entry filter"
              : "let them go: a `suppression` event or segment (contacts who match one leave mid-journey), or make it the goal",
            related,
            detail: { requirement: r.name, [kind]: cond, ...(d.status === "sat" ? { witness: maskedWitness(ctx, d.witness) } : {}) },
            fixes: fix ? [fix] : [],
          }));
      }
    }
  }
  return out;
}

/* ---------------------------------------------------------------- selection */

const words = (s: string) => ` ${s.toLowerCase().replace(/[^a-z0-9]+/g, " ").trim()}`;
const glob = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);

function selects(ctx: AnalysisContext, s: WorkflowSelector, w: WorkflowSpec): boolean {
  if (s.tags && !s.tags.some((t) => (w.tags ?? []).some((x) => glob(t).test(x)))) return false;
  if (s.purpose && !s.purpose.some((k) => words(w.purpose ?? "").includes(words(k)))) return false;
  if (s.channels) {
    const ch = marketingChannels(w);
    if (!s.channels.some((c) => ch.has(c))) return false;
  }
  if (s.template_tags) {
    const tags = new Set([...sends(w)].flatMap(({ step }) => ctx.all("template").get(step.template)?.tags ?? []));
    if (!s.template_tags.some((t) => [...tags].some((x) => glob(t).test(x)))) return false;
  }
  return true;
}

/* ---------------------------------------------------------------- the asked condition */

const TEMPLATE = /\{\{\s*workflow\.(name|tags\.([A-Za-z0-9_-]+))\s*\}\}/g;

/** The requirement's condition for one workflow: its tags filled in (one condition per combination), `where` maps as filters. */
function instances(c: RequirementCondition, name: string, w: WorkflowSpec): { conditions: Condition[] } | { missing: string } {
  const keys = [...new Set([...JSON.stringify(c).matchAll(TEMPLATE)].flatMap((m) => (m[2] ? [m[2]] : [])))];
  const valuesOf = (key: string) => (w.tags ?? []).filter((t) => t.startsWith(`${key}:`)).map((t) => t.slice(key.length + 1));
  const missing = keys.find((k) => valuesOf(k).length === 0);
  if (missing) return { missing };
  let combos: Record<string, string>[] = [{}];
  for (const k of keys) combos = combos.flatMap((cmb) => valuesOf(k).map((v) => ({ ...cmb, [k]: v })));
  return { conditions: combos.map((vals) => normalizeWhere(fill(c, (m) => (m[1] === "name" ? name : vals[m[2]!]!))) as Condition) };
}

function fill(v: unknown, value: (m: RegExpMatchArray) => string): unknown {
  if (typeof v === "string") {
    const whole = [...v.matchAll(TEMPLATE)];
    return whole.length ? v.replace(TEMPLATE, (...m) => value(m as unknown as RegExpMatchArray)) : v;
  }
  if (Array.isArray(v)) return v.map((x) => fill(x, value));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, value)]));
  return v;
}

/** `where: { category: tents }` -> `where: [{ property: category, op: eq, value: tents }]`, at any depth. */
function normalizeWhere(c: unknown): unknown {
  if (Array.isArray(c)) return c.map(normalizeWhere);
  if (!c || typeof c !== "object") return c;
  const o = c as Record<string, unknown>;
  if ("event" in o && o.where && !Array.isArray(o.where)) {
    return { ...o, where: Object.entries(o.where as Record<string, unknown>).map(([property, value]) => ({ property, op: "eq", value })) };
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, normalizeWhere(v)]));
}

/** An event without a window, in `exit_on`, is the event happening now. */
function happening(c: Condition): Condition {
  if ("all" in c) return { all: c.all.map(happening) };
  if ("any" in c) return { any: c.any.map(happening) };
  if ("not" in c) return { not: happening(c.not) };
  if ("event" in c && c.within === undefined) return { ...c, within: "0m" };
  return c;
}

/** What takes a contact out of a journey midway: any suppression, or the goal. */
function exits(w: WorkflowSpec): Condition[] {
  return [
    ...(w.suppression?.segments ?? []).map((s): Condition => ({ in_segment: s })),
    ...(w.suppression?.events ?? []),
    ...(w.goal ? [w.goal] : []),
  ];
}

/* ---------------------------------------------------------------- words and fixes */

function describeCondition(c: Condition): string {
  if ("all" in c) return c.all.map(describeCondition).join(" and ");
  if ("any" in c) return `(${c.any.map(describeCondition).join(" or ")})`;
  if ("not" in c) return `not (${describeCondition(c.not)})`;
  if ("in_segment" in c) return `are in segment ${c.in_segment}`;
  if ("consent" in c) return `consented to ${c.consent}`;
  if ("event" in c) {
    const e = c as EventCondition;
    const filters = e.where?.length ? ` (${e.where.map((w) => `${w.property} ${w.op} ${JSON.stringify(w.value ?? "")}`).join(", ")})` : "";
    const times = e.at_most === 0 ? "did not do" : e.at_least && e.at_least > 1 ? `did ${e.at_least} times` : "did";
    return `${times} ${e.event}${filters}${e.within ? ` within ${e.within}` : ""}`;
  }
  const p = c as PropertyCondition;
  return `have ${p.property} ${p.op}${p.value === undefined ? "" : ` ${JSON.stringify(p.value)}`}`;
}

function suppressFix(addr: string, w: WorkflowSpec, c: Condition): Fix {
  const edits: Edit[] = "event" in c ? [{ address: addr, path: ["suppression", "events"], op: "append", value: c }]
    : "in_segment" in c ? [{ address: addr, path: ["suppression", "segments"], op: "append", value: c.in_segment }]
    : addToEntryFilter(addr, w, { not: c });
  return { title: `keep out contacts who ${describeCondition(c)}`, safe: true, edits };
}

function exitFix(addr: string, w: WorkflowSpec, c: Condition): Fix | undefined {
  if ("event" in c && c.within !== undefined) {
    return { title: `let contacts who ${describeCondition(c)} leave`, safe: true, edits: [{ address: addr, path: ["suppression", "events"], op: "append", value: c }] };
  }
  // "The moment it happens" has no window a platform can hold; a day is the shortest one, and a choice, so not applied unattended.
  if ("event" in c) {
    const leaf = { ...c, within: "1d" };
    return w.goal
      ? { title: `let contacts who ${describeCondition(leaf)} leave`, safe: false, edits: [{ address: addr, path: ["suppression", "events"], op: "append", value: leaf }] }
      : { title: `make \`${c.event}\` within 1d the goal`, safe: false, edits: [{ address: addr, path: ["goal"], op: "set", value: leaf }] };
  }
  if ("in_segment" in c) {
    return { title: `let contacts in segment ${c.in_segment} leave`, safe: true, edits: [{ address: addr, path: ["suppression", "segments"], op: "append", value: c.in_segment }] };
  }
  return undefined;
}

/** Events and filter properties the requirement names that the stack's catalogue lacks. */
function catalogueProblems(ctx: AnalysisContext, asked: RequirementCondition): Diagnostic[] {
  const catalogue = ctx.all("event");
  if (catalogue.size === 0) return [];
  const out: Diagnostic[] = [];
  for (const leaf of leaves(normalizeWhere(asked) as Condition)) {
    if (!("event" in leaf)) continue;
    const spec = catalogue.get(leaf.event);
    if (!spec) {
      out.push({ code: "event/unknown-event", severity: "error", message: `the policy names event \`${leaf.event}\`, which the event catalogue does not declare`, hint: suggestion(leaf.event, [...catalogue.keys()], "events") });
      continue;
    }
    for (const w of leaf.where ?? []) {
      if (w.property.includes("{{") || spec.properties?.[w.property]) continue;
      out.push({ code: "event/unknown-property", severity: "error", message: `the policy filters \`${leaf.event}\` on \`${w.property}\`, which the event catalogue does not declare for it`, hint: suggestion(w.property, Object.keys(spec.properties ?? {}), `properties of ${leaf.event}`) });
    }
  }
  return out;
}
