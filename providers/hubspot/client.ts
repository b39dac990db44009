import { error, type Diagnostic } from "../../src/diagnostics";
import type { ProviderConfig } from "../../src/model";
import { createHttpClient, paginate, parseRetryAfter, resolveSecret, type HttpClient, type HttpFailure, type RetryDecision } from "../../src/provider/http";
import { ProviderError } from "../../src/provider/types";

/**
 * HubSpot's HTTP client: the shared client (limiter, retries, Retry-After) with
 * HubSpot's knowledge plugged into its hooks: the daily vs. ten-secondly 429
 * policies, the X-HubSpot-RateLimit-* headers and the error body shape.
 */

export const DEFAULT_BASE_URL = "https://api.hubapi.com";
/** Free/Starter burst limit: 100 requests per 10 s per app; higher tiers allow 190. */
export const DEFAULT_REQUESTS_PER_SECOND = 10;

/** HubSpot's documented error body (ModelError) plus the 429 extras. */
export interface HubSpotErrorBody {
  status?: string;
  message?: string;
  correlationId?: string;
  category?: string;
  subCategory?: string;
  errors?: { message?: string; code?: string; context?: Record<string, unknown> }[];
  context?: Record<string, unknown>;
  policyName?: string;
  errorType?: string;
}

const HINTS: Record<string, string> = {
  VALIDATION_ERROR: "HubSpot rejected the request body: fix the resource as the message says, then plan again",
  CONFLICT: "the object changed in HubSpot since it was read (or its name is taken): run `mops plan` again to refresh, then apply",
  OBJECT_ALREADY_EXISTS: "an object with this name already exists in HubSpot: import it (`mops import`) or choose another name",
  OBJECT_NOT_FOUND: "the object no longer exists in HubSpot (deleted in the UI?): run `mops drift` to see what changed",
  RESOURCE_NOT_FOUND: "the object no longer exists in HubSpot (deleted in the UI?): run `mops drift` to see what changed",
  MISSING_SCOPES: "the private app token lacks a scope this call needs (automation, crm.lists.read/write, settings.users.write, content, crm.schemas.contacts.write, behavioral_events.event_definitions.read_write): add it in HubSpot > Settings > Integrations > Private apps",
  INVALID_AUTHENTICATION: "the token was refused: check HUBSPOT_TOKEN (a private app access token)",
  EXPIRED_AUTHENTICATION: "the token has expired: create a new private app token",
  RATE_LIMITS: "HubSpot's burst limit was hit repeatedly: lower `rate_limit` in the environment's provider settings",
};

export function isDailyLimit(f: HttpFailure): boolean {
  const body = (f.data ?? {}) as HubSpotErrorBody;
  return f.status === 429 && body.policyName === "DAILY";
}

/** The daily quota resets at midnight in the account's time zone, which the API does not tell us. */
function dailyDiagnostic(f: HttpFailure): Diagnostic {
  const body = (f.data ?? {}) as HubSpotErrorBody;
  const max = f.headers["x-hubspot-ratelimit-daily"];
  return error("hubspot/daily-limit", `HubSpot's daily API limit is exhausted${max ? ` (${max} requests per day)` : ""}; no request was retried`, {
    hint: "the daily limit resets at midnight in the HubSpot account's time zone (Settings > Account Defaults); apply again after that, or buy the API limit increase",
    detail: { status: 429, policyName: "DAILY", correlationId: body.correlationId },
  });
}

export function hubspotDiagnostic(f: HttpFailure): Diagnostic | undefined {
  if (f.status === undefined) return undefined;
  if (isDailyLimit(f)) return dailyDiagnostic(f);
  const body = (typeof f.data === "object" && f.data !== null ? f.data : {}) as HubSpotErrorBody;
  if (!body.message && !body.category) return undefined;
  const details = (body.errors ?? []).map((e) => e.message).filter((m): m is string => !!m);
  const message = `HubSpot refused ${f.method.toUpperCase()} ${f.path} (${f.status}${body.category ? ` ${body.category}` : ""}): ${body.message ?? "no message"}`
    + (details.length ? ` — ${details.join("; ")}` : "");
  const hint = (body.category && HINTS[body.category])
    ?? (f.status === 409 ? HINTS.CONFLICT : f.status === 401 ? HINTS.INVALID_AUTHENTICATION : f.status === 403 ? HINTS.MISSING_SCOPES : undefined);
  return error(`hubspot/${(body.category ?? `http-${f.status}`).toLowerCase().replace(/_/g, "-")}`, message, {
    hint,
    detail: {
      status: f.status,
      category: body.category,
      subCategory: body.subCategory,
      correlationId: body.correlationId,
      errors: body.errors,
    },
  });
}

