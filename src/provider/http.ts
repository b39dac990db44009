import axios, { type AxiosInstance, type AxiosResponse, type Method } from "axios";
import Bottleneck from "bottleneck";
import pRetry, { AbortError } from "p-retry";
import { error, type Diagnostic } from "../diagnostics";
import { readSecret, type SecretRef } from "../model";
import { ProviderError } from "./types";

/**
 * The one HTTP client every real provider uses: auth, client-side rate limit,
 * retries with backoff that honour Retry-After, error mapping to ProviderError.
 * Providers plug platform knowledge in through hooks instead of copying this.
 */

/** What a provider sees of a failed attempt. Never carries request headers (the token lives there). */
export interface HttpFailure {
  method: string;
  /** Path relative to the base URL, without the query string (queries may hold keys on some platforms). */
  path: string;
  /** Absent for network errors. */
  status?: number;
  headers: Record<string, string>;
  data?: unknown;
  /** Network error code (ECONNRESET, ECONNREFUSED, ETIMEDOUT, …). */
  code?: string;
}

export interface RetryDecision {
  retry: boolean;
  /** Wait before the next attempt; computed backoff when absent. */
  waitMs?: number;
  reason: string;
}

export interface RetryInfo {
  attempt: number;
  waitMs: number;
  reason: string;
  method: string;
  path: string;
  status?: number;
}

/** Lets a provider slow the client down from what the platform reports (remaining-quota headers). */
export interface RateControl {
  /** Hold every queued request for this long (the quota window resets later). */
  pauseFor(ms: number): void;
  setRate(requestsPerSecond: number): void;
}

export interface HttpClientOptions {
  baseURL: string;
  /** Provider name for diagnostics ("sandbox", "hubspot"). */
  provider: string;
  /** Auth headers, resolved by the caller; asked per request so a refreshed token is picked up. */
  auth?: () => Record<string, string>;
  /** Client-side limit; unlimited when absent. */
  requestsPerSecond?: number;
  maxConcurrent?: number;
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  /** Backoff base and cap for computed waits (defaults 250 ms, 30 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the failure is returned as retryable (default 120 s). */
  maxWaitMs?: number;
  timeoutMs?: number;
  /** Platform-specific retry policy; return undefined to fall back to `defaultClassifyRetry`. */
  classifyRetry?: (f: HttpFailure) => RetryDecision | undefined;
  /** Platform error body -> Diagnostic; `defaultDiagnostic` when absent or undefined. */
  toDiagnostic?: (f: HttpFailure) => Diagnostic | undefined;
  /** Called after every response (success or failure) so a provider can adapt the rate. */
  onResponse?: (res: { status: number; headers: Record<string, string> }, rate: RateControl) => void;
  onRetry?: (info: RetryInfo) => void;
  /** Injectable randomness for jitter (tests). */
  random?: () => number;
  /**
   * Holds each attempt (retries included) until the platform's window for it
   * has room, right before it is sent: for platforms whose limits differ per
   * endpoint, which one client-wide limiter cannot express. With a pace,
   * a 429 no longer pauses the shared limiter: the pace holds its own window.
   */
  pace?: (req: HttpRequest) => Promise<void>;
  /** Waits between attempts; injectable so tests run on a virtual clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Extra headers on every request (an API version, a content type). */
  headers?: Record<string, string>;
}

export interface HttpRequest {
  method: Method;
  path: string;
  params?: Record<string, string | number | boolean | undefined>;
  data?: unknown;
  signal?: AbortSignal;
}

