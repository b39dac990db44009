import { error } from "../../src/diagnostics";
import { sleep } from "../../src/provider/http";
import { ProviderError } from "../../src/provider/types";
import { DAILY_CAPS, limitOf, RATE_CLASSES, type DailyCap, type DailyOperation, type RateClass, type RateClassName } from "./rates";

/**
 * Sends each request at the earliest moment Klaviyo's windows allow, one
 * schedule per rate class, and counts the daily-capped operations.
 *
 * Why not Bottleneck's reservoir: it refills on a fixed interval counted from
 * when the limiter started, so 15 requests at the end of one interval and 15
 * at the start of the next land in one of Klaviyo's minute windows: 30 where
 * 15 are allowed. A sliding window (no more than N sends in any span of the
 * window's length) keeps every fixed window the server may use under N,
 * whatever its alignment.
 */

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep };

const SECOND = 1_000;
const MINUTE = 60_000;
export const DAY = 86_400_000;

/**
 * Send times of one rate class. `reserve` hands out slots in call order, so
 * concurrent callers queue fairly and the schedule is exact: request k of a
 * class with burst b and steady s goes at max(t[k-b] + 1 s, t[k-s] + 1 min).
 */
export class SlidingWindow {
  private readonly sent: number[] = [];
  constructor(readonly rateClass: RateClass, private readonly marginMs: number) {}

  private heldUntil = 0;

  /** Klaviyo answered 429: nothing of this class goes before `until` (its Retry-After). */
  hold(until: number): void {
    this.heldUntil = Math.max(this.heldUntil, until);
  }

  /** The moment the next request may go, recorded as taken. */
  reserve(now: number): number {
    const { burst, steady } = this.rateClass;
    const n = this.sent.length;
    let at = Math.max(now, this.heldUntil);
    if (n >= burst) at = Math.max(at, this.sent[n - burst]! + SECOND + this.marginMs);
    if (n >= steady) at = Math.max(at, this.sent[n - steady]! + MINUTE + this.marginMs);
    this.sent.push(at);
    // Only the last `steady` sends can ever matter again.
    if (this.sent.length > steady) this.sent.splice(0, this.sent.length - steady);
    return at;
  }
}

/** Uses of one daily-capped operation in the last 24 hours (a rolling day: Klaviyo does not say when its day starts). */
export class DailyCounter {
  private readonly uses: number[] = [];
  /** Klaviyo said the cap is spent (a 429 with a long Retry-After): nothing more until then. */
  private blockedUntil = 0;
  constructor(readonly cap: DailyCap) {}

  used(now: number): number {
    while (this.uses.length && this.uses[0]! <= now - DAY) this.uses.shift();
    return this.uses.length;
  }

  remaining(now: number): number {
    return now < this.blockedUntil ? 0 : Math.max(0, this.cap.perDay - this.used(now));
  }

  /** When the next use becomes possible, for the error message. */
  nextAt(now: number): number {
    if (now < this.blockedUntil) return this.blockedUntil;
    this.used(now);
    return this.uses.length >= this.cap.perDay ? this.uses[this.uses.length - this.cap.perDay]! + DAY : now;
  }

  take(now: number): boolean {
    if (this.remaining(now) === 0) return false;
    this.uses.push(now);
    return true;
  }

  block(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }
}

export const DAILY_QUOTA_CODE = "klaviyo/daily-quota";

/** The error that stops an apply cleanly at a daily cap: nothing was sent, the next run continues. */
export function dailyQuotaError(cap: DailyCap, nextAt: number): ProviderError {
  const when = new Date(nextAt).toISOString().replace(/\.\d{3}Z$/, "Z");
  return new ProviderError(
    error(DAILY_QUOTA_CODE, `Klaviyo allows ${cap.perDay} ${cap.label} per day and today's are spent; this one was not sent`, {
      hint: `the next one is allowed at ${when}: apply again then, and it continues where this run stopped`,
      detail: { quotaExhausted: true, operation: cap.operation, perDay: cap.perDay, nextAt: when },
    }),
    false,
    429,
  );
}

export interface PacerOptions {
  clock?: Clock;
  /** Added to every window so that network jitter cannot put two sends in one server window (default 25 ms). */
  marginMs?: number;
}

export class Pacer {
  readonly clock: Clock;
  private readonly windows = new Map<RateClassName, SlidingWindow>();
  private readonly daily = new Map<DailyOperation, DailyCounter>();
  private readonly marginMs: number;

  constructor(opts: PacerOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.marginMs = opts.marginMs ?? 25;
    for (const op of Object.keys(DAILY_CAPS) as DailyOperation[]) this.daily.set(op, new DailyCounter(DAILY_CAPS[op]));
  }

  window(name: RateClassName): SlidingWindow {
    let w = this.windows.get(name);
    if (!w) this.windows.set(name, (w = new SlidingWindow(RATE_CLASSES[name], this.marginMs)));
    return w;
  }

  counter(op: DailyOperation): DailyCounter {
    return this.daily.get(op)!;
  }

  /** Waits for the request's slot; refuses at once when its daily cap is spent. */
  async pace(method: string, path: string, signal?: AbortSignal): Promise<void> {
    const limit = limitOf(method, path);
    const now = this.clock.now();
    if (limit.daily) {
      const counter = this.counter(limit.daily.operation);
      if (!counter.take(now)) throw dailyQuotaError(limit.daily, counter.nextAt(now));
    }
    const at = this.window(limit.rateClass.name).reserve(now);
    if (at > now) await this.clock.sleep(at - now, signal);
  }
}