/** Daily limit: waiting will not help today. Burst: Retry-After when given, else backoff with jitter. */
export function hubspotClassifyRetry(f: HttpFailure): RetryDecision | undefined {
  if (isDailyLimit(f)) return { retry: false, reason: "HubSpot daily limit exhausted" };
  if (f.status === 429) {
    const policy = ((f.data ?? {}) as HubSpotErrorBody).policyName ?? "burst";
    return { retry: true, waitMs: parseRetryAfter(f.headers["retry-after"]), reason: `HubSpot rate limit (${policy})` };
  }
  return undefined;
}

export interface HubSpotClient extends HttpClient {
  /** Every item of a cursor-paginated GET (`paging.next.after`). */
  getAll<T>(path: string, params?: Record<string, string | number | boolean | undefined>, signal?: AbortSignal): Promise<T[]>;
}

export interface HubSpotClientOptions {
  config: ProviderConfig;
  env: NodeJS.ProcessEnv;
  baseDir: string;
  /** Tests shorten waits. */
  backoffMs?: number;
  maxRetries?: number;
  random?: () => number;
}

export function createHubSpotClient(opts: HubSpotClientOptions): HubSpotClient {
  const token = opts.config.token === undefined ? undefined : resolveSecret(opts.config.token, opts.env, opts.baseDir, "hubspot");
  if (!token) {
    const where = typeof opts.config.token === "string" ? opts.config.token : JSON.stringify(opts.config.token ?? "token");
    throw new ProviderError(
      error("hubspot/no-token", `the HubSpot provider needs an access token, and ${where} gave none`, {
        hint: "set `token: ${env:HUBSPOT_TOKEN}` in the environment's provider settings and export HUBSPOT_TOKEN (a private app access token)",
      }),
    );
  }
  const configuredRate = opts.config.rate_limit ?? DEFAULT_REQUESTS_PER_SECOND;
  const http = createHttpClient({
    baseURL: (opts.config.url ?? DEFAULT_BASE_URL).replace(/\/$/, ""),
    provider: "hubspot",
    auth: () => ({ authorization: `Bearer ${token}` }),
    requestsPerSecond: configuredRate,
    maxConcurrent: opts.config.concurrency ?? 8,
    maxRetries: opts.maxRetries,
    backoffMs: opts.backoffMs,
    random: opts.random,
    classifyRetry: hubspotClassifyRetry,
    toDiagnostic: hubspotDiagnostic,
    onResponse: ({ headers }, rate) => {
      const max = Number(headers["x-hubspot-ratelimit-max"]);
      const remaining = Number(headers["x-hubspot-ratelimit-remaining"]);
      const interval = Number(headers["x-hubspot-ratelimit-interval-milliseconds"]);
      if (!(max > 0) || !(interval > 0) || Number.isNaN(remaining)) return;
      // Follow the tier HubSpot reports rather than our guess, and stop before the window is empty.
      rate.setRate(Math.min(configuredRate, (max * 1000) / interval));
      if (remaining <= 1) rate.pauseFor(interval);
    },
  });
  const getAll = <T>(path: string, params: Record<string, string | number | boolean | undefined> = {}, signal?: AbortSignal) =>
    paginate<T>(async (after) => {
      const page = await http.get<{ results?: T[]; paging?: { next?: { after?: string } } }>(path, { limit: 100, ...params, after }, signal);
      return { items: page.results ?? [], next: page.paging?.next?.after };
    }, "hubspot");
  return Object.assign(http, { getAll }) as HubSpotClient;
}
