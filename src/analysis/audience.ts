import { hasOpaqueAudience, type Condition, type WorkflowSpec } from "../model";
import type { ConditionEnv } from "./evaluate";
import { Normalizer, opaqueAudience, TooComplex, type Dnf } from "./dnf";
import { quickConflict } from "./quick";
import { solve, type SolveResult } from "./solve";

/**
 * Who can enter a workflow, as one condition: the trigger (segment
 * membership, the event happening now, the date property being set),
 * the entry filter, and not being in any suppression segment or event.
 */
export function audienceCondition(w: WorkflowSpec): Condition {
  const parts: Condition[] = [];
  const t = w.trigger;
  if (t.type === "segment_entry") parts.push({ in_segment: t.segment });
  if (t.type === "event") parts.push({ event: t.event, at_least: 1, within: "0m", ...(t.where ? { where: t.where } : {}) });
  if (t.type === "date") parts.push({ property: t.property, op: "exists" });
  if (w.entry_filter) parts.push(w.entry_filter);
  for (const s of w.suppression?.segments ?? []) parts.push({ not: { in_segment: s } });
  for (const e of w.suppression?.events ?? []) parts.push({ not: e });
  // A manual workflow with no filter can reach anyone: the empty conjunction.
  return { all: parts };
}

/** Same shape as one conjunction's answer: a witness, a proof of emptiness, or the reasons it cannot tell. */
export type Decision = SolveResult;

/**
 * Decides satisfiability of audiences and their intersections, memoising each
 * segment's and each workflow's normal form (unsatisfiable terms are dropped
 * as soon as a segment is normalised, which keeps products small).
 */
export class AudienceSolver {
  readonly normalizer: Normalizer;
  private memo = new Map<string, Dnf | TooComplex>();
  private pairs = new Map<string, Decision>();

  constructor(readonly env: ConditionEnv) {
    this.normalizer = new Normalizer(env, (t) => solve(t, env).status === "unsat");
  }

  /** The workflow's audience in DNF, or TooComplex. An opaque one is its conditions and the unknown entry audience. */
  audience(name: string, w: WorkflowSpec): Dnf | TooComplex {
    let d = this.memo.get(name);
    if (!d) {
      d = this.normalize(audienceCondition(w));
      if (hasOpaqueAudience(w) && !(d instanceof TooComplex)) {
        const unknown = opaqueAudience(`workflow:${name}`, `the platform does not export who enters \`workflow.${name}\``);
        d = d.map((t) => [...t, unknown]);
      }
      this.memo.set(name, d);
    }
    return d;
  }

  /** Can the two workflows enrol one contact? Memoised: conflicts and every cap ask. */
  overlap(a: string, wa: WorkflowSpec, b: string, wb: WorkflowSpec): Decision {
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    let d = this.pairs.get(key);
    if (!d) {
      d = this.intersect(this.audience(a, wa), this.audience(b, wb));
      this.pairs.set(key, d);
    }
    return d;
  }

  normalize(c: Condition): Dnf | TooComplex {
    try {
      return this.normalizer.algebra.simplify(this.normalizer.dnf(c)).filter((t) => solve(t, this.env).status !== "unsat");
    } catch (e) {
      if (e instanceof TooComplex) return e;
      throw e;
    }
  }

  /** Is some contact in every one of these DNFs at once? */
  intersect(...ds: (Dnf | TooComplex)[]): Decision {
    const bad = ds.find((d): d is TooComplex => d instanceof TooComplex);
    if (bad) return { status: "unknown", reasons: [bad.message] };
    const dnfs = ds as Dnf[];
    const reasons = new Set<string>();
    let count = 0;
    const walk = (i: number, acc: Dnf[number], picked: Dnf[number][]): SolveResult | undefined => {
      if (i === dnfs.length) {
        const r = solve(acc, this.env);
        if (r.status === "unknown") r.reasons.forEach((x) => reasons.add(x));
        return r.status === "sat" ? r : undefined;
      }
      for (const t of dnfs[i]) {
        if (++count > 20_000) { reasons.add("too many combinations to decide"); return undefined; }
        if (picked.some((p) => quickConflict(p, t))) continue;
        const r = walk(i + 1, i === 0 ? t : acc.concat(t), [...picked, t]);
        if (r) return r;
      }
      return undefined;
    };
    const r = walk(0, [], []);
    if (r && r.status === "sat") return r;
    return reasons.size ? { status: "unknown", reasons: [...reasons] } : { status: "unsat" };
  }
}
