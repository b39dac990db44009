import { canonicalJson, type EventSpec, type PropertySpec, type Scalar } from "../model";
import type { ConditionEnv, Contact, EventOccurrence } from "./evaluate";
import { Normalizer, TooComplex, type Lit, type Term } from "./dnf";
import { eventKinds, occurrenceTimes, solveOccurrences, type EventFilter, type EventOutcome, type KindOutcome, type Kinds, type Realize } from "./occurrences";
import { numericCandidates, typeOk } from "./candidates";
import { textsMatching } from "./text";
import { DAY_MS, inInterval, numericView, present, sameValue, type Interval } from "./values";

/**
 * Satisfiability of one conjunction of literals, with a witness contact when
 * it is satisfiable. Exact for ranges, value sets, existence, event
 * occurrences (typed properties, nested windows), consent and static
 * membership; `unknown` (never a guess, always with the reason) for string
 * patterns it cannot settle, opaque leaves (lists, undeclared segments) and
 * event combinations beyond the search budget.
 */
export type SolveResult =
  | { status: "sat"; witness: Contact }
  | { status: "unsat" }
  | { status: "unknown"; reasons: string[] };

type PropLit = Extract<Lit, { prop: string }>;
type CountLit = Extract<Lit, { k: "count" }>;

interface PropOutcome { ok: boolean; exact: boolean; value?: Scalar | Scalar[] }

export interface SolveEnv {
  properties: ReadonlyMap<string, PropertySpec>;
  /** The event catalogue: types for events' own properties. */
  events?: ReadonlyMap<string, EventSpec>;
  now: number;
}

export function litHolds(l: PropLit, x: unknown, now: number): boolean {
  switch (l.k) {
    case "exists": return present(x) === l.yes;
    case "has": return (Array.isArray(x) && x.some((e) => e === l.value)) === l.yes;
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

function intersect(lits: Extract<Lit, { k: "range" }>[]): Interval {
  let iv: Interval = { lo: -Infinity, loInc: false, hi: Infinity, hiInc: false };
  for (const { iv: r } of lits) {
    if (r.lo > iv.lo || (r.lo === iv.lo && !r.loInc)) iv = { ...iv, lo: r.lo, loInc: r.loInc };
    if (r.hi < iv.hi || (r.hi === iv.hi && !r.hiInc)) iv = { ...iv, hi: r.hi, hiInc: r.hiInc };
  }
  return iv;
}

/** A string meeting every text pattern and the other literals (`check`): exact, see text.ts. */
function stringCase(strs: Extract<Lit, { k: "str" }>[], check: (x: unknown) => boolean, excluded: number): PropOutcome {
  const of = (op: string, yes: boolean) => strs.filter((s) => s.op === op && s.yes === yes).map((s) => s.value);
  let tried = 0;
  // Each text the patterns allow is different; only the values ruled out one by one can fail `check`.
  for (const t of textsMatching({ contains: of("contains", true), starts: of("starts_with", true), notContains: of("contains", false), notStarts: of("starts_with", false) })) {
    if (check(t)) return { ok: true, exact: true, value: t };
    if (++tried > excluded) break;
  }
  return { ok: false, exact: true };
}

/** Find a value for one property meeting every literal on it. */
export function solveProperty(lits: PropLit[], spec: PropertySpec | undefined, now: number): PropOutcome {
  const needMissing = lits.some((l) => l.k === "exists" && !l.yes);
  const needPresent = lits.some((l) => !((l.k === "exists" || l.k === "has") && !l.yes));
  if (needMissing) return { ok: !needPresent, exact: true };
  if (spec?.type === "list" || lits.some((l) => l.k === "has")) {
    // A list holding exactly the values asked for: any other member only risks a `has: no`.
    const value = [...new Set(lits.flatMap((l) => (l.k === "has" && l.yes ? [l.value as Scalar] : [])))];
    return lits.every((l) => litHolds(l, value, now)) ? { ok: true, exact: true, value } : { ok: false, exact: true };
  }
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
      // A day reads best; the exact instant is the candidate itself when a window ends within a day.
      const xs = date ? [new Date(now + Math.round(n * DAY_MS)).toISOString().slice(0, 10), new Date(now + n * DAY_MS).toISOString()] : [n];
      for (const x of xs) if (check(x)) return { ok: true, exact: true, value: x };
    }
    // Reals are dense: failing every candidate is proof, unless dates were also matched as text.
    return { ok: false, exact: strs.length === 0 || (!date && !ranges.some((r) => r.date)) };
  }
  if (strs.length > 0) return stringCase(strs, check, lits.filter((l) => l.k === "notin").reduce((n, l) => n + (l as { values: unknown[] }).values.length, 0));
  for (let i = 0; i < lits.length + 2; i++) {
    const c = i === 0 ? "example" : `example_${i}`;
    if (check(c)) return { ok: true, exact: true, value: c };
  }
  return { ok: false, exact: true };
}

