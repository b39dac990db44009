import type { EventPropertySpec, PropertyCondition, Scalar } from "../model";
import type { EventOccurrence } from "./evaluate";
import type { Lit } from "./dnf";
import { valueCandidates } from "./candidates";
import { DAY_MS, propertyHolds } from "./values";

/**
 * Counts of one event's occurrences, each occurrence an object with a time
 * and typed properties. A literal bounds how many occurrences in a window
 * match a filter; one occurrence can match several filters (a cart of 3
 * items in EUR matches both `items >= 3` and `currency = EUR`), so the
 * solver chooses occurrences, not counts:
 *
 * - a *kind* of occurrence is the set of filters it matches (and fails the
 *   others); which kinds exist is found by trying, for each property the
 *   filters read, one value per way its conditions can answer (candidates.ts),
 *   which is exact unless text patterns or lists are involved; then, and only
 *   then, a kind the values did not show is asked of the property solver;
 * - windows are nested, so an occurrence's time is one of the window
 *   bounds (the innermost window is "now"): it counts in its window and
 *   every longer one;
 * - a solution with the fewest occurrences, each as late as it can be,
 *   never needs an occurrence that covers no filter still short of its
 *   lower bound; so the search adds, window by window, only occurrences that
 *   fill a shortfall, never beyond an upper bound. It finds a solution
 *   whenever one exists, within a step budget it reports as "cannot decide".
 */

type CountLit = Extract<Lit, { k: "count" }>;

export interface EventOutcome { status: "sat" | "unsat" | "unknown"; events: EventOccurrence[]; reason?: string }

/** One filter on the event (`undefined` where: every occurrence matches). */
export interface EventFilter { where?: PropertyCondition[] }

/** Property values for occurrences matching exactly the `inside` filters, or why there are none. */
export type KindOutcome = { status: "sat"; properties: Record<string, Scalar> } | { status: "unsat" } | { status: "unknown" };
export type Realize = (inside: EventFilter[], outside: EventFilter[]) => KindOutcome;

/** The kinds of occurrence that certainly exist (filters matched, as a bitmask), with property values for each. */
export interface Kinds {
  sure: Map<number, Record<string, Scalar>>;
  /** No other kind exists. */
  complete: boolean;
}

/** Filters the search can still ask the property solver about kind by kind (2^n kinds). */
const MAX_ASKED_FILTERS = 8;
const MAX_STEPS = 20_000;
const MAX_VALUE_TUPLES = 20_000;

/** Which kinds of occurrence exist, by trying every combination of candidate property values. */
export function eventKinds(filters: readonly EventFilter[], typeOf: (property: string) => EventPropertySpec | undefined, now: number): Kinds {
  const conds = filters.flatMap((f) => f.where ?? []);
  const props = [...new Set(conds.map((c) => c.property))];
  const cands = props.map((p) => valueCandidates(conds.filter((c) => c.property === p), typeOf(p), now));
  let complete = cands.every((c) => c.complete);
  const sure = new Map<number, Record<string, Scalar>>();
  if (cands.reduce((n, c) => n * c.values.length, 1) > MAX_VALUE_TUPLES) return { sure, complete: false };
  const values: unknown[] = props.map(() => undefined);
  const visit = (i: number): void => {
    if (i < props.length) {
      for (const v of cands[i].values) {
        values[i] = v;
        visit(i + 1);
      }
      return;
    }
    const at = (p: string) => values[props.indexOf(p)] as Scalar | undefined;
    let mask = 0;
    filters.forEach((f, k) => {
      if ((f.where ?? []).every((w) => propertyHolds(w, at(w.property), typeOf(w.property)?.type, now))) mask |= 1 << k;
    });
    if (mask && !sure.has(mask)) {
      sure.set(mask, Object.fromEntries(props.flatMap((p, k) => (values[k] === undefined ? [] : [[p, values[k] as Scalar]]))));
    }
  };
  visit(0);
  if (filters.length > 30) complete = false;
  return { sure, complete };
}

class OutOfSteps extends Error {}

