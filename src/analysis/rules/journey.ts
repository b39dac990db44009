import type { Diagnostic } from "../../diagnostics";
import { address, type Step, type WorkflowSpec } from "../../model";
import type { SpecPath } from "../../diagnostics";
import type { AnalysisContext, Rule } from "../context";
import { walkSteps } from "../../model/refs";
import { alwaysExits, minWaitMs } from "../steps";

export const unreachableSteps: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  const scan = (name: string, steps: readonly Step[], base: SpecPath) => {
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      if (s.type === "branch") {
        scan(name, s.then, [...base, i, "then"]);
        if (s.else) scan(name, s.else, [...base, i, "else"]);
      }
      if (s.type === "split") s.paths.forEach((p, k) => scan(name, p.steps, [...base, i, "paths", k, "steps"]));
      if (i + 1 < steps.length && alwaysExits([s])) {
        // Removing what nobody reaches changes nothing, unless a branch still names one of those steps.
        const gone = steps.slice(i + 1);
        const ids = new Set([...walkSteps(gone)].flatMap(({ step }) => (step.id ? [step.id] : [])));
        const kept = [...walkSteps(ctx.workflows.get(name)!.steps)].filter(({ step }) => !gone.includes(step));
        const named = kept.some(({ step }) => step.type === "branch" && "engagement" in step.condition && ids.has(step.condition.engagement.step));
        out.push(ctx.finding("journey/unreachable-step", "warning", { kind: "workflow", name }, [...base, i + 1],
          `no contact reaches this step: every path before it ends with \`exit\``,
          {
            hint: "remove the step, or the `exit` that cuts it off", detail: { step: steps[i + 1].id ?? i + 1 },
            fixes: named ? [] : [{
              title: `remove the ${gone.length === 1 ? "step" : `${gone.length} steps`} after the exit`, safe: true,
              edits: gone.map((_, k) => ({ address: address("workflow", name), path: [...base, steps.length - 1 - k], op: "remove" as const })),
            }],
          }));
        return;
      }
    }
  };
  for (const [name, w] of ctx.workflows) scan(name, w.steps, ["steps"]);
  return out;
};

/** A wait that only says `until` with no weekday and no time, and no `max`, may never end. */
export const unboundedWaits: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  for (const [name, w] of ctx.workflows) {
    for (const { step, path } of walkSteps(w.steps)) {
      if (step.type !== "wait" || step.duration || step.max || !step.until) continue;
      if (step.until.weekday?.length || step.until.time) continue;
      out.push(ctx.finding("journey/unbounded-wait", "warning", { kind: "workflow", name }, [...path, "until"],
        "this wait names no weekday or time to wait for and no `max`: contacts can stay here forever",
        {
          hint: "give `until` a weekday or time, or add `max: 7d`",
          fixes: [{ title: "wait at most 7 days", safe: false, edits: [{ address: address("workflow", name), path: [...path, "max"], op: "set", value: "7d" }] }],
        }));
    }
  }
  return out;
};

/** A branch on engagement with no `within` waits for an open or click that may never come. */
export const endlessBranches: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  for (const [name, w] of ctx.workflows) {
    for (const { step, path } of walkSteps(w.steps)) {
      if (step.type !== "branch" || !("engagement" in step.condition)) continue;
      const e = step.condition.engagement;
      if (e.within || e.action === "delivered") continue;
      out.push(ctx.finding("journey/branch-without-end", "warning", { kind: "workflow", name }, [...path, "condition", "engagement"],
        `this branch waits for \`${e.action}\` on step \`${e.step}\` with no time limit: contacts who never ${e.action.replace(/ed$/, "")} stay in the journey forever`,
        {
          hint: "add `within: 3d` so the else path takes everyone else",
          fixes: [{ title: "wait 3 days for it", safe: false, edits: [{ address: address("workflow", name), path: [...path, "condition", "engagement", "within"], op: "set", value: "3d" }] }],
        }));
    }
  }
  return out;
};

/**
 * Workflows that enrol each other (or themselves) through `add_to_segment`
 * with no wait in between, and re-enrollment without delay: a contact
 * cycles through them as fast as the platform runs.
 */