/**
 * The kinds of occurrence of `event` its filters allow, typed by the event
 * catalogue when there is one, and the property solver for kinds those
 * candidates cannot settle. Memoised per environment: the same filters come
 * up for many pairs of workflows.
 */
const kindMemo = new WeakMap<SolveEnv, Map<string, Kinds | KindOutcome>>();

function eventContext(event: string, env: SolveEnv): { kindsFor: (filters: EventFilter[]) => Kinds; realize: Realize } {
  let memo = kindMemo.get(env);
  if (!memo) kindMemo.set(env, (memo = new Map()));
  const cache = memo;
  const declared = env.events?.get(event)?.properties ?? {};
  const typeOf = (p: string) => declared[p];
  const propEnv = { segments: new Map(), properties: new Map<string, PropertySpec>(Object.entries(declared)), now: env.now };
  const cached = <T extends Kinds | KindOutcome>(key: string, make: () => T): T => {
    let r = cache.get(key) as T | undefined;
    if (!r) cache.set(key, (r = make()));
    return r;
  };
  return {
    kindsFor: (filters) => cached(canonicalJson(["kinds", event, filters.map((f) => f.where ?? [])]), () => eventKinds(filters, typeOf, env.now)),
    realize: (inside, outside) =>
      cached(canonicalJson(["kind", event, inside.map((f) => f.where ?? []), outside.map((f) => f.where ?? [])]), () => kindOf(inside, outside, propEnv)),
  };
}

function solveFiltered(lits: CountLit[], env: SolveEnv): EventOutcome {
  const ctx = eventContext(lits[0].event, env);
  return solveOccurrences(lits, ctx.kindsFor, ctx.realize);
}

function kindOf(inside: EventFilter[], outside: EventFilter[], propEnv: ConditionEnv): KindOutcome {
  const norm = new Normalizer(propEnv);
  const A = norm.algebra;
  const matches = (f: EventFilter) => A.andAll((f.where ?? []).map((w) => norm.dnf(w)));
  let dnf;
  try {
    dnf = A.andAll([...inside.map(matches), ...outside.map((f) => A.negate(matches(f)))]);
  } catch (e) {
    if (e instanceof TooComplex) return { status: "unknown" };
    throw e;
  }
  let unknown = false;
  for (const term of dnf) {
    const r = solve(term, propEnv);
    if (r.status === "sat") return { status: "sat", properties: r.witness.properties as Record<string, Scalar> };
    if (r.status === "unknown") unknown = true;
  }
  return { status: unknown ? "unknown" : "unsat" };
}

/** One event counted only without filters: the old exact greedy over nested windows, no property solving. */
function solveUnfiltered(lits: CountLit[]): EventOutcome | undefined {
  if (lits.some((l) => l.whereKey !== "")) return undefined;
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
  const daysAgo = occurrenceTimes(windows);
  const events: EventOccurrence[] = [];
  let placed = 0;
  windows.forEach((_, i) => {
    for (; placed < counts[i]; placed++) events.push({ event: lits[0].event, daysAgo: daysAgo(i) });
  });
  return { status: "sat", events };
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
      reasons.push(`conditions on \`${prop}\` compare dates and also match text patterns, which the check cannot settle together`);
    } else if (r.value !== undefined) witness.properties[prop] = r.value;
  }
  for (const lits of counts.values()) {
    const r = solveUnfiltered(lits) ?? solveFiltered(lits, env);
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
