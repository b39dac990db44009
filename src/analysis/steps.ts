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
 * more as "at least this many". Walked with an explicit stack (a branch's
 * `then` before its `else`), so a long journey cannot overflow the call stack.
 */
export function routes(steps: readonly Step[], limit = 256): Route[] {
  const out: Route[] = [];
  interface At { lists: (readonly Step[])[]; idx: number[]; at: number; sent: Route["sends"] }
  const todo: At[] = [{ lists: [steps], idx: [0], at: 0, sent: [] }];
  while (todo.length > 0 && out.length < limit) {
    let s = todo.pop()!;
    follow: for (;;) {
      if (s.lists.length === 0) {
        out.push({ sends: s.sent, end: s.at });
        break;
      }
      const list = s.lists[s.lists.length - 1]!, i = s.idx[s.idx.length - 1]!;
      if (i >= list.length) {
        s = { ...s, lists: s.lists.slice(0, -1), idx: s.idx.slice(0, -1) };
        continue;
      }
      const step = list[i]!;
      const next = [...s.idx.slice(0, -1), i + 1];
      switch (step.type) {
        case "exit":
          out.push({ sends: s.sent, end: s.at });
          break follow;
        case "wait":
          s = { ...s, idx: next, at: s.at + minWaitMs(step) };
          break;
        case "send":
          s = { ...s, idx: next, sent: [...s.sent, { at: s.at, step }] };
          break;
        case "branch": {
          const ways = [{ ...s, lists: [...s.lists, step.then], idx: [...next, 0] }, step.else ? { ...s, lists: [...s.lists, step.else], idx: [...next, 0] } : { ...s, idx: next }];
          todo.push(...ways.reverse());
          break follow;
        }
        case "split":
          todo.push(...step.paths.map((p) => ({ ...s, lists: [...s.lists, p.steps], idx: [...next, 0] })).reverse());
          break follow;
        default:
          s = { ...s, idx: next };
      }
    }
  }
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
