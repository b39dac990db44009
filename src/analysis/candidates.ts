import type { PropertyCondition, PropertySpec } from "../model";
import { DAY_MS, isDateMode, numericView, rangeOf, type Interval } from "./values";

/** Does a value fit a declared type (an undeclared property takes anything)? */
export function typeOk(spec: Pick<PropertySpec, "type" | "values"> | undefined, x: unknown): boolean {
  switch (spec?.type) {
    case "number": return typeof x === "number";
    case "boolean": return typeof x === "boolean";
    case "enum": return typeof x === "string" && (!spec.values || spec.values.includes(x));
    case "string": return typeof x === "string";
    default: return true;
  }
}

/** Numbers to try inside an interval avoiding some points: complete for real intervals. */
export function numericCandidates(iv: Interval, excluded: number[]): number[] {
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

const ALL: Interval = { lo: -Infinity, loInc: false, hi: Infinity, hiInc: false };

/**
 * Values of one property worth trying against the conditions on it: one per
 * way the conditions can answer, so that trying them all is as good as
 * trying every value. Missing comes first, then the conditions' own
 * constants (the clearest witnesses), then points between and beyond them on
 * the number line and the calendar (as full timestamps, so no rounding
 * merges two regions), then a value equal to none. `complete` is false when
 * text patterns or lists are involved: those have more answers than a
 * finite list shows.
 */
export function valueCandidates(
  conds: readonly PropertyCondition[], spec: Pick<PropertySpec, "type" | "values"> | undefined, now: number,
): { values: unknown[]; complete: boolean } {
  const constants = conds.flatMap((c) => (Array.isArray(c.value) ? c.value : c.value === undefined ? [] : [c.value]));
  const complete = spec?.type !== "list" && !conds.some((c) => c.op === "contains" || c.op === "starts_with");
  // Where the answers change: range ends and compared constants, on the number line or the calendar (days from now).
  const numberPoints: number[] = [], dayPoints: number[] = [];
  for (const c of conds) {
    const date = isDateMode(spec?.type, c.op);
    const points = date ? dayPoints : numberPoints;
    const iv = rangeOf(c, date, now);
    if (iv) points.push(...[iv.lo, iv.hi].filter(Number.isFinite));
    for (const v of Array.isArray(c.value) ? c.value : [c.value]) {
      const n = numericView(v, date, now);
      if (n !== undefined) points.push(n);
    }
  }
  const days = dayPoints.length ? numericCandidates(ALL, dayPoints) : [];
  const values: unknown[] = [
    undefined,
    ...constants,
    ...numericCandidates(ALL, numberPoints),
    ...days.map((d) => new Date(now + d * DAY_MS).toISOString()),
    ...days,
    ...(spec?.type === "enum" && spec.values ? spec.values : []),
    true, false, "other",
    ...constants.filter((v): v is string => typeof v === "string").flatMap((v) => [`${v}x`, `x${v}`]),
  ];
  const seen = new Set<string>();
  const out = values.filter((v) => {
    const key = JSON.stringify(v === undefined ? null : v) + typeof v;
    if (seen.has(key) || (v !== undefined && !typeOk(spec, v))) return false;
    seen.add(key);
    return true;
  });
  return { values: out, complete };
}
