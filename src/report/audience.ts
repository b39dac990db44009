import type { PlanAudience } from "../plan/types";

/** A change's blast radius in words: "~12,403 contacts in segment.new_subscribers (trigger); +41 enter, −96 leave". */
export function audienceWords(a: PlanAudience, mark: (address: string) => string = (s) => s): string {
  if (a.trigger) return `unknown: contacts enter on ${a.trigger === "event" ? "an event" : a.trigger === "date" ? "a date" : "request"}, not from a segment`;
  if (a.size === undefined) return "unknown (the platform does not report it)";
  const via = a.via ? ` in ${mark(a.via)} (trigger)` : "";
  const moves = [a.entering ? `+${n(a.entering)} enter` : "", a.leaving ? `−${n(a.leaving)} leave` : ""].filter(Boolean);
  const change = a.entering === undefined || a.leaving === undefined ? "" : moves.length ? `; ${moves.join(", ")}` : "; nobody enters or leaves";
  return `~${n(a.size)} contacts${via}${change}`;
}

const n = (x: number) => x.toLocaleString("en-US");
