import { error } from "../../src/diagnostics";
import type { ProviderConfig } from "../../src/model";
import { createHttpClient, parseRetryAfter, resolveSecret, type HttpClient } from "../../src/provider/http";
import { ProviderError } from "../../src/provider/types";
import { klaviyoClassifyRetry, klaviyoDiagnostic, isDailyCap } from "./errors";
import { Pacer, type Clock } from "./pacer";
import { limitOf } from "./rates";

/**
 * Klaviyo's HTTP client: the shared client (retries, Retry-After, error
 * mapping) with Klaviyo's knowledge plugged in: the `revision` header, the
 * `Klaviyo-API-Key` scheme, JSON:API media types, cursor pages through
 * `links.next`, and a sliding-window pace per rate class plus daily counts.
 */

export const DEFAULT_BASE_URL = "https://a.klaviyo.com";
/** The newest stable revision of Klaviyo's OpenAPI spec (klaviyo/openapi, openapi/stable.json). */
export const REVISION = "2026-07-15";
export const JSON_API = "application/vnd.api+json";

/** A JSON:API resource object as Klaviyo sends it. */
export interface Resource<A = Record<string, unknown>> {
  type: string;
  id: string;
  attributes: A;
  relationships?: Record<string, { data?: { type: string; id: string } | { type: string; id: string }[] | null }>;
  links?: Record<string, string>;
}

export interface Document<T> {
  data: T;
  included?: Resource[];
  links?: { self?: string; next?: string | null; prev?: string | null };
}

export type Params = Record<string, string | number | boolean | undefined>;

export interface KlaviyoClient extends HttpClient {
  /** Every resource of a cursor-paginated collection, following `links.next`; `included` of all pages too. */
  getAll<A>(path: string, params: Params, pageSize: number | undefined, signal?: AbortSignal): Promise<{ data: Resource<A>[]; included: Resource[] }>;
  readonly pacer: Pacer;
  readonly revision: string;
}

export interface KlaviyoClientOptions {
  config: ProviderConfig;
  env: NodeJS.ProcessEnv;
  baseDir: string;
  /** Tests run the pace and the retries on a virtual clock. */
  clock?: Clock;
  backoffMs?: number;
  maxRetries?: number;
  random?: () => number;
  marginMs?: number;
}

/** `revision:` in the provider settings pins another API revision (format YYYY-MM-DD, optionally `.pre`). */
function revisionOf(config: ProviderConfig): string {
  const r = (config as { revision?: unknown }).revision;
  if (r === undefined) return REVISION;
  if (typeof r === "string" && /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(r)) return r;
  throw new ProviderError(error("klaviyo/bad-revision", `the Klaviyo provider setting \`revision\` must be a date like ${REVISION}, not ${JSON.stringify(r)}`, {
    hint: `remove it to use ${REVISION}, the revision Mops is tested against`,
  }));
}

export function createKlaviyoClient(opts: KlaviyoClientOptions): KlaviyoClient {
  const token = opts.config.token === undefined ? undefined : resolveSecret(opts.config.token, opts.env, opts.baseDir, "klaviyo");
  if (!token) {
    throw new ProviderError(error("klaviyo/no-token", "the Klaviyo provider needs a private API key, and none is configured", {
      hint: "set `token: ${env:KLAVIYO_API_KEY}` in the environment's provider settings and export KLAVIYO_API_KEY (Klaviyo > Settings > API keys)",
    }));
  }
  const revision = revisionOf(opts.config);
  const base = (opts.config.url ?? DEFAULT_BASE_URL).replace(/\/$/, "");
  const pacer = new Pacer({ clock: opts.clock, marginMs: opts.marginMs });
  const http = createHttpClient({
    baseURL: base,
    provider: "klaviyo",
    auth: () => ({ authorization: `Klaviyo-API-Key ${token}` }),
    headers: { revision, "content-type": JSON_API, accept: JSON_API },
    maxConcurrent: opts.config.concurrency ?? 8,
    maxRetries: opts.maxRetries,
    backoffMs: opts.backoffMs,
    random: opts.random,
    sleep: opts.clock?.sleep,
    pace: (req) => pacer.pace(req.method, req.path, req.signal),
    classifyRetry: (f) => {
      const d = klaviyoClassifyRetry(f);
      const limit = limitOf(f.method, f.path);
      const now = pacer.clock.now();
      // Klaviyo says the day's cap is spent: later requests of that kind are refused here, unsent.
      if (limit.daily && isDailyCap(f)) pacer.counter(limit.daily.operation).block(now + (parseRetryAfter(f.headers["retry-after"]) ?? 86_400_000));
      // Someone else spent this window: the whole class waits for it, not just this request.
      else if (f.status === 429 && d?.waitMs !== undefined) pacer.window(limit.rateClass.name).hold(now + d.waitMs);
      return d;
    },
    toDiagnostic: klaviyoDiagnostic,
  });

  /** A `links.next` from Klaviyo, as a path and params on our base (never another host). */
  function nextRequest(next: string): { path: string; params: Params } {
    const u = new URL(next, base);
    if (u.origin !== new URL(base).origin) {
      throw new ProviderError(error("klaviyo/foreign-page-link", `Klaviyo's next-page link points at ${u.origin}, not ${new URL(base).origin}; it was not followed`));
    }
    return { path: u.pathname, params: Object.fromEntries(u.searchParams) };
  }

  async function getAll<A>(path: string, params: Params, pageSize: number | undefined, signal?: AbortSignal) {
    const data: Resource<A>[] = [];
    const included: Resource[] = [];
    const seen = new Set<string>();
    let req: { path: string; params: Params } | undefined = { path, params: pageSize ? { ...params, "page[size]": pageSize } : params };
    while (req) {
      const page: Document<Resource<A>[]> = await http.get<Document<Resource<A>[]>>(req.path, req.params, signal);
      data.push(...page.data);
      included.push(...(page.included ?? []));
      const next = page.links?.next;
      if (!next) break;
      if (seen.has(next)) throw new ProviderError(error("provider/pagination-loop", "klaviyo: the list endpoint returned the same next-page link twice"));
      seen.add(next);
      req = nextRequest(next);
    }
    return { data, included };
  }

  return Object.assign(http, { getAll, pacer, revision }) as KlaviyoClient;
}