export interface HttpClient {
  request<T = unknown>(req: HttpRequest): Promise<T>;
  get<T = unknown>(path: string, params?: HttpRequest["params"], signal?: AbortSignal): Promise<T>;
  post<T = unknown>(path: string, data: unknown, signal?: AbortSignal): Promise<T>;
  put<T = unknown>(path: string, data: unknown, signal?: AbortSignal): Promise<T>;
  patch<T = unknown>(path: string, data: unknown, signal?: AbortSignal): Promise<T>;
  delete<T = unknown>(path: string, signal?: AbortSignal): Promise<T>;
  /** HTTP requests actually sent, retries included. */
  readonly requestCount: number;
  readonly axios: AxiosInstance;
  close(): Promise<void>;
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/**
 * 429 and 5xx and network errors are worth another try; everything else is
 * the caller's problem. A POST creates: when its answer is lost (timeout,
 * reset, 500/502/504) the object may exist already, and sending it again
 * would make a duplicate. It is retried only when the platform certainly did
 * nothing (connection refused, 429, 503); otherwise the operation fails, and
 * the next plan adopts the object by name if it was made.
 */
export function defaultClassifyRetry(f: HttpFailure): RetryDecision {
  const retryAfter = parseRetryAfter(f.headers["retry-after"]);
  const creates = f.method.toUpperCase() === "POST";
  if (f.status === undefined) {
    // An unknown host will not appear by waiting: say so at once.
    if (f.code === "ENOTFOUND") return { retry: false, reason: "host not found" };
    const retry = !creates || f.code === "ECONNREFUSED";
    return { retry, reason: `network error ${f.code ?? "unknown"}${retry ? "" : " (not retried: the create may have happened)"}` };
  }
  if (f.status === 429) return { retry: true, waitMs: retryAfter, reason: "rate limited (429)" };
  if (f.status >= 500) {
    const retry = !creates || f.status === 503;
    return { retry, waitMs: retryAfter, reason: `server error (${f.status})${retry ? "" : " (not retried: the create may have happened)"}` };
  }
  return { retry: false, reason: `HTTP ${f.status}` };
}

const NETWORK_WORDS: Record<string, string> = {
  ENOTFOUND: "the platform's host name could not be found (DNS lookup failed; is this machine offline?)",
  EAI_AGAIN: "the platform's host name could not be looked up right now (DNS)",
  ECONNREFUSED: "the connection was refused (nothing listens at that address)",
  ECONNRESET: "the connection was reset by the platform",
  ETIMEDOUT: "the platform did not answer in time",
  ECONNABORTED: "the platform did not answer in time",
};

export function defaultDiagnostic(provider: string, f: HttpFailure): Diagnostic {
  const where = `${f.method.toUpperCase()} ${f.path}`;
  if (f.status === undefined) {
    const why = NETWORK_WORDS[f.code ?? ""] ?? f.code ?? "network error";
    return error("provider/network", `${provider}: ${where} failed: ${why}`, {
      hint: "check the provider's `url` (when set), this machine's network and proxy, and that the platform is up",
    });
  }
  const body = typeof f.data === "string" ? f.data : f.data === undefined ? "" : JSON.stringify(f.data);
  const snippet = body.length > 300 ? `${body.slice(0, 300)}…` : body;
  return error(`provider/http-${f.status}`, `${provider}: ${where} answered ${f.status}${snippet ? `: ${snippet}` : ""}`, {
    hint: f.status === 401 || f.status === 403 ? "check the provider token and its scopes" : undefined,
  });
}

/** A failed attempt carried through p-retry. */
class AttemptFailure extends Error {
  constructor(readonly failure: HttpFailure, readonly decision: RetryDecision) {
    super(decision.reason);
  }
}

const lowerHeaders = (h: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (h && typeof h === "object") {
    for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
      if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : String(v);
    }
  }
  return out;
};

