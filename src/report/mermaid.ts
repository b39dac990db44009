import { diffArrays } from "diff";
import { canonicalJson, deepEqual, sha256 } from "../model";
import type { Condition, Kind, Resource, Stack, Step, WorkflowSpec } from "../model";
import { conditionReferences } from "../model/refs";
import { conditionWords, stepPathWords, stepWords, suppressionWords, triggerWords, walkStep, walkSteps, type PlacedStep } from "./words";

/**
 * Mermaid flowcharts of journeys and of the whole stack. GitHub and GitLab
 * render them in comments; `mops inventory --html` renders them offline.
 * Every label goes through `label()`; every node id through `nodeId()`.
 */

/** Characters that end a quoted label, start an entity or a markdown string, or trip Mermaid's `style…:#…;` rewrite. */
const ENTITY: Record<string, string> = {
  '"': "#34;", "#": "#35;", "&": "#38;", ":": "#58;", ";": "#59;",
  "<": "#60;", ">": "#62;", "`": "#96;", "|": "#124;",
};

const MAX_LABEL = 90;

/** User text made safe inside a quoted Mermaid label: one line, short, entity-escaped. */
export function label(text: string, max = MAX_LABEL): string {
  let t = text.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  if ([...t].length > max) t = `${[...t].slice(0, max - 1).join("")}…`;
  return t.replace(/["#&:;<>`|]/g, (c) => ENTITY[c]);
}

/** A Mermaid-safe id: letters, digits, underscores; a hash suffix keeps distinct names distinct. */
export function nodeId(prefix: string, name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]/g, "_");
  return clean === name ? `${prefix}_${name}` : `${prefix}_${clean}_${sha256(name).slice(0, 6)}`;
}

const CLASS_DEFS = {
  added: "fill:#e6ffed,stroke:#1a7f37,stroke-width:2px,color:#0b3d1a",
  changed: "fill:#fff8c5,stroke:#9a6700,stroke-width:2px,color:#3d2a00",
  removed: "fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5,color:#5c0a10",
} as const;
type Mark = keyof typeof CLASS_DEFS;

/** Colour is not the only signal: the label says it too. */
const MARK_TEXT: Record<Mark, string> = { added: "NEW · ", changed: "CHANGED · ", removed: "REMOVED · " };

export interface FlowchartMarks {
  /** Step ids or paths (`steps[2]`, `steps[1].then[0]`), plus `trigger`, `entry`, `goal`. */
  changed?: Set<string>;
  added?: Set<string>;
  /** Steps of the previous version that are gone, drawn apart from the journey. */
  removed?: PlacedStep[];
}

interface Pending {
  from: string;
  label?: string;
}

const SHAPES: Record<Step["type"], [string, string]> = {
  wait: ["(", ")"],
  send: ["[", "]"],
  branch: ["{", "}"],
  split: ["{", "}"],
  update_property: ["[/", "/]"],
  add_to_segment: ["[/", "/]"],
  remove_from_segment: ["[/", "/]"],
  webhook: ["[[", "]]"],
  exit: ["([", "])"],
};

class Chart {
  readonly lines: string[] = [];
  readonly classes: Record<Mark, string[]> = { added: [], changed: [], removed: [] };

  /** Several texts become several lines of one box. */
  node(id: string, text: string | string[], shape: [string, string], mark?: Mark): void {
    if (mark) this.classes[mark].push(id);
    const lines = (Array.isArray(text) ? text : [text]).map((t) => label(t));
    this.lines.push(`  ${id}${shape[0]}"${mark ? MARK_TEXT[mark] : ""}${lines.join("<br/>")}"${shape[1]}`);
  }

  edge(from: string, to: string, text?: string, dotted = false): void {
    const arrow = dotted ? "-.->" : "-->";
    this.lines.push(`  ${from} ${arrow}${text ? `|"${label(text, 40)}"|` : ""} ${to}`);
  }

  finish(): string {
    const out = [...this.lines];
    for (const mark of Object.keys(CLASS_DEFS) as Mark[]) {
      const ids = this.classes[mark];
      if (!ids.length) continue;
      out.push(`  classDef ${mark} ${CLASS_DEFS[mark]}`);
      out.push(`  class ${ids.join(",")} ${mark}`);
    }
    return `${out.join("\n")}\n`;
  }
}

