import type { PropertySpec, Scalar } from "../model";
import type { Contact, EventOccurrence } from "./evaluate";
import { Normalizer, type Lit, type Term } from "./dnf";
import { DAY_MS, inInterval, numericView, present, sameValue, type Interval } from "./values";

/**
 * Satisfiability of one conjunction of literals, with a witness contact when
 * it is satisfiable. Exact for ranges, value sets, existence, event counts
 * over nested windows, consent and static membership; `unknown` (never a
 * guess) for string patterns it cannot settle, opaque leaves and events
 * filtered on their own properties in more than one way.
 */
export type SolveResult =
  | { status: "sat"; witness: Contact }
  | { status: "unsat" }
  | { status: "unknown"; reasons: string[] };

type PropLit = Extract<Lit, { prop: string }>;
type CountLit = Extract<Lit, { k: "count" }>;

interface PropOutcome { ok: boolean; exact: boolean; value?: Scalar }

export interface SolveEnv {
  properties: ReadonlyMap<string, PropertySpec>;
  now: number;
}

export function litHolds(l: PropLit, x: unknown, now: number): boolean {
  switch (l.k) {
    case "exists": return present(x) === l.yes;
    case "in": return present(x) && l.values.some((v) => sameValue(x, v, l.date, now));
    case "notin": return present(x) && !l.values.some((v) => sameValue(x, v, l.date, now));
    case "str": {
      if (!present(x)) return false;
      const holds = typeof x === "string" && (l.op === "contains" ? x.includes(l.value) : x.startsWith(l.value));
      return holds === l.yes;
    }
    case "range": {
      const n = numericView(x, l.date, now);
      return present(x) && n !== undefined && inInterval(n, l.iv);
    }
  }
}

function typeOk(spec: PropertySpec | undefined, x: unknown): boolean {
  switch (spec?.type) {
    case "number": return typeof x === "number";
    case "boolean": return typeof x === "boolean";
    case "enum": return typeof x === "string" && (!spec.values || spec.values.includes(x));
    case "string": return typeof x === "string";
    default: return true;
  }
}

/** Numbers to try inside an interval avoiding some points: complete for real intervals. */
function numericCandidates(iv: Interval, excluded: number[]): number[] {
  const { lo, hi } = iv;
  const pts = [lo, hi, ...excluded.filter((e) => e > lo && e < hi)].filter(Number.isFinite).sort((a, b) => a - b);
  const out: number[] = [];
  let start = Number.isFinite(lo) ? Math.floor(lo) : Number.isFinite(hi) ? Math.min(0, Math.floor(hi) - excluded.length - 2) : 0;
  for (let i = 0, n = start; i < excluded.length + 3; i++, n++) out.push(n);
  for (let i = 0; i + 1 < pts.length; i++) out.push((pts[i] + pts[i + 1]) / 2);
  out.push(...pts);
  if (!Number.isFinite(hi) && pts.length) out.push(pts[pts.length - 1] + 1);
  if (!Number.isFinite(lo) && pts.length) out.push(pts[0] - 1);
  return out;
}

function intersect(lits: Extract<Lit, { k: "range" }>[]): Interval {
  let iv: Interval = { lo: -Infinity, loInc: false, hi: Infinity, hiInc: false };
  for (const { iv: r } of lits) {
    if (r.lo > iv.lo || (r.lo === iv.lo && !r.loInc)) iv = { ...iv, lo: r.lo, loInc: r.loInc };
    if (r.hi < iv.hi || (r.hi === iv.hi && !r.hiInc)) iv = { ...iv, hi: r.hi, hiInc: r.hiInc };
  }
  return iv;
}

