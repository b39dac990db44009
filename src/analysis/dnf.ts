import {
  canonicalJson, durationMs, hasOpaqueAudience, isAll, isAny, isConsent, isEventCondition, isMembership, isNot, isPropertyCondition,
  type Condition, type EventCondition, type PropertyCondition,
} from "../model";
import type { ConditionEnv } from "./evaluate";
import { countBounds } from "./evaluate";
import { isDateMode, rangeOf, type Interval } from "./values";

/**
 * Literals of the disjunctive normal form. Every property literal except
 * `exists: false` also requires the property to be present, which is what
 * makes negation exact: not (p > 5) = p missing, or p <= 5.
 */
export type Lit =
  | { k: "range"; prop: string; date: boolean; iv: Interval }
  | { k: "in"; prop: string; date: boolean; values: unknown[] }
  | { k: "notin"; prop: string; date: boolean; values: unknown[] }
  | { k: "exists"; prop: string; yes: boolean }
  | { k: "str"; prop: string; op: "contains" | "starts_with"; value: string; yes: boolean }
  /** A list property holds `value` (false when the list is missing). */
  | { k: "has"; prop: string; value: unknown; yes: boolean }
  /** Count of `event` (matching `where`) in the last `windowMs` is within [lo, hi]. */
  | { k: "count"; event: string; where?: PropertyCondition[]; whereKey: string; windowMs: number; lo: number; hi: number }
  /** Free boolean facts: consent, static-segment membership, and what we cannot read (`opaque`). */
  | { k: "flag"; kind: "consent" | "member" | "opaque"; key: string; yes: boolean; reason?: string };

export type Term = Lit[];

/** Reasons that begin so come from an audience the platform does not expose; rules say "cannot decide" about them. */
export const OPAQUE_AUDIENCE_REASON = "audience opaque";
export const isOpaqueReason = (reason: string): boolean => reason.startsWith(`${OPAQUE_AUDIENCE_REASON}:`);

/** The unknown fact "belongs to this unreadable audience": satisfiable or not, no one can tell. */
export const opaqueAudience = (key: string, what: string): Lit =>
  ({ k: "flag", kind: "opaque", key: `audience:${key}`, yes: true, reason: `${OPAQUE_AUDIENCE_REASON}: ${what}` });
export type Dnf = Term[];

/** Thrown inside normalisation when the form would explode; callers report "cannot decide". */
export class TooComplex extends Error {}

export const MAX_TERMS = 512;
const TOO_LARGE = `condition too large to decide (more than ${MAX_TERMS} alternatives once \`any\` and \`not\` are expanded)`;

const TRUE: Dnf = [[]];
const FALSE: Dnf = [];

const litKeys = new WeakMap<Lit, string>();
const litKey = (l: Lit): string => {
  let k = litKeys.get(l);
  if (k === undefined) litKeys.set(l, (k = JSON.stringify(l)));
  return k;
};

const missing = (prop: string): Lit => ({ k: "exists", prop, yes: false });

/** not(lit) as a DNF, under the "missing property fails every test but neq/not_in" reading. */
export function negateLit(l: Lit): Dnf {
  switch (l.k) {
    case "exists":
    case "has":
      return [[{ ...l, yes: !l.yes }]];
    case "flag":
      return [[{ ...l, yes: !l.yes }]];
    case "in":
      return [[missing(l.prop)], [{ k: "notin", prop: l.prop, date: l.date, values: l.values }]];
    case "notin":
      return [[missing(l.prop)], [{ k: "in", prop: l.prop, date: l.date, values: l.values }]];
    case "str":
      return [[missing(l.prop)], [{ ...l, yes: !l.yes }]];
    case "range": {
      const out: Dnf = [[missing(l.prop)]];
      const { lo, loInc, hi, hiInc } = l.iv;
      if (lo > -Infinity) out.push([{ ...l, iv: { lo: -Infinity, loInc: false, hi: lo, hiInc: !loInc } }]);
      if (hi < Infinity) out.push([{ ...l, iv: { lo: hi, loInc: !hiInc, hi: Infinity, hiInc: false } }]);
      return out;
    }
    case "count": {
      const out: Dnf = [];
      if (l.lo > 0) out.push([{ ...l, lo: 0, hi: l.lo - 1 }]);
      if (l.hi < Infinity) out.push([{ ...l, lo: l.hi + 1, hi: Infinity }]);
      return out;
    }
  }
}

/**
 * DNF algebra with simplification: duplicate literals and terms go, and
 * terms `isUnsat` proves empty are dropped as soon as products grow, so
 * negating a segment does not explode into thousands of dead terms.
 */
export class DnfAlgebra {
  constructor(private isUnsat: (t: Term) => boolean = () => false) {}

  /** `prune`: also run the (costly) contradiction test on every term. */
  simplify(d: Dnf, prune = d.length > 1): Dnf {
    const terms: { keys: Set<string>; term: Term }[] = [];
    const seen = new Set<string>();
    for (const t of d) {
      const byKey = new Map<string, Lit>();
      for (const l of t) byKey.set(litKey(l), l);
      const sig = [...byKey.keys()].sort().join("\u0000");
      if (seen.has(sig)) continue;
      seen.add(sig);
      const term = [...byKey.values()];
      if (prune && this.isUnsat(term)) continue;
      terms.push({ keys: new Set(byKey.keys()), term });
    }
    // Absorption: a term that contains all of another term's literals adds nobody.
    if (terms.length > 256) return terms.map((t) => t.term);
    terms.sort((a, b) => a.keys.size - b.keys.size);
    const kept: typeof terms = [];
    for (const t of terms) {
      if (!kept.some((k) => k.keys.size <= t.keys.size && [...k.keys].every((x) => t.keys.has(x)))) kept.push(t);
    }
    return kept.map((t) => t.term);
  }

