import type { EngagementRates } from "./assumptions";
import { exponential } from "./random";

/** What a contact did with one message: when it was sent, and when (if ever) each action happened. */
export interface Outcome {
  at: number;
  delivered: boolean;
  opened?: number;
  clicked?: number;
  replied?: number;
  unsubscribed?: number;
}

/**
 * Draw an outcome from the assumed rates. Rates are shares of sends (as
 * platforms report them): an open is drawn among deliveries, a click among
 * opens (or deliveries, on a channel without opens). `u(salt)` is a uniform
 * draw the caller keys, so the same message gets the same answer in both
 * runs of a comparison.
 */
export function drawOutcome(rates: EngagementRates, now: number, u: (salt: number) => number): Outcome {
  const o: Outcome = { at: now, delivered: u(1) < rates.delivered };
  if (!o.delivered) return o;
  const given = (p: number) => Math.min(1, p / Math.max(rates.delivered, 1e-9));
  const opened = u(2) < given(rates.opened);
  if (opened) o.opened = now + exponential(u(3), rates.delayMs);
  const clickP = rates.opened > 0 ? (opened ? Math.min(1, rates.clicked / rates.opened) : 0) : given(rates.clicked);
  if (u(4) < clickP) o.clicked = (o.opened ?? now) + exponential(u(5), rates.delayMs / 3);
  if (u(6) < given(rates.replied)) o.replied = now + exponential(u(7), rates.delayMs);
  if (u(8) < given(rates.unsubscribed)) o.unsubscribed = (o.opened ?? now) + exponential(u(9), rates.delayMs / 3);
  return o;
}

/** When an engagement branch's action happened, if it did. */
export function actionAt(o: Outcome, action: string): number | undefined {
  switch (action) {
    case "delivered": return o.delivered ? o.at : undefined;
    case "bounced": return o.delivered ? undefined : o.at;
    case "opened": return o.opened;
    case "clicked": return o.clicked;
    case "replied": return o.replied;
    case "unsubscribed": return o.unsubscribed;
    default: return undefined;
  }
}