/** Is there a string with every positive pattern and none of the negative ones? Settles the obvious cases. */
function stringCase(strs: Extract<Lit, { k: "str" }>[], check: (x: unknown) => boolean): PropOutcome {
  const pos = strs.filter((s) => s.yes), neg = strs.filter((s) => !s.yes);
  const starts = pos.filter((s) => s.op === "starts_with").map((s) => s.value).sort((a, b) => b.length - a.length);
  const base0 = starts[0] ?? "";
  if (starts.some((s) => !base0.startsWith(s))) return { ok: false, exact: true };
  let base = base0;
  for (const s of pos) if (s.op === "contains" && !base.includes(s.value)) base += s.value;
  for (const n of neg) {
    if (n.op === "starts_with" && starts.some((s) => s.startsWith(n.value))) return { ok: false, exact: true };
    if (n.op === "contains" && pos.some((p) => p.value.includes(n.value))) return { ok: false, exact: true };
  }
  for (const c of [base || "example", `${base}x`, `x${base}`, `${base}_1`, `${base}zz`]) {
    if (check(c)) return { ok: true, exact: true, value: c };
  }
  return { ok: false, exact: false };
}

/** Find a value for one property meeting every literal on it. */
export function solveProperty(lits: PropLit[], spec: PropertySpec | undefined, now: number): PropOutcome {
  const needMissing = lits.some((l) => l.k === "exists" && !l.yes);
  const needPresent = lits.some((l) => !(l.k === "exists" && !l.yes));
  if (needMissing) return { ok: !needPresent, exact: true };
  const check = (x: unknown) => typeOk(spec, x) && lits.every((l) => litHolds(l, x, now));
  const firstIn = lits.find((l): l is Extract<Lit, { k: "in" }> => l.k === "in");
  let finite: unknown[] | undefined = firstIn?.values;
  if (!finite && spec?.type === "enum" && spec.values) finite = spec.values;
  if (!finite && spec?.type === "boolean") finite = [true, false];
  if (finite) {
    const v = finite.find(check);
    return v === undefined ? { ok: false, exact: true } : { ok: true, exact: true, value: v as Scalar };
  }
  const ranges = lits.filter((l): l is Extract<Lit, { k: "range" }> => l.k === "range");
  const strs = lits.filter((l): l is Extract<Lit, { k: "str" }> => l.k === "str");
  if (ranges.length > 0 || spec?.type === "number" || spec?.type === "date") {
    const iv = intersect(ranges);
    const date = spec?.type === "date";
    const excluded = lits.flatMap((l) => (l.k === "notin" ? l.values : []))
      .map((v) => numericView(v, date || ranges.some((r) => r.date), now))
      .filter((n): n is number => n !== undefined);
    for (const n of numericCandidates(iv, excluded)) {
      const x = date ? new Date(now + Math.round(n * DAY_MS)).toISOString().slice(0, 10) : n;
      if (check(x)) return { ok: true, exact: true, value: x };
    }
    // Reals are dense: failing every candidate is proof, unless strings or rounding were in play.
    const exact = strs.length === 0 && !date;
    return { ok: false, exact };
  }
  if (strs.length > 0) return stringCase(strs, check);
  for (let i = 0; i < lits.length + 2; i++) {
    const c = i === 0 ? "example" : `example_${i}`;
    if (check(c)) return { ok: true, exact: true, value: c };
  }
  return { ok: false, exact: true };
}

interface EventOutcome { status: "sat" | "unsat" | "unknown"; events: EventOccurrence[]; reason?: string }

/**
 * Counts of one event in nested windows: a count in a shorter window can
 * never exceed one in a longer window, and any non-decreasing choice is
 * realisable, so the greedy smallest choice decides exactly.
 */
function solveCounts(lits: CountLit[], now: number): EventOutcome {
  const event = lits[0].event;
  const groups = new Map<string, CountLit[]>();
  for (const l of lits) {
    const g = groups.get(l.whereKey);
    if (g) g.push(l);
    else groups.set(l.whereKey, [l]);
  }
  const results = [...groups.values()].map((g) => solveCountGroup(g, now));
  if (results.some((r) => r.status === "unsat")) return { status: "unsat", events: [] };
  if (groups.size > 1) {
    return { status: "unknown", events: [], reason: `\`${event}\` is counted with different property filters` };
  }
  return results[0];
}

