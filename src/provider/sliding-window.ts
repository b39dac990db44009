/** A platform's short rate windows: at most this many requests in any second, in any minute. */
export interface RateWindows {
  perSecond?: number;
  perMinute?: number;
}

const SECOND = 1_000;
const MINUTE = 60_000;

/**
 * Send times under a platform's per-second and per-minute limits, handed out
 * in call order so concurrent callers queue fairly and the schedule is exact:
 * request k goes at max(t[k-perSecond] + 1 s, t[k-perMinute] + 1 min). No more
 * than the limit in any span of the window's length keeps every fixed window
 * the platform may use under it, whatever its alignment. A provider paces its
 * requests with it; a plan says with it how long its operations take.
 */
export class SlidingWindow {
  private readonly sent: number[] = [];
  private heldUntil = 0;
  constructor(readonly limits: RateWindows, private readonly marginMs = 0) {}

  /** The platform said to wait (a 429's Retry-After): nothing goes before `until`. */
  hold(until: number): void {
    this.heldUntil = Math.max(this.heldUntil, until);
  }

  /** The moment the next request may go, recorded as taken. */
  reserve(now: number): number {
    const { perSecond, perMinute } = this.limits;
    const n = this.sent.length;
    let at = Math.max(now, this.heldUntil);
    if (perSecond && n >= perSecond) at = Math.max(at, this.sent[n - perSecond]! + SECOND + this.marginMs);
    if (perMinute && n >= perMinute) at = Math.max(at, this.sent[n - perMinute]! + MINUTE + this.marginMs);
    this.sent.push(at);
    // Only the last `max(perSecond, perMinute)` sends can ever matter again.
    const keep = Math.max(perSecond ?? 0, perMinute ?? 0, 1);
    if (this.sent.length > keep) this.sent.splice(0, this.sent.length - keep);
    return at;
  }
}

/** Seconds from the first to the last of `n` requests at the windows' exact pace. */
export function paceSeconds(n: number, limits: RateWindows): number {
  const w = new SlidingWindow(limits);
  let last = 0;
  for (let i = 0; i < n; i++) last = w.reserve(0);
  return last / 1000;
}