/** The journey of one workflow, top to bottom, with what changed marked. */
export function workflowFlowchart(wf: Resource<"workflow">, opts: FlowchartMarks = {}): string {
  const spec = wf.spec;
  const chart = new Chart();
  const markOf = (keys: (string | undefined)[]): Mark | undefined => {
    if (keys.some((k) => k !== undefined && opts.added?.has(k))) return "added";
    if (keys.some((k) => k !== undefined && opts.changed?.has(k))) return "changed";
    return undefined;
  };
  chart.lines.push("flowchart TD");
  chart.lines.push(`  %% workflow.${label(wf.name, 200)}`);
  chart.node("trigger", `Trigger · ${triggerWords(spec.trigger)}`, ["([", "])"], markOf(["trigger"]));
  let pending: Pending[] = [{ from: "trigger" }];

  const sup = suppressionWords(spec);
  if (spec.entry_filter || sup) {
    const parts = [];
    if (spec.entry_filter) parts.push(`Only if ${conditionWords(spec.entry_filter)}`);
    if (sup) parts.push(`Never if ${sup}`);
    chart.node("entry", parts, ["{{", "}}"], markOf(["entry"]));
    connect(chart, pending, "entry");
    pending = [{ from: "entry" }];
  }

  const seq = (steps: Step[], idPrefix: string, pathPrefix: string, incoming: Pending[]): Pending[] => {
    let into = incoming;
    steps.forEach((step, i) => {
      const id = `${idPrefix}${i}`;
      const path = `${pathPrefix}[${i}]`;
      chart.node(id, stepWords(step), SHAPES[step.type] ?? ["[", "]"], markOf([step.id, path]));
      connect(chart, into, id);
      switch (step.type) {
        case "exit":
          into = [];
          break;
        case "branch": {
          const yes = seq(step.then, `${id}_t`, `${path}.then`, [{ from: id, label: "yes" }]);
          const no = step.else?.length
            ? seq(step.else, `${id}_e`, `${path}.else`, [{ from: id, label: "no" }])
            : [{ from: id, label: "no" }];
          into = [...yes, ...no];
          break;
        }
        case "split":
          into = step.paths.flatMap((p, n) =>
            seq(p.steps, `${id}_p${n}_`, `${path}.paths[${n}].steps`, [
              { from: id, label: `${p.name ? `${p.name} ` : ""}${p.percent}%` },
            ]));
          break;
        default:
          into = [{ from: id }];
      }
    });
    return into;
  };
  pending = seq(spec.steps, "s", "steps", pending);
  if (pending.length) {
    chart.node("finish", "End", ["([", "])"]);
    connect(chart, pending, "finish");
  }
  if (spec.goal) {
    chart.node("goal", `Goal · ${conditionWords(spec.goal)} · contacts exit when met`, ["[/", "\\]"], markOf(["goal"]));
    chart.edge("trigger", "goal", "any time", true);
  }
  (opts.removed ?? []).forEach((r, i) => {
    chart.node(`removed${i}`, `${stepWords(r.step)} (was ${stepPathWords(r.path)})`, ["[", "]"], "removed");
  });
  return chart.finish();
}

function connect(chart: Chart, pending: Pending[], to: string): void {
  for (const p of pending) chart.edge(p.from, to, p.label);
}

/** A step without its nested steps: what a reviewer sees in the step's own box. */
function shallow(s: Step): unknown {
  if (s.type === "branch") return { ...s, then: undefined, else: undefined };
  if (s.type === "split") return { ...s, paths: s.paths.map((p) => ({ name: p.name, percent: p.percent })) };
  return s;
}

/**
 * What changed between two versions of a journey, as flowchart marks. Steps
 * with ids are matched by id; the others by position after aligning equal
 * steps, so inserting one step does not mark everything after it.
 */
export function stepMarks(before: WorkflowSpec | undefined, after: WorkflowSpec): Required<FlowchartMarks> {
  const marks = { changed: new Set<string>(), added: new Set<string>(), removed: [] as PlacedStep[] };
  if (!before) return marks;
  if (!deepEqual(before.trigger, after.trigger)) marks.changed.add("trigger");
  if (!deepEqual(before.entry_filter, after.entry_filter) || !deepEqual(before.suppression, after.suppression)) {
    marks.changed.add("entry");
  }
  if (before.goal && after.goal && !deepEqual(before.goal, after.goal)) marks.changed.add("goal");
  if (!before.goal && after.goal) marks.added.add("goal");
  align(before.steps, after.steps, "steps", "steps", marks);
  return marks;
}

const keyOf = (s: Step): string => (s.id ? `id:${s.id}` : canonicalJson(s));
const markKey = (s: Step, path: string): string => s.id ?? path;

function align(before: Step[], after: Step[], bPrefix: string, aPrefix: string, marks: Required<FlowchartMarks>): void {
  const parts = diffArrays(before.map(keyOf), after.map(keyOf));
  let bi = 0;
  let ai = 0;
  const added = (n: number) => {
    for (let k = 0; k < n; k++, ai++) {
      for (const p of walkStep(after[ai], `${aPrefix}[${ai}]`)) marks.added.add(markKey(p.step, p.path));
    }
  };
  const removed = (n: number) => {
    for (let k = 0; k < n; k++, bi++) marks.removed.push({ step: before[bi], path: `${bPrefix}[${bi}]` });
  };
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    if (!part.added && !part.removed) {
      for (let n = 0; n < part.count!; n++, bi++, ai++) compare(before[bi], bi, after[ai], ai, bPrefix, aPrefix, marks);
    } else if (part.removed && parts[k + 1]?.added) {
      // A run of removed steps followed by added ones: the same places, edited.
      const next = parts[++k];
      const paired = Math.min(part.count!, next.count!);
      for (let n = 0; n < paired; n++) {
        if (before[bi].type === after[ai].type) {
          compare(before[bi], bi, after[ai], ai, bPrefix, aPrefix, marks);
          bi++;
          ai++;
        } else {
          removed(1);
          added(1);
        }
      }
      removed(part.count! - paired);
      added(next.count! - paired);
    } else if (part.removed) {
      removed(part.count!);
    } else {
      added(part.count!);
    }
  }
}

