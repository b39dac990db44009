import { error, type Diagnostic } from "../../src/diagnostics";
import { readSecret, type SecretRef } from "../../src/model";
import { createHttpClient, defaultClassifyRetry, type HttpClient, type HttpFailure, type HttpRequest, type RetryInfo } from "../../src/provider/http";
import { ProviderError } from "../../src/provider/types";
import type { Endpoint } from "./instances";
import { endpointClass, LIMITS, RateWindow, realClock, type Clock, type EndpointClass } from "./limits";

/**
 * Braze's HTTP client: the shared client (retries with backoff on 5xx and
 * network errors, error mapping, secret redaction) once per endpoint class,
 * each behind that class's rate window. The REST API key and the SCIM token
 * stay references until a request needs them: they are read from the
 * environment inside the request, never kept, never in an error.
 */

export interface ScimSettings {
  token: SecretRef;
  /** The service origin configured for the SCIM token in the dashboard (`X-Request-Origin`). */
  origin: string;
}

export interface BrazeClientOptions {
  endpoint: Endpoint;
  /** The REST API key of the workspace. */
  key: SecretRef;
  scim?: ScimSettings;
  env: NodeJS.ProcessEnv;
  baseDir: string;
  /** Tests share one with the fake Braze, so rate-limit waits take no time. */
  clock?: Clock;
  /** A rate-limit wait longer than this is not waited for: the call fails as retryable (default 120 s). */
  maxWaitMs?: number;
  concurrency?: number;
  maxRetries?: number;
  backoffMs?: number;
  random?: () => number;
  onRetry?: (info: RetryInfo) => void;
}

export interface BrazeClient {
  get<T>(path: string, params?: HttpRequest["params"], signal?: AbortSignal): Promise<T>;
  /** A GET of one object; undefined when Braze says it has none (404, or a 400 naming the id invalid or deleted). */
  find<T>(path: string, params?: HttpRequest["params"], signal?: AbortSignal): Promise<T | undefined>;
  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T>;
  put<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T>;
  delete<T>(path: string, signal?: AbortSignal): Promise<T>;
  /** Export lists paged by number (`page=0,1,…`, 100 per page): until a short page. */
  pages<T>(path: string, key: string, params?: HttpRequest["params"], signal?: AbortSignal): Promise<T[]>;
  /** Template and Content Block lists paged by `offset`/`limit`. */
  offsetPages<T>(path: string, key: string, signal?: AbortSignal): Promise<T[]>;
  /** SCIM lists paged by `startIndex`/`count` (RFC 7644 §3.4.2.4). */
  scimPages<T>(path: string, signal?: AbortSignal): Promise<T[]>;
  /** `/custom_attributes`, paged by the cursor in the `Link` header. */
  linkPages<T>(path: string, key: string, signal?: AbortSignal): Promise<T[]>;
  /** Left in the current window of a class and when it resets (quotas, tests). */
  window(cls: EndpointClass): { left: number; resetsAt: number };
  /** The time on the client's clock (injected in tests). */
  now(): number;
  readonly requestCount: number;
  close(): Promise<void>;
}

/** Braze's error bodies: REST `{message, errors}` (braze-docs `_docs/_api/errors.md`), SCIM `{schemas, detail, status}`. */
interface BrazeErrorBody {
  message?: unknown;
  errors?: unknown;
  detail?: unknown;
}

