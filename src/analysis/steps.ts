import { durationMs, type Channel, type Condition, type Step, type WorkflowSpec } from "../model";
import type { SpecPath } from "../diagnostics";
import { walkSteps } from "../model/refs";

export type SendStep = Extract<Step, { type: "send" }>;

/**
 * Sends with the branch conditions that lead to them (`else` contributes the
 * negation), so a send behind `branch: { consent: sms }` is judged on the
 * contacts who actually reach it. Engagement branches constrain nobody's audience.
 */
export function* guardedSends(steps: readonly Step[], base: SpecPath = ["steps"], guards: Condition[] = []):
  Generator<{ step: SendStep; path: SpecPath; guards: Condition[] }> {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const path = [...base, i];
    if (step.type === "send") yield { step, path, guards };
    if (step.type === "branch") {
      const c = "engagement" in step.condition ? undefined : (step.condition as Condition);
      yield* guardedSends(step.then, [...path, "then"], c ? [...guards, c] : guards);
      if (step.else) yield* guardedSends(step.else, [...path, "else"], c ? [...guards, { not: c }] : guards);
    }
    if (step.type === "split") {
      for (let p = 0; p < step.paths.length; p++) yield* guardedSends(step.paths[p].steps, [...path, "paths", p, "steps"], guards);
    }
  }
}

export function* sends(w: WorkflowSpec): Generator<{ step: SendStep; path: SpecPath }> {
  for (const s of walkSteps(w.steps)) if (s.step.type === "send") yield s as { step: SendStep; path: SpecPath };
}

/** Channels a workflow sends marketing (non-transactional) messages on. */
export function marketingChannels(w: WorkflowSpec): Set<Channel> {
  const out = new Set<Channel>();
  for (const { step } of sends(w)) if (!step.transactional) out.add(step.channel);
  return out;
}

/** Shortest time a wait can take: `until` may already be true, so only a fixed duration counts. */
export const minWaitMs = (s: Extract<Step, { type: "wait" }>): number => (s.duration ? durationMs(s.duration) : 0);

/** One way through a journey: when each send happens (ms after entry) and when the journey ends. */
export interface Route {
  sends: { at: number; step: SendStep }[];
  end: number;
}

/**
 * Every route through the steps, taking the fastest reading of each wait
 * (the worst case for frequency). Stops after `limit` routes: callers treat
 * more as "at least this many".
 */
export function routes(steps: readonly Step[], limit = 256): Route[] {
  const out: Route[] = [];
  const go = (stack: (readonly Step[])[], idx: number[], at: number, sent: Route["sends"]): void => {
    if (out.length >= limit) return;
    if (stack.length === 0) { out.push({ sends: sent, end: at }); return; }
    const list = stack[stack.length - 1], i = idx[idx.length - 1];
    if (i >= list.length) { go(stack.slice(0, -1), idx.slice(0, -1), at, sent); return; }
    const step = list[i];
    const next = [...idx.slice(0, -1), i + 1];
    switch (step.type) {
      case "exit": out.push({ sends: sent, end: at }); return;
      case "wait": go(stack, next, at + minWaitMs(step), sent); return;
      case "send": go(stack, next, at, [...sent, { at, step }]); return;
      case "branch":
        go([...stack, step.then], [...next, 0], at, sent);
        go(step.else ? [...stack, step.else] : stack, step.else ? [...next, 0] : next, at, sent);
        return;
      case "split":
        for (const p of step.paths) go([...stack, p.steps], [...next, 0], at, sent);
        return;
      default: go(stack, next, at, sent);
    }
  };
  go([steps], [0], 0, []);
  return out;
}

/** Does this step list always end the journey (every way through it reaches `exit`)? */
export function alwaysExits(steps: readonly Step[]): boolean {
  return steps.some((s) =>
    s.type === "exit" ||
    (s.type === "branch" && s.else !== undefined && alwaysExits(s.then) && alwaysExits(s.else)) ||
    (s.type === "split" && s.paths.every((p) => alwaysExits(p.steps))),
  );
}
