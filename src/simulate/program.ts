import { durationMs, type Channel, type Condition, type EngagementCondition, type Scalar, type Step } from "../model";
import { pathText, type RefPath } from "../model/refs";
import { knownTimeZone } from "./clock";
import { compile, type Compiled, type Runtime } from "./compile";

/**
 * A journey's steps as a flat program: branches and splits become jumps, so
 * a run is a program counter and resuming after a wait is one array lookup.
 */

export type EngagementAction = EngagementCondition["engagement"]["action"];

export interface SendOp {
  op: "send";
  /** Index among the workflow's sends; a run keeps each send's outcome there. */
  send: number;
  /** The step's id, or its path when it has none (`steps[2]`). */
  label: string;
  channel: Channel;
  template: string;
  subscription?: string;
  transactional: boolean;
}

export type Op =
  | SendOp
  | { op: "wait"; ms: number }
  | { op: "until"; until: NonNullable<Extract<Step, { type: "wait" }>["until"]>; maxMs?: number }
  | { op: "branch"; cond: Compiled; else: number }
  | { op: "engaged"; send: number; action: EngagementAction; withinMs?: number; else: number }
  | { op: "split"; cumulative: number[]; targets: number[] }
  | { op: "set"; property: string; value: Scalar | null }
  | { op: "add" | "remove"; segment: string }
  | { op: "webhook" }
  | { op: "exit" }
  | { op: "jump"; to: number };

export interface Program {
  ops: Op[];
  sends: SendOp[];
}

export function compileSteps(steps: readonly Step[], rt: Runtime): Program {
  const ops: Op[] = [];
  const sends: SendOp[] = [];
  const sendOfId = new Map<string, number>();
  // Engagement may name a send compiled later (a loop is impossible, but order in the YAML is free): patch at the end.
  const engaged: { at: number; step: string }[] = [];

  const emit = (list: readonly Step[], base: RefPath): void => {
    list.forEach((step, i) => {
      const path = [...base, i];
      switch (step.type) {
        case "send": {
          const op: SendOp = {
            op: "send", send: sends.length, label: step.id ?? pathText(path), channel: step.channel, template: step.template,
            ...(step.subscription_type ? { subscription: step.subscription_type } : {}), transactional: !!step.transactional,
          };
          if (step.id) sendOfId.set(step.id, op.send);
          sends.push(op);
          ops.push(op);
          break;
        }
        case "wait":
          if (step.duration) ops.push({ op: "wait", ms: durationMs(step.duration) });
          else {
            // An unknown zone is reported by the engine; the wait reads UTC meanwhile.
            const until = step.until?.timezone && !knownTimeZone(step.until.timezone) ? { ...step.until, timezone: "UTC" } : step.until ?? {};
            ops.push({ op: "until", until, ...(step.max ? { maxMs: durationMs(step.max) } : {}) });
          }
          break;
        case "branch": {
          const at = ops.length;
          if ("engagement" in step.condition) {
            const e = (step.condition as EngagementCondition).engagement;
            ops.push({ op: "engaged", send: -1, action: e.action, ...(e.within ? { withinMs: durationMs(e.within) } : {}), else: -1 });
            engaged.push({ at, step: e.step });
          } else {
            ops.push({ op: "branch", cond: compile(step.condition as Condition, rt), else: -1 });
          }
          emit(step.then, [...path, "then"]);
          const jump = ops.length;
          if (step.else?.length) ops.push({ op: "jump", to: -1 });
          (ops[at] as { else: number }).else = ops.length;
          if (step.else?.length) {
            emit(step.else, [...path, "else"]);
            (ops[jump] as { to: number }).to = ops.length;
          }
          break;
        }
        case "split": {
          const op: Op = { op: "split", cumulative: [], targets: [] };
          ops.push(op);
          const jumps: number[] = [];
          let sum = 0;
          step.paths.forEach((p, k) => {
            sum += p.percent;
            op.cumulative.push(sum / 100);
            op.targets.push(ops.length);
            emit(p.steps, [...path, "paths", k, "steps"]);
            jumps.push(ops.length);
            ops.push({ op: "jump", to: -1 });
          });
          for (const j of jumps) (ops[j] as { to: number }).to = ops.length;
          break;
        }
        case "update_property":
          ops.push({ op: "set", property: step.property, value: step.value });
          break;
        case "add_to_segment":
          ops.push({ op: "add", segment: step.segment });
          break;
        case "remove_from_segment":
          ops.push({ op: "remove", segment: step.segment });
          break;
        case "webhook":
          ops.push({ op: "webhook" });
          break;
        case "exit":
          ops.push({ op: "exit" });
          break;
      }
    });
  };
  emit(steps, ["steps"]);
  for (const { at, step } of engaged) (ops[at] as { send: number }).send = sendOfId.get(step) ?? -1;
  return { ops, sends };
}

/**
 * The longest a journey can take, reading every wait at its longest (an
 * unbounded one as a week): how long a holdout contact is watched for the goal.
 */
export function longestMs(p: Program): number {
  const memo = new Map<number, number>();
  const from = (pc: number): number => {
    if (pc >= p.ops.length) return 0;
    const hit = memo.get(pc);
    if (hit !== undefined) return hit;
    memo.set(pc, 0);
    const op = p.ops[pc]!;
    let v: number;
    switch (op.op) {
      case "wait": v = op.ms + from(pc + 1); break;
      case "until": v = (op.maxMs ?? 7 * 86_400_000) + from(pc + 1); break;
      case "branch": v = Math.max(from(pc + 1), from(op.else)); break;
      case "engaged": v = (op.withinMs ?? 0) + Math.max(from(pc + 1), from(op.else)); break;
      case "split": v = Math.max(...op.targets.map(from)); break;
      case "jump": v = from(op.to); break;
      case "exit": v = 0; break;
      default: v = from(pc + 1);
    }
    memo.set(pc, v);
    return v;
  };
  return from(0);
}