/** The API key permission each call needs (braze-docs, each endpoint's Prerequisites). */
const PERMISSIONS: [RegExp, string][] = [
  [/^\/templates\/email\/create/, "templates.email.create"],
  [/^\/templates\/email\/update/, "templates.email.update"],
  [/^\/templates\/email\/info/, "templates.email.info"],
  [/^\/templates\/email\/list/, "templates.email.list"],
  [/^\/content_blocks\/create/, "content_blocks.create"],
  [/^\/content_blocks\/update/, "content_blocks.update"],
  [/^\/content_blocks\/info/, "content_blocks.info"],
  [/^\/content_blocks\/list/, "content_blocks.list"],
  [/^\/canvas\/list/, "canvas.list"],
  [/^\/canvas\/details/, "canvas.details"],
  [/^\/campaigns\/list/, "campaigns.list"],
  [/^\/campaigns\/details/, "campaigns.details"],
  [/^\/segments\/list/, "segments.list"],
  [/^\/segments\/details/, "segments.details"],
  [/^\/custom_attributes/, "custom_attributes.get"],
  [/^\/preference_center\/v1\/list/, "preference_center.list"],
  [/^\/preference_center\/v1$/, "preference_center.update"],
  [/^\/preference_center\/v1\//, "preference_center.get / preference_center.update"],
];

/** What to do about a refusal Braze words this way (braze-docs, each endpoint's Troubleshooting table). */
const MESSAGE_HINTS: [RegExp, string][] = [
  [/tags could not be found|tags must be/i, "Braze accepts only tags that already exist: create them in Settings > Tags, or drop them from the resource's `tags:`"],
  [/already exists/i, "an object with this name already exists in Braze: adopt it with `mops import`, or rename the resource"],
  [/valid content block names/i, "the body includes a Content Block this workspace does not have: declare it (a template tagged `braze:content_block`) or fix the `{{content_blocks.${…}}}` tag"],
  [/malformed liquid/i, "Braze could not parse the Liquid in the body: fix the merge fields and tags"],
  [/name cannot be updated for active content blocks/i, "Braze does not rename an active Content Block: keep its name, or declare a new one and archive the old one in the dashboard"],
  [/can only contain alphanumeric/i, "Braze names of Content Blocks and preference centers take only letters, digits, `-` and `_`"],
  [/smaller than 50kb/i, "a Content Block holds at most 50 KB: split it"],
];

function hintFor(f: HttpFailure, text: string, scim: boolean): string | undefined {
  const known = MESSAGE_HINTS.find(([re]) => re.test(text));
  if (known) return known[1];
  const permission = PERMISSIONS.find(([re]) => re.test(f.path))?.[1];
  switch (f.status) {
    case 401:
      return scim
        ? "check the SCIM token (`scim.token`) and `scim.origin`: it must be the service origin set with the token in Settings > Company Settings > Admin Settings > SCIM Provisioning"
        : "check the REST API key (`token:` in the provider settings) and the instance: Braze refuses a key sent to another instance's host with 401";
    case 403:
      return scim
        ? "SCIM is refused: it is off, limited to an IP allowlist this machine is not on, or provisioning runs through Okta/Entra instead"
        : `the REST API key lacks a permission${permission ? ` (${permission})` : ""}: add it in Settings > APIs and Identifiers > API Keys`;
    case 404:
      return "Braze does not have it (archived or deleted in the dashboard?): run `mops drift` to see what changed";
    case 409:
      return "it exists already in Braze: adopt it with `mops import`";
    default:
      return f.status !== undefined && f.status >= 500 ? "Braze had a server error; apply again later (finished steps are kept)" : undefined;
  }
}

export function brazeDiagnostic(f: HttpFailure): Diagnostic | undefined {
  if (f.status === undefined) return undefined;
  const scim = f.path.startsWith("/scim/");
  const body = (typeof f.data === "object" && f.data !== null ? f.data : {}) as BrazeErrorBody;
  const said = [body.message, body.detail].find((x): x is string => typeof x === "string" && x !== "");
  const minor = Array.isArray(body.errors) ? body.errors.map((e) => (typeof e === "string" ? e : JSON.stringify(e))) : [];
  const text = [said, ...minor].filter(Boolean).join(" — ");
  const code = { 400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 409: "conflict", 429: "rate-limited" }[f.status]
    ?? (f.status >= 500 ? "server-error" : `http-${f.status}`);
  return error(`braze/${code}`, `Braze refused ${f.method.toUpperCase()} ${f.path} (${f.status})${text ? `: ${text}` : ""}`, {
    hint: hintFor(f, text, scim),
    detail: { status: f.status, ...(minor.length ? { errors: minor } : {}) },
  });
}

function readOrThrow(ref: SecretRef, env: NodeJS.ProcessEnv, baseDir: string, what: string): string {
  const r = readSecret(ref, env, baseDir, what);
  if (r.value === undefined) throw new ProviderError(r.diagnostics[0]!);
  return r.value;
}

/** Dashboard users are SCIM's: a REST API key cannot read or write them. */
export const noScim = (): ProviderError => new ProviderError(error("braze/no-scim", "Braze manages dashboard users only through SCIM, and this environment has no SCIM settings", {
  hint: "add `scim: { token: ${env:BRAZE_SCIM_TOKEN}, origin: <service origin> }` to the provider settings (Settings > Company Settings > Admin Settings > SCIM Provisioning), or leave users, roles and teams out of the stack",
}));

const GONE = /invalid .*id|id is invalid|not found|has been deleted/i;
const PAGE = 100;
const MAX_PAGES = 10_000;
/** How often a 429 is waited out and the request sent again. */
const MAX_RATE_RETRIES = 3;

export function createBrazeClient(opts: BrazeClientOptions): BrazeClient {
  const clock = opts.clock ?? realClock;
  const maxWait = opts.maxWaitMs ?? 120_000;
  // Present now, or the run stops before its first request; read again inside each request.
  readOrThrow(opts.key, opts.env, opts.baseDir, "the Braze REST API key");
  if (opts.scim) readOrThrow(opts.scim.token, opts.env, opts.baseDir, "the Braze SCIM token");
  const scim = opts.scim;
  const restAuth = () => ({ authorization: `Bearer ${readOrThrow(opts.key, opts.env, opts.baseDir, "the Braze REST API key")}` });
  const scimAuth = (): Record<string, string> => (scim
    ? { authorization: `Bearer ${readOrThrow(scim.token, opts.env, opts.baseDir, "the Braze SCIM token")}`, "x-request-origin": scim.origin }
    : {});

  const classes = Object.keys(LIMITS) as EndpointClass[];
  const windows = Object.fromEntries(classes.map((c) => [c, new RateWindow(LIMITS[c], clock)])) as Record<EndpointClass, RateWindow>;
  const lastHeaders: Partial<Record<EndpointClass, Record<string, string>>> = {};
  const https = Object.fromEntries(classes.map((c) => [c, createHttpClient({
    baseURL: opts.endpoint.url,
    provider: "braze",
    auth: c === "scim" ? scimAuth : restAuth,
    maxConcurrent: opts.concurrency ?? 4,
    maxRetries: opts.maxRetries,
    backoffMs: opts.backoffMs,
    random: opts.random,
    // A 429 is this client's to wait out, on the class's window and the injectable clock.
    classifyRetry: (f) => (f.status === 429 ? { retry: false, reason: "rate limited (429)" } : defaultClassifyRetry(f)),
    toDiagnostic: brazeDiagnostic,
    onRetry: opts.onRetry,
    onResponse: ({ status, headers }) => {
      lastHeaders[c] = headers;
      if (status === 429) windows[c].exhausted(headers);
      else windows[c].observe(headers);
    },
  })])) as Record<EndpointClass, HttpClient>;

  function quotaSpent(cls: EndpointClass, waitMs: number): ProviderError {
    const at = new Date(clock.now() + waitMs).toISOString();
    // The window will not reopen within this run (in practice: SCIM's daily allowance): the run starts nothing more, the next one continues.
    return new ProviderError(error("braze/rate-limit", `Braze's ${windows[cls].words} is used up until ${at}; the request was not sent`, {
      hint: cls === "scim" ? "SCIM allows 5,000 calls a day per company: apply again after the reset; finished steps are kept" : "apply again after the reset; finished steps are kept",
      detail: { class: cls, resetsAt: at },
    }), false, 429, "quota");
  }

  async function request<T>(req: HttpRequest): Promise<T> {
    const cls = endpointClass(req.method, req.path);
    if (cls === "scim" && !scim) throw noScim();
    const win = windows[cls];
    for (let attempt = 1; ; attempt++) {
      for (let w = win.reserve(); w > 0; w = win.reserve()) {
        if (w > maxWait) throw quotaSpent(cls, w);
        opts.onRetry?.({ attempt, waitMs: w, reason: `Braze's ${win.words} is used up`, method: req.method, path: req.path });
        await clock.sleep(w, req.signal);
      }
      try {
        return await https[cls].request<T>(req);
      } catch (e) {
        if (e instanceof ProviderError && e.status === 429 && attempt <= MAX_RATE_RETRIES) continue;
        throw e;
      }
    }
  }

  const get = <T>(path: string, params?: HttpRequest["params"], signal?: AbortSignal) => request<T>({ method: "GET", path, params, signal });

  function loopGuard(path: string, n: number): void {
    if (n >= MAX_PAGES) throw new ProviderError(error("braze/pagination", `Braze: ${path} kept returning full pages after ${MAX_PAGES} pages`));
  }

  return {
    get,
    async find<T>(path: string, params?: HttpRequest["params"], signal?: AbortSignal) {
      try {
        return await get<T>(path, params, signal);
      } catch (e) {
        // The info endpoints answer an unknown id with a 400 and words, not a 404 (braze-docs Troubleshooting tables).
        if (e instanceof ProviderError && (e.status === 404 || (e.status === 400 && GONE.test(e.diagnostic.message)))) return undefined;
        throw e;
      }
    },
    post: (path, body, signal) => request({ method: "POST", path, data: body, signal }),
    put: (path, body, signal) => request({ method: "PUT", path, data: body, signal }),
    delete: (path, signal) => request({ method: "DELETE", path, signal }),

    async pages<T>(path: string, key: string, params: HttpRequest["params"] = {}, signal?: AbortSignal) {
      const out: T[] = [];
      for (let page = 0; ; page++) {
        loopGuard(path, page);
        const res = await get<Record<string, T[] | undefined>>(path, { ...params, page }, signal);
        const items = res[key] ?? [];
        out.push(...items);
        if (items.length < PAGE) return out;
      }
    },

    async offsetPages<T>(path: string, key: string, signal?: AbortSignal) {
      const limit = 1000;
      const out: T[] = [];
      for (let n = 0; ; n++) {
        loopGuard(path, n);
        const res = await get<Record<string, T[] | undefined>>(path, { limit, offset: out.length }, signal);
        const items = res[key] ?? [];
        out.push(...items);
        if (items.length < limit) return out;
      }
    },

    async scimPages<T>(path: string, signal?: AbortSignal) {
      const count = 100;
      const out: T[] = [];
      for (let n = 0; ; n++) {
        loopGuard(path, n);
        const res = await get<{ totalResults?: number; Resources?: T[] }>(path, { startIndex: out.length + 1, count }, signal);
        const items = res.Resources ?? [];
        out.push(...items);
        if (items.length === 0 || out.length >= (res.totalResults ?? 0)) return out;
      }
    },

    async linkPages<T>(path: string, key: string, signal?: AbortSignal) {
      const out: T[] = [];
      const seen = new Set<string>();
      let cursor: string | undefined;
      for (let n = 0; ; n++) {
        loopGuard(path, n);
        const res = await get<Record<string, T[] | undefined>>(path, cursor === undefined ? undefined : { cursor }, signal);
        out.push(...(res[key] ?? []));
        // Only properties.ts lists this class, one page after another: the last answer's headers are this page's.
        cursor = nextCursor(lastHeaders[endpointClass("GET", path)]?.link);
        if (cursor === undefined || seen.has(cursor)) return out;
        seen.add(cursor);
      }
    },

    window: (cls) => ({ left: windows[cls].left, resetsAt: windows[cls].resetsAt }),
    now: () => clock.now(),
    get requestCount() {
      return classes.reduce((n, c) => n + https[c].requestCount, 0);
    },
    async close() {
      await Promise.all(classes.map((c) => https[c].close()));
    },
  };
}

/** The `cursor` of the `rel="next"` link in a `Link` header. */
export function nextCursor(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part.trim());
    if (m) return new URL(m[1]!, "https://braze.invalid").searchParams.get("cursor") ?? undefined;
  }
  return undefined;
}