function compare(
  b: Step, bi: number, a: Step, ai: number, bPrefix: string, aPrefix: string, marks: Required<FlowchartMarks>,
): void {
  const bPath = `${bPrefix}[${bi}]`;
  const aPath = `${aPrefix}[${ai}]`;
  if (!deepEqual(shallow(b), shallow(a))) marks.changed.add(markKey(a, aPath));
  if (b.type === "branch" && a.type === "branch") {
    align(b.then, a.then, `${bPath}.then`, `${aPath}.then`, marks);
    align(b.else ?? [], a.else ?? [], `${bPath}.else`, `${aPath}.else`, marks);
  } else if (b.type === "split" && a.type === "split") {
    a.paths.forEach((p, n) => {
      align(b.paths[n]?.steps ?? [], p.steps, `${bPath}.paths[${n}].steps`, `${aPath}.paths[${n}].steps`, marks);
    });
  }
}

/** Segments → workflows → templates (and consent types): the whole stack on one page, for `mops graph`. */
export function stackGraph(stack: Stack): string {
  const chart = new Chart();
  chart.lines.push("flowchart LR");
  chart.lines.push(`  %% stack ${label(stack.name, 200)} (${label(stack.environment, 200)})`);
  const of = <K extends Kind>(kind: K) => stack.resources.filter((r) => r.kind === kind) as Resource<K>[];
  const segments = of("segment");
  const workflows = of("workflow");
  const templates = of("template");
  const subs = of("subscription_type");
  const declared = new Set(stack.resources.map((r) => `${r.kind}.${r.name}`));
  // Kinds are told apart by shape, not by subgraphs: edges from workflows back
  // to segments (adds to / removes from) make clustered layouts unreadable.
  const group = (title: string, body: () => void) => {
    chart.lines.push(`  %% ${title}`);
    body();
  };
  if (segments.length) {
    group("Segments", () => {
      for (const s of segments) chart.node(nodeId("seg", s.name), `${s.name} (${s.spec.type})`, ["[(", ")]"]);
    });
  }
  if (workflows.length) {
    group("Workflows", () => {
      for (const w of workflows) {
        const status = w.spec.status === "active" ? "" : ` (${w.spec.status})`;
        chart.node(nodeId("wf", w.name), `${w.name}${status}`, ["([", "])"]);
      }
    });
  }
  if (templates.length) {
    group("Templates", () => {
      for (const t of templates) chart.node(nodeId("tpl", t.name), `${t.name} (${t.spec.channel})`, ["[", "]"]);
    });
  }
  if (subs.length) {
    group("Subscription types", () => {
      for (const s of subs) chart.node(nodeId("sub", s.name), `${s.name} (${s.spec.channel})`, ["{{", "}}"]);
    });
  }
  // Only draw edges to declared nodes: Mermaid would otherwise invent bare nodes outside the groups.
  const seen = new Set<string>();
  const edge = (fromKind: string, from: string, toKind: string, to: string, text: string, dotted = false) => {
    const prefixes: Record<string, string> = { segment: "seg", workflow: "wf", template: "tpl", subscription_type: "sub" };
    if (!declared.has(`${fromKind}.${from}`) || !declared.has(`${toKind}.${to}`)) return;
    const a = nodeId(prefixes[fromKind], from);
    const b = nodeId(prefixes[toKind], to);
    const key = `${a}>${b}>${text}`;
    if (seen.has(key)) return;
    seen.add(key);
    chart.edge(a, b, text, dotted);
  };
  for (const s of segments) {
    for (const other of segmentRefs(s.spec.conditions)) edge("segment", other, "segment", s.name, "includes");
  }
  for (const w of workflows) {
    const spec = w.spec;
    if (spec.trigger.type === "segment_entry") edge("segment", spec.trigger.segment, "workflow", w.name, "enters");
    for (const seg of segmentRefs(spec.entry_filter)) edge("segment", seg, "workflow", w.name, "filters", true);
    for (const seg of spec.suppression?.segments ?? []) edge("segment", seg, "workflow", w.name, "suppresses", true);
    for (const { step } of walkSteps(spec.steps)) {
      if (step.type === "send") {
        edge("workflow", w.name, "template", step.template, step.channel);
        if (step.subscription_type) edge("workflow", w.name, "subscription_type", step.subscription_type, "", true);
      } else if (step.type === "add_to_segment") {
        edge("workflow", w.name, "segment", step.segment, "adds to");
      } else if (step.type === "remove_from_segment") {
        edge("workflow", w.name, "segment", step.segment, "removes from");
      }
    }
  }
  return chart.finish();
}

/** Segment names a condition refers to (`in_segment`). */
function segmentRefs(c: Condition | undefined): string[] {
  return [...conditionReferences(c, [])].filter((r) => r.kind === "segment").map((r) => r.name);
}
