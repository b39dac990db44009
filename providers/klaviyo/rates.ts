/**
 * Klaviyo's rate limits, per endpoint, as its OpenAPI spec (2026-07-15,
 * `x-klaviyo-ratelimit` on every operation) and its rate-limit guide state them:
 * fixed windows of one second (burst) and one minute (steady) per account,
 * and for a few creates a daily cap.
 */

export type RateClassName = "XS" | "S" | "M" | "L" | "XL";

export interface RateClass {
  name: RateClassName;
  /** Requests per one-second window. */
  burst: number;
  /** Requests per one-minute window. */
  steady: number;
}

/**
 * The tiers of Klaviyo's rate-limit guide. The spec gives some L endpoints
 * 750/m where the guide says 700/m: the lower number is kept, so no endpoint
 * of the class is ever pushed past what either source allows.
 */
export const RATE_CLASSES: Record<RateClassName, RateClass> = {
  XS: { name: "XS", burst: 1, steady: 15 },
  S: { name: "S", burst: 3, steady: 60 },
  M: { name: "M", burst: 10, steady: 150 },
  L: { name: "L", burst: 75, steady: 700 },
  XL: { name: "XL", burst: 350, steady: 3500 },
};

/** Operations whose count per day Klaviyo caps (spec: `daily` in `x-klaviyo-ratelimit`). */
export type DailyOperation = "flow-create" | "segment-create" | "segment-update" | "list-create";

export interface DailyCap {
  operation: DailyOperation;
  perDay: number;
  /** How the plan names it ("flow creates"). */
  label: string;
}

export const DAILY_CAPS: Record<DailyOperation, DailyCap> = {
  "flow-create": { operation: "flow-create", perDay: 100, label: "flow creates" },
  "segment-create": { operation: "segment-create", perDay: 100, label: "segment creates" },
  "segment-update": { operation: "segment-update", perDay: 100, label: "segment updates" },
  "list-create": { operation: "list-create", perDay: 150, label: "list creates" },
};

export interface EndpointLimit {
  rateClass: RateClass;
  daily?: DailyCap;
}

interface Rule {
  method: string;
  /** Path with `{id}` for one segment. */
  path: RegExp;
  rateClass: RateClassName;
  daily?: DailyOperation;
}

const R = (method: string, path: string, rateClass: RateClassName, daily?: DailyOperation): Rule => ({
  method,
  path: new RegExp(`^/api${path.replace(/\{id\}/g, "[^/]+")}/?$`),
  rateClass,
  daily,
});

/** Endpoints Mops calls, with the limits the spec gives each (first match wins). */
const RULES: readonly Rule[] = [
  R("POST", "/flows", "XS", "flow-create"),
  R("*", "/flows", "S"),
  R("*", "/flows/{id}", "S"),
  R("*", "/flows/{id}/.*", "S"),
  R("*", "/flow-actions/{id}", "S"),
  R("*", "/flow-actions/{id}/.*", "S"),
  R("*", "/flow-messages/{id}.*", "S"),
  R("POST", "/segments", "XS", "segment-create"),
  R("PATCH", "/segments/{id}", "XS", "segment-update"),
  R("DELETE", "/segments/{id}", "S"),
  R("GET", "/segments", "L"),
  R("GET", "/segments/{id}", "L"),
  R("*", "/segments/{id}/tags", "S"),
  R("*", "/segments/{id}/.*", "S"),
  R("POST", "/lists", "M", "list-create"),
  R("GET", "/lists", "L"),
  R("GET", "/lists/{id}", "L"),
  R("*", "/lists/{id}", "M"),
  R("*", "/lists/{id}/tags", "S"),
  R("*", "/lists/{id}/.*", "S"),
  R("*", "/templates", "L"),
  R("*", "/templates/{id}", "L"),
  R("*", "/template-universal-content", "L"),
  R("*", "/template-universal-content/{id}", "L"),
  R("*", "/metrics", "M"),
  R("*", "/metrics/{id}", "M"),
  R("*", "/tags", "S"),
  R("*", "/tags/{id}", "S"),
  R("*", "/tags/{id}/.*", "S"),
];

/**
 * The limits of one request. Unknown endpoints get the strictest class: a
 * request Mops did not plan for must never be the one that trips a 429.
 */
export function limitOf(method: string, path: string): EndpointLimit {
  const p = path.replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, "");
  const m = method.toUpperCase();
  const rule = RULES.find((r) => (r.method === "*" || r.method === m) && r.path.test(p));
  return { rateClass: RATE_CLASSES[rule?.rateClass ?? "XS"], daily: rule?.daily ? DAILY_CAPS[rule.daily] : undefined };
}