  or(a: Dnf, b: Dnf): Dnf {
    let out = a.concat(b);
    if (out.length > 8) out = this.simplify(out, out.length > 32);
    if (out.length > MAX_TERMS) throw new TooComplex(TOO_LARGE);
    return out;
  }

  and(a: Dnf, b: Dnf): Dnf {
    if (a.length * b.length > MAX_TERMS * 8) throw new TooComplex(TOO_LARGE);
    let out: Dnf = [];
    for (const x of a) for (const y of b) out.push(x.concat(y));
    // Small products are only deduplicated; contradiction tests pay off once they grow.
    if (out.length > 1) out = this.simplify(out, out.length > 4);
    if (out.length > MAX_TERMS) throw new TooComplex(TOO_LARGE);
    return out;
  }

  andAll(ds: Dnf[]): Dnf {
    return ds.reduce((x, y) => this.and(x, y), TRUE);
  }

  negate(d: Dnf): Dnf {
    let out: Dnf = TRUE;
    for (const term of d) {
      let alt: Dnf = FALSE;
      for (const l of term) alt = this.or(alt, negateLit(l));
      out = this.and(out, alt);
    }
    return out;
  }
}

/**
 * Converts conditions to DNF, expanding `in_segment` through the stack's
 * segment definitions (memoised: a segment used by 50 workflows is expanded once).
 */
export class Normalizer {
  private memo = new Map<string, Dnf>();
  readonly algebra: DnfAlgebra;
  constructor(private env: ConditionEnv, isUnsat?: (t: Term) => boolean) {
    this.algebra = new DnfAlgebra(isUnsat);
  }

  dnf(c: Condition, visiting: ReadonlySet<string> = new Set()): Dnf {
    const A = this.algebra;
    if (isAll(c)) return A.andAll(c.all.map((x) => this.dnf(x, visiting)));
    if (isAny(c)) return c.any.reduce<Dnf>((acc, x) => A.or(acc, this.dnf(x, visiting)), FALSE);
    if (isNot(c)) return A.negate(this.dnf(c.not, visiting));
    if (isMembership(c)) return this.segment(c.in_segment, visiting);
    if (isConsent(c)) return [[{ k: "flag", kind: "consent", key: c.consent, yes: true }]];
    if (isEventCondition(c)) return [[eventLit(c)]];
    if (isPropertyCondition(c)) return this.property(c);
    return [[{ k: "flag", kind: "opaque", key: canonicalJson(c), yes: true, reason: "an unknown condition" }]];
  }

  segment(name: string, visiting: ReadonlySet<string> = new Set()): Dnf {
    const seg = this.env.segments.get(name);
    if (!seg) return [[{ k: "flag", kind: "opaque", key: `segment:${name}`, yes: true, reason: `segment \`${name}\` is not declared` }]];
    if (!seg.conditions) {
      return hasOpaqueAudience(seg)
        ? [[opaqueAudience(`segment:${name}`, `the platform does not export the filters of \`segment.${name}\``)]]
        : [[{ k: "flag", kind: "member", key: name, yes: true }]];
    }
    if (visiting.has(name)) {
      return [[{ k: "flag", kind: "opaque", key: `segment:${name}`, yes: true, reason: `segment \`${name}\` refers to itself` }]];
    }
    const hit = this.memo.get(name);
    if (hit) return hit;
    const d = this.algebra.simplify(this.dnf(seg.conditions, new Set([...visiting, name])));
    this.memo.set(name, d);
    return d;
  }

  private property(c: PropertyCondition): Dnf {
    const prop = c.property;
    const spec = this.env.properties.get(prop);
    const date = isDateMode(spec?.type, c.op);
    if (c.op === "exists") return [[{ k: "exists", prop, yes: true }]];
    if (c.op === "not_exists") return [[missing(prop)]];
    const values = Array.isArray(c.value) ? c.value : [c.value];
    if (spec?.type === "list") {
      // A list answers membership: eq / in / contains mean it holds one of the values, neq / not_in none of them.
      const has = (yes: boolean) => values.map((value): Lit => ({ k: "has", prop, value, yes }));
      if (c.op === "eq" || c.op === "in" || c.op === "contains") return has(true).map((l) => [l]);
      if (c.op === "neq" || c.op === "not_in") return [has(false)];
      return FALSE;
    }
    switch (c.op) {
      case "eq": return [[{ k: "in", prop, date, values: [c.value] }]];
      case "neq": return negateLit({ k: "in", prop, date, values: [c.value] });
      case "in": return [[{ k: "in", prop, date, values }]];
      case "not_in": return negateLit({ k: "in", prop, date, values });
      case "contains":
      case "starts_with":
        return [[{ k: "str", prop, op: c.op, value: String(c.value), yes: true }]];
      default: {
        const iv = rangeOf(c, date, this.env.now);
        // A range with a value that is no number or date holds for nobody.
        return iv ? [[{ k: "range", prop, date, iv }]] : FALSE;
      }
    }
  }
}

function eventLit(c: EventCondition): Lit {
  const { lo, hi } = countBounds(c);
  const where = c.where && c.where.length > 0 ? c.where : undefined;
  return {
    k: "count", event: c.event, where, whereKey: where ? canonicalJson(where) : "",
    windowMs: c.within === undefined ? Infinity : durationMs(c.within), lo, hi,
  };
}