function solveCountGroup(lits: CountLit[], now: number): EventOutcome {
  const byWindow = new Map<number, { lo: number; hi: number }>();
  for (const l of lits) {
    const b = byWindow.get(l.windowMs) ?? { lo: 0, hi: Infinity };
    byWindow.set(l.windowMs, { lo: Math.max(b.lo, l.lo), hi: Math.min(b.hi, l.hi) });
  }
  const windows = [...byWindow.keys()].sort((a, b) => a - b);
  const counts: number[] = [];
  let prev = 0;
  for (const w of windows) {
    const b = byWindow.get(w)!;
    const c = Math.max(b.lo, prev);
    if (c > b.hi) return { status: "unsat", events: [] };
    counts.push(c);
    prev = c;
  }
  const where = lits[0].where;
  let properties: Record<string, Scalar> | undefined;
  if (where && prev > 0) {
    const r = solveEventProperties(where, now);
    if (r.status !== "sat") return { status: r.status, events: [], reason: r.status === "unknown" ? `cannot tell whether any \`${lits[0].event}\` event matches its filter` : undefined };
    properties = r.properties;
  }
  const finite = windows.filter(Number.isFinite);
  const everDays = (finite.length ? Math.max(...finite) / DAY_MS : 0) + 365;
  const events: EventOccurrence[] = [];
  let placed = 0;
  windows.forEach((w, i) => {
    const daysAgo = i === 0 ? 0 : Number.isFinite(w) ? w / DAY_MS : everDays;
    for (; placed < counts[i]; placed++) events.push({ event: lits[0].event, daysAgo, ...(properties ? { properties } : {}) });
  });
  return { status: "sat", events };
}

function solveEventProperties(where: NonNullable<CountLit["where"]>, now: number):
  { status: "sat"; properties: Record<string, Scalar> } | { status: "unsat" | "unknown" } {
  const env = { segments: new Map(), properties: new Map(), now };
  const norm = new Normalizer(env);
  const dnf = norm.algebra.andAll(where.map((w) => norm.dnf(w)));
  let unknown = false;
  for (const term of dnf) {
    const r = solve(term, env);
    if (r.status === "sat") return { status: "sat", properties: r.witness.properties as Record<string, Scalar> };
    if (r.status === "unknown") unknown = true;
  }
  return { status: unknown ? "unknown" : "unsat" };
}

export function solve(term: Term, env: SolveEnv): SolveResult {
  const props = new Map<string, PropLit[]>();
  const counts = new Map<string, CountLit[]>();
  const flags = new Map<string, boolean>();
  const reasons: string[] = [];
  for (const l of term) {
    if (l.k === "flag") {
      const key = `${l.kind}:${l.key}`;
      if (flags.has(key) && flags.get(key) !== l.yes) return { status: "unsat" };
      flags.set(key, l.yes);
      if (l.kind === "opaque" && l.reason && !reasons.includes(l.reason)) reasons.push(l.reason);
    } else if (l.k === "count") {
      const list = counts.get(l.event);
      if (list) list.push(l);
      else counts.set(l.event, [l]);
    } else {
      const list = props.get(l.prop);
      if (list) list.push(l);
      else props.set(l.prop, [l]);
    }
  }
  const witness: Contact = { properties: {}, events: [], consents: [], segments: [] };
  for (const [prop, lits] of props) {
    const r = solveProperty(lits, env.properties.get(prop), env.now);
    if (!r.ok) {
      if (r.exact) return { status: "unsat" };
      reasons.push(`conditions on \`${prop}\` mix text patterns the check cannot settle`);
    } else if (r.value !== undefined) witness.properties[prop] = r.value;
  }
  for (const lits of counts.values()) {
    const r = solveCounts(lits, env.now);
    if (r.status === "unsat") return { status: "unsat" };
    if (r.status === "unknown") reasons.push(r.reason ?? `cannot decide conditions on \`${lits[0].event}\``);
    witness.events.push(...r.events);
  }
  for (const [key, yes] of flags) {
    if (!yes) continue;
    if (key.startsWith("consent:")) witness.consents.push(key.slice(8));
    if (key.startsWith("member:")) witness.segments.push(key.slice(7));
  }
  return reasons.length ? { status: "unknown", reasons } : { status: "sat", witness };
}