export const loopsWithoutWait: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  const bySegment = new Map<string, string[]>();
  for (const [name, w] of ctx.workflows) {
    if (w.trigger.type === "segment_entry") bySegment.set(w.trigger.segment, [...(bySegment.get(w.trigger.segment) ?? []), name]);
  }
  const reenters = (w: WorkflowSpec) => w.reenrollment?.allowed === true && !w.reenrollment.after;
  const edges = new Map<string, { to: string; path: SpecPath }[]>();
  for (const [name, w] of ctx.workflows) {
    const list: { to: string; path: SpecPath }[] = [];
    for (const { path, step } of walkSteps(w.steps)) {
      if (step.type !== "add_to_segment" || waitedBefore(w.steps, path)) continue;
      for (const to of bySegment.get(step.segment) ?? []) list.push({ to, path });
    }
    edges.set(name, list);
  }
  const reported = new Set<string>();
  for (const start of [...ctx.workflows.keys()].sort()) {
    const cycle = findCycle(start, edges, (n) => reenters(ctx.workflows.get(n)!));
    if (!cycle) continue;
    const key = [...cycle.names].sort().join(",");
    if (reported.has(key)) continue;
    reported.add(key);
    out.push(ctx.finding("journey/loop-without-wait", "error", { kind: "workflow", name: start }, cycle.path,
      `contacts loop ${cycle.names.map((n) => `workflow.${n}`).join(" -> ")} -> workflow.${start} with no wait`,
      {
        hint: "add a wait before `add_to_segment`, or set `reenrollment.after`", detail: { cycle: cycle.names },
        fixes: [{ title: `let contacts re-enter \`workflow.${start}\` after a day at the soonest`, safe: false, edits: [{ address: address("workflow", start), path: ["reenrollment", "after"], op: "set", value: "1d" }] }],
      }));
  }
  return out;
};

function findCycle(
  start: string, edges: Map<string, { to: string; path: SpecPath }[]>, reenters: (n: string) => boolean,
): { names: string[]; path: SpecPath } | undefined {
  if (!reenters(start)) return undefined;
  const seen = new Set<string>();
  const dfs = (n: string, trail: string[], firstPath?: SpecPath): { names: string[]; path: SpecPath } | undefined => {
    for (const e of edges.get(n) ?? []) {
      const p = firstPath ?? e.path;
      if (e.to === start) return { names: trail, path: p };
      if (seen.has(e.to) || !reenters(e.to)) continue;
      seen.add(e.to);
      const r = dfs(e.to, [...trail, e.to], p);
      if (r) return r;
    }
    return undefined;
  };
  return dfs(start, [start]);
}

/** Is there a wait of positive length on the way to the step at `path` (`["steps", 2, "then", 0]`)? */
function waitedBefore(steps: readonly Step[], path: SpecPath): boolean {
  let list: readonly Step[] = steps;
  for (let i = 1; i < path.length; ) {
    const idx = path[i] as number;
    for (let k = 0; k < idx; k++) {
      const s = list[k];
      if (s.type === "wait" && minWaitMs(s) > 0) return true;
    }
    const s = list[idx];
    if (s.type === "branch" && (path[i + 1] === "then" || path[i + 1] === "else")) {
      list = path[i + 1] === "then" ? s.then : (s.else ?? []);
      i += 2;
    } else if (s.type === "split" && path[i + 1] === "paths") {
      list = s.paths[path[i + 2] as number].steps;
      i += 4;
    } else break;
  }
  return false;
}

export const unreachableGoals: Rule = (ctx: AnalysisContext) => {
  const out: Diagnostic[] = [];
  for (const [name, w] of ctx.workflows) {
    if (!w.goal) continue;
    const d = ctx.solver.intersect(ctx.solver.normalize(w.goal));
    if (d.status !== "unsat") continue;
    out.push(ctx.finding("journey/goal-unreachable", "error", { kind: "workflow", name }, ["goal"],
      "no contact can ever meet this goal: its conditions contradict each other",
      { hint: "check the operators and values; a goal is usually the conversion the journey asks for (e.g. placed_order at least 1 time)" }));
  }
  return out;
};
