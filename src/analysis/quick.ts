import type { Lit, Term } from "./dnf";
import type { Interval } from "./values";

/**
 * A cheap summary of one term, so that most contradictory pairs of terms
 * (a segment and its own suppression, two countries, consent yes and no)
 * are rejected without running the solver. Only ever answers "certainly
 * empty"; anything else goes to `solve`.
 */
interface Summary {
  flags: Map<string, boolean>;
  present: Set<string>;
  missing: Set<string>;
  inSets: Map<string, Set<unknown>>;
  notIn: Map<string, Set<unknown>>;
  ranges: Map<string, Interval>;
  /** Per event (and property filter): count bounds per window. */
  counts: Map<string, Map<number, { lo: number; hi: number }>>;
}

const summaries = new WeakMap<Term, Summary>();

function narrow(a: Interval | undefined, r: Interval): Interval {
  if (!a) return r;
  let iv = a;
  if (r.lo > iv.lo || (r.lo === iv.lo && !r.loInc)) iv = { ...iv, lo: r.lo, loInc: r.loInc };
  if (r.hi < iv.hi || (r.hi === iv.hi && !r.hiInc)) iv = { ...iv, hi: r.hi, hiInc: r.hiInc };
  return iv;
}

const empty = (iv: Interval): boolean => iv.lo > iv.hi || (iv.lo === iv.hi && !(iv.loInc && iv.hiInc));

function summarize(t: Term): Summary {
  let s = summaries.get(t);
  if (s) return s;
  s = { flags: new Map(), present: new Set(), missing: new Set(), inSets: new Map(), notIn: new Map(), ranges: new Map(), counts: new Map() };
  for (const l of t) add(s, l);
  summaries.set(t, s);
  return s;
}

function add(s: Summary, l: Lit): void {
  switch (l.k) {
    case "flag": s.flags.set(`${l.kind}:${l.key}`, l.yes); return;
    case "count": {
      const key = `${l.event}\u0000${l.whereKey}`;
      let windows = s.counts.get(key);
      if (!windows) s.counts.set(key, (windows = new Map()));
      const b = windows.get(l.windowMs) ?? { lo: 0, hi: Infinity };
      windows.set(l.windowMs, { lo: Math.max(b.lo, l.lo), hi: Math.min(b.hi, l.hi) });
      return;
    }
    case "exists":
      (l.yes ? s.present : s.missing).add(l.prop);
      return;
    case "has":
      if (l.yes) s.present.add(l.prop);
      return;
  }
  s.present.add(l.prop);
  if (l.k === "in" && !l.date) {
    const prev = s.inSets.get(l.prop);
    s.inSets.set(l.prop, new Set(prev ? l.values.filter((v) => prev.has(v)) : l.values));
  } else if (l.k === "notin" && !l.date) {
    s.notIn.set(l.prop, new Set([...(s.notIn.get(l.prop) ?? []), ...l.values]));
  } else if (l.k === "range") {
    const key = `${l.prop}\u0000${l.date}`;
    s.ranges.set(key, narrow(s.ranges.get(key), l.iv));
  }
}

function oneWay(a: Summary, b: Summary): boolean {
  for (const [k, v] of a.flags) if (b.flags.has(k) && b.flags.get(k) !== v) return true;
  for (const p of a.present) if (b.missing.has(p)) return true;
  for (const [p, va] of a.inSets) {
    const vb = b.inSets.get(p);
    if (vb && ![...va].some((v) => vb.has(v))) return true;
    const out = b.notIn.get(p);
    if (out && [...va].every((v) => out.has(v))) return true;
  }
  for (const [k, iv] of a.ranges) {
    const other = b.ranges.get(k);
    if (other && empty(narrow(other, iv))) return true;
  }
  // A count in a window can never exceed the count in the same or a longer window.
  for (const [k, wa] of a.counts) {
    const wb = b.counts.get(k);
    if (!wb) continue;
    for (const [winA, c] of wa) {
      for (const [winB, d] of wb) {
        if (winA === winB ? Math.max(c.lo, d.lo) > Math.min(c.hi, d.hi) : winA < winB && c.lo > d.hi) return true;
      }
    }
  }
  return false;
}

/** True only when the two terms certainly cannot hold together. */
export function quickConflict(a: Term, b: Term): boolean {
  const sa = summarize(a), sb = summarize(b);
  return oneWay(sa, sb) || oneWay(sb, sa);
}