export function solveOccurrences(lits: CountLit[], kindsFor: (filters: EventFilter[]) => Kinds, realize: Realize): EventOutcome {
  const event = lits[0].event;
  const filterOf = new Map<string, number>();
  const filters: EventFilter[] = [];
  for (const l of lits) if (!filterOf.has(l.whereKey)) filterOf.set(l.whereKey, filters.push({ where: l.where }) - 1);
  const windows = [...new Set(lits.map((l) => l.windowMs))].sort((a, b) => a - b);
  const k = filters.length, W = windows.length;
  const lo = filters.map(() => windows.map(() => 0));
  const hi = filters.map(() => windows.map(() => Infinity));
  for (const l of lits) {
    const f = filterOf.get(l.whereKey)!, j = windows.indexOf(l.windowMs);
    lo[f][j] = Math.max(lo[f][j], l.lo);
    hi[f][j] = Math.min(hi[f][j], l.hi);
  }
  // A count in a window can never exceed the count in a longer one: the tightest later bound caps each window.
  const cap = hi.map((row) => row.map((_, j) => Math.min(...row.slice(j))));
  for (let f = 0; f < k; f++) for (let j = 0; j < W; j++) if (lo[f][j] > cap[f][j]) return { status: "unsat", events: [] };

  const known = kindsFor(filters);
  const asked = new Map<number, KindOutcome>();
  const kindOf = (mask: number): KindOutcome => {
    const props = known.sure.get(mask);
    if (props) return { status: "sat", properties: props };
    if (known.complete) return { status: "unsat" };
    let r = asked.get(mask);
    if (!r) {
      r = realize(filters.filter((_, f) => mask & (1 << f)), filters.filter((_, f) => !(mask & (1 << f))));
      asked.set(mask, r);
    }
    return r;
  };
  // Most filters matched first: fewer occurrences make a clearer witness.
  const byCoverage = (masks: number[]) => masks.sort((a, b) => popcount(b) - popcount(a) || a - b);

  const search = (masks: number[], allowUnknown: boolean): { bucket: number; mask: number }[] | undefined => {
    const count = filters.map(() => 0);
    const placed: { bucket: number; mask: number }[] = [];
    let steps = 0;
    const fill = (j: number, from: number): boolean => {
      if (j === W) return true;
      const short = filters.map((_, f) => count[f] < lo[f][j]);
      if (!short.includes(true)) return fill(j + 1, 0);
      for (let t = from; t < masks.length; t++) {
        const mask = masks[t];
        if (!short.some((s, f) => s && mask & (1 << f))) continue;
        if (filters.some((_, f) => mask & (1 << f) && count[f] + 1 > cap[f][j])) continue;
        const status = kindOf(mask).status;
        if (status === "unsat" || (status === "unknown" && !allowUnknown)) continue;
        if (++steps > MAX_STEPS) throw new OutOfSteps();
        for (let f = 0; f < k; f++) if (mask & (1 << f)) count[f]++;
        placed.push({ bucket: j, mask });
        if (fill(j, t)) return true;
        placed.pop();
        for (let f = 0; f < k; f++) if (mask & (1 << f)) count[f]--;
      }
      return false;
    };
    return fill(0, 0) ? placed : undefined;
  };

  try {
    let found = search(byCoverage([...known.sure.keys()]), false);
    let all: number[] | undefined;
    if (!found && !known.complete) {
      if (k > MAX_ASKED_FILTERS) return { status: "unknown", events: [], reason: `\`${event}\` is filtered in more than ${MAX_ASKED_FILTERS} different ways` };
      all = byCoverage(Array.from({ length: (1 << k) - 1 }, (_, i) => i + 1));
      found = search(all, false);
    }
    if (found) {
      const daysAgo = occurrenceTimes(windows);
      return {
        status: "sat",
        events: found.map(({ bucket, mask }) => {
          const props = (kindOf(mask) as Extract<KindOutcome, { status: "sat" }>).properties;
          return { event, daysAgo: daysAgo(bucket), ...(Object.keys(props).length ? { properties: props } : {}) };
        }),
      };
    }
    if (all && [...asked.values()].some((r) => r.status === "unknown") && search(all, true)) {
      return { status: "unknown", events: [], reason: `cannot tell whether one \`${event}\` event can match its filters together (text patterns on dates)` };
    }
    return { status: "unsat", events: [] };
  } catch (e) {
    if (e instanceof OutOfSteps) return { status: "unknown", events: [], reason: `too many ways to combine \`${event}\` events to decide` };
    throw e;
  }
}

/**
 * When an occurrence counted from window `j` on happened, in days ago: at
 * the window's bound (inside it, outside the shorter ones); "ever" is a year
 * before the longest window.
 */
export function occurrenceTimes(windows: readonly number[]): (j: number) => number {
  const finite = windows.filter(Number.isFinite);
  const everDays = (finite.length ? Math.max(...finite) / DAY_MS : 0) + 365;
  return (j) => (Number.isFinite(windows[j]) ? windows[j] / DAY_MS : everDays);
}

function popcount(n: number): number {
  let c = 0;
  for (; n; n &= n - 1) c++;
  return c;
}
