import { durationMs, type WorkflowSpec } from "../model";
import { DAY_MS } from "./population";

/** The first anniversary of date `v` (same month and day; 29 Feb is 28 Feb in other years) at or after `from` (ms). */
export function nextAnniversary(v: number, from: number): number {
  const d = new Date(v);
  const month = d.getUTCMonth(), day = d.getUTCDate();
  for (let y = new Date(from).getUTCFullYear() - 1; ; y++) {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const t = Date.UTC(y, month, month === 1 && day === 29 && !leap ? 28 : day);
    if (t >= from) return t;
  }
}

export const nextMidnight = (t: number): number => Math.floor(t / DAY_MS) * DAY_MS + DAY_MS;

/** When a date trigger fires for date value `v`, at or after `from`: once (date + offset) or on every anniversary. */
export function fireAt(w: WorkflowSpec, v: number, from: number): number {
  const t = w.trigger as Extract<WorkflowSpec["trigger"], { type: "date" }>;
  const offset = t.offset ? (t.offset.startsWith("-") ? -durationMs(t.offset.slice(1)) : durationMs(t.offset)) : 0;
  if (!t.anniversary) return v + offset >= from ? v + offset : Infinity;
  return nextAnniversary(v, from - offset) + offset;
}
