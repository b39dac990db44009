import { setTimeout as wait } from "node:timers/promises";

/**
 * Braze's rate limits are per endpoint class and per window (an hour, a
 * minute, a day: braze-docs `_docs/_api/api_limits.md` and
 * `_includes/rate_limits.md`), and every answer carries X-RateLimit-Limit /
 * -Remaining / -Reset (epoch seconds). One window per class keeps the
 * client inside them: it counts its own requests, believes the headers when
 * they come, and waits for the reset instead of bouncing off 429s.
 */

/** Time, injectable so tests never sleep: the fake Braze and the client can share one. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => wait(ms, undefined, { signal }),
};

export type EndpointClass = "rest" | "preference_center_read" | "preference_center_write" | "custom_attributes" | "scim";

export interface Limit {
  limit: number;
  windowMs: number;
  /** What the docs call it and the window in words, for diagnostics: "the default REST limit", "hour". */
  what: string;
  per: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The documented default limits of the classes Mops calls. */
export const LIMITS: Record<EndpointClass, Limit> = {
  rest: { limit: 250_000, windowMs: HOUR, what: "default REST limit", per: "hour" },
  preference_center_read: { limit: 1_000, windowMs: MINUTE, what: "limit for preference center reads", per: "minute" },
  preference_center_write: { limit: 10, windowMs: MINUTE, what: "limit for preference center writes", per: "minute" },
  custom_attributes: { limit: 1_000, windowMs: HOUR, what: "limit shared by /custom_attributes, /events and /purchases/product_list", per: "hour" },
  scim: { limit: 5_000, windowMs: DAY, what: "SCIM limit", per: "day per company" },
};

/** Which limit a request counts against. */
export function endpointClass(method: string, path: string): EndpointClass {
  if (path.startsWith("/scim/")) return "scim";
  if (path.startsWith("/custom_attributes")) return "custom_attributes";
  if (path.startsWith("/preference_center/")) {
    const m = method.toUpperCase();
    return m === "POST" || m === "PUT" ? "preference_center_write" : "preference_center_read";
  }
  return "rest";
}

/** One class's window: how many requests are left and when that count resets. */
export class RateWindow {
  private remaining: number;
  private resetAt = 0;

  constructor(readonly limit: Limit, private readonly clock: Clock) {
    this.remaining = limit.limit;
  }

  /**
   * Takes a request from the window and returns 0, or returns how long to
   * wait before asking again. A passed window starts a fresh one.
   */
  reserve(): number {
    const now = this.clock.now();
    if (now >= this.resetAt) {
      this.resetAt = now + this.limit.windowMs;
      this.remaining = this.limit.limit;
    }
    if (this.remaining <= 0) return this.resetAt - now;
    this.remaining--;
    return 0;
  }

  /** The limit Braze announces (X-RateLimit-Limit), when it has. */
  announced?: number;

  /** What Braze said about this window: its count is never raised by a late answer, its reset is believed. */
  observe(headers: Record<string, string>): void {
    const announced = Number(headers["x-ratelimit-limit"]);
    if (announced > 0) this.announced = announced;
    const remaining = Number(headers["x-ratelimit-remaining"]);
    const reset = Number(headers["x-ratelimit-reset"]);
    if (headers["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining)) this.remaining = Math.min(this.remaining, Math.max(0, remaining));
    if (headers["x-ratelimit-reset"] !== undefined && Number.isFinite(reset) && reset > 0) this.resetAt = reset * 1000;
  }

  /** A 429: nothing is left until the reset (the header's, else the end of our window). */
  exhausted(headers: Record<string, string>): void {
    this.observe(headers);
    this.remaining = 0;
    if (this.resetAt <= this.clock.now()) this.resetAt = this.clock.now() + this.limit.windowMs;
  }

  /** "the default REST limit of 250,000 requests per hour", with Braze's own figure when it gave one. */
  get words(): string {
    return `${this.limit.what} of ${(this.announced ?? this.limit.limit).toLocaleString("en-US")} requests per ${this.limit.per}`;
  }

  /** Requests left in this window, as far as anyone knows. */
  get left(): number {
    return this.remaining;
  }

  get resetsAt(): number {
    return this.resetAt;
  }
}