/** Waits `ms`, or rejects when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const instance = axios.create({
    baseURL: opts.baseURL,
    timeout: opts.timeoutMs ?? 30_000,
    // Statuses are classified here, not by axios, so no AxiosError ever carries our headers outward.
    validateStatus: () => true,
    headers: { "content-type": "application/json", accept: "application/json", ...opts.headers },
  });
  const wait = opts.sleep ?? sleep;
  const random = opts.random ?? Math.random;
  const maxRetries = opts.maxRetries ?? 5;
  const backoff = opts.backoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 30_000;
  const maxWait = opts.maxWaitMs ?? 120_000;
  const limiter = new Bottleneck({
    maxConcurrent: opts.maxConcurrent ?? null,
    minTime: opts.requestsPerSecond ? Math.ceil(1000 / opts.requestsPerSecond) : 0,
  });
  let pauseTimer: NodeJS.Timeout | undefined;
  let pausedUntil = 0;
  const rate: RateControl = {
    pauseFor(ms) {
      const until = Date.now() + ms;
      if (until <= pausedUntil) return;
      pausedUntil = until;
      // An empty reservoir holds every queued job; refilling to null lifts the limit again.
      void limiter.updateSettings({ reservoir: 0 });
      clearTimeout(pauseTimer);
      pauseTimer = setTimeout(() => {
        pausedUntil = 0;
        void limiter.updateSettings({ reservoir: null });
      }, ms);
      pauseTimer.unref?.();
    },
    setRate(rps) {
      void limiter.updateSettings({ minTime: Math.ceil(1000 / rps) });
    },
  };
  let requestCount = 0;

  const computedWait = (retriesConsumed: number): number => {
    const exp = Math.min(maxBackoff, backoff * 2 ** retriesConsumed);
    // "Equal jitter": at least half the backoff, so retries never stampede at zero.
    return Math.round(exp / 2 + (random() * exp) / 2);
  };

  async function attempt<T>(req: HttpRequest): Promise<T> {
    const { path } = req;
    let res: AxiosResponse;
    // A pace that refuses (a spent daily quota) throws its own ProviderError, which passes through unchanged.
    await opts.pace?.(req);
    try {
      res = await limiter.schedule(() => {
        requestCount++;
        return instance.request({
          method: req.method,
          url: req.path,
          params: req.params,
          data: req.data,
          signal: req.signal,
          headers: opts.auth?.() ?? {},
        });
      });
    } catch (e) {
      if (req.signal?.aborted) throw new AbortError(req.signal.reason instanceof Error ? req.signal.reason : new Error("aborted"));
      const code = (e as { code?: string }).code;
      const failure: HttpFailure = { method: req.method, path, headers: {}, code };
      // Without an error code this is no network failure but a bug; it is still wrapped so that the
      // raw axios error (whose config holds the auth header) never leaves this module.
      const decision: RetryDecision = code === undefined
        ? { retry: false, reason: "request failed" }
        : opts.classifyRetry?.(failure) ?? defaultClassifyRetry(failure);
      if (!decision.retry) throw new AbortError(new ProviderError(diagnose(failure), false));
      throw new AttemptFailure(failure, decision);
    }
    const headers = lowerHeaders(res.headers);
    opts.onResponse?.({ status: res.status, headers }, rate);
    if (res.status >= 200 && res.status < 300) return res.data as T;
    const failure: HttpFailure = { method: req.method, path, status: res.status, headers, data: res.data };
    const decision = opts.classifyRetry?.(failure) ?? defaultClassifyRetry(failure);
    if (!decision.retry) throw new AbortError(new ProviderError(diagnose(failure), false, res.status));
    // A pace hook owns waiting for its windows (and learns of the 429 through classifyRetry).
    if (res.status === 429 && decision.waitMs !== undefined && !opts.pace) rate.pauseFor(decision.waitMs);
    throw new AttemptFailure(failure, decision);
  }

  function diagnose(f: HttpFailure): Diagnostic {
    return redact(opts.toDiagnostic?.(f) ?? defaultDiagnostic(opts.provider, f));
  }

  /** A platform that echoes the request (some do, in error bodies) must not put the token into a diagnostic. */
  function redact(d: Diagnostic): Diagnostic {
    const secrets = Object.values(opts.auth?.() ?? {})
      .flatMap((v) => [v, v.replace(/^\S+\s+/, "")])
      .filter((v) => v.length >= 6);
    let text = JSON.stringify(d);
    if (!secrets.some((v) => text.includes(v))) return d;
    for (const v of secrets) text = text.split(v).join("[redacted]");
    return JSON.parse(text) as Diagnostic;
  }

  async function request<T>(req: HttpRequest): Promise<T> {
    try {
      return await pRetry(() => attempt<T>(req), {
        retries: maxRetries,
        // Waiting happens in shouldRetry below, where the Retry-After of this failure is known.
        minTimeout: 0,
        signal: req.signal,
        shouldRetry: async ({ error: e, retriesConsumed, attemptNumber }) => {
          if (!(e instanceof AttemptFailure)) return false;
          const waitMs = e.decision.waitMs ?? computedWait(retriesConsumed);
          if (waitMs > maxWait) return false;
          opts.onRetry?.({ attempt: attemptNumber, waitMs, reason: e.decision.reason, method: req.method, path: req.path, status: e.failure.status });
          await wait(waitMs, req.signal);
          return true;
        },
      });
    } catch (e) {
      if (e instanceof AttemptFailure) throw new ProviderError(diagnose(e.failure), true, e.failure.status);
      throw e;
    }
  }

  return {
    request,
    get: (path, params, signal) => request({ method: "GET", path, params, signal }),
    post: (path, data, signal) => request({ method: "POST", path, data, signal }),
    put: (path, data, signal) => request({ method: "PUT", path, data, signal }),
    patch: (path, data, signal) => request({ method: "PATCH", path, data, signal }),
    delete: (path, signal) => request({ method: "DELETE", path, signal }),
    get requestCount() {
      return requestCount;
    },
    axios: instance,
    async close() {
      clearTimeout(pauseTimer);
      await limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
    },
  };
}

export interface Page<T> {
  items: T[];
  /** Cursor of the next page; absent on the last page. */
  next?: string;
}

/** Follows a cursor until the platform says there is no next page. */
export async function paginate<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, provider = "provider"): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    out.push(...page.items);
    cursor = page.next;
    if (cursor !== undefined) {
      // A platform that hands back a cursor twice would loop forever.
      if (seen.has(cursor)) {
        throw new ProviderError(error("provider/pagination-loop", `${provider}: the list endpoint returned the same page cursor twice`), false);
      }
      seen.add(cursor);
    }
  } while (cursor !== undefined);
  return out;
}

/**
 * Reads a provider token at the moment a provider is built; throws
 * ProviderError (naming only the variable or file) when it cannot be read.
 */
export function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv, baseDir: string, provider: string): string {
  const r = readSecret(ref, env, baseDir, `${provider} token`);
  if (r.value === undefined) throw new ProviderError(r.diagnostics[0]!);
  return r.value;
}
