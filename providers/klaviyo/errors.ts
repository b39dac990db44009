import { error, type Diagnostic } from "../../src/diagnostics";
import { pathText, type RefPath } from "../../src/model/refs";
import { parseRetryAfter, type HttpFailure, type RetryDecision } from "../../src/provider/http";
import { ProviderError } from "../../src/provider/types";
import { DAILY_QUOTA_CODE } from "./pacer";

/** Klaviyo's JSON:API error body (spec: components.responses.ClientError / ServerError). */
export interface KlaviyoErrorBody {
  errors?: { id?: string; code?: string; title?: string; detail?: string; source?: { pointer?: string; parameter?: string } }[];
}

const HINTS: Record<string, string> = {
  not_authenticated: "the private API key was refused: check KLAVIYO_API_KEY (a private key starting with pk_)",
  authentication_failed: "the private API key was refused: check KLAVIYO_API_KEY (a private key starting with pk_)",
  permission_denied: "the private API key lacks a scope this call needs (flows, segments, lists, templates, metrics, tags: read and write): edit the key in Klaviyo > Settings > API keys",
  not_found: "the object no longer exists in Klaviyo (deleted in the UI?): run `mops drift` to see what changed",
  invalid: "Klaviyo rejected a field of the request: fix the resource at the place shown, then plan again",
  duplicate: "an object with this name already exists in Klaviyo: import it (`mops import`) or choose another name",
  throttled: "Klaviyo's rate limit was hit repeatedly: another integration may share this account's limits",
};

/**
 * Which neutral spec field produced which part of a request body, so that a
 * Klaviyo error pointing at `/data/attributes/definition/condition_groups/1/…`
 * can be reported at the stack line that declared it. Mappers note the body
 * pointer of each value they write; the longest noted prefix of the error's
 * pointer wins.
 */
export class SourceMap {
  private readonly at = new Map<string, RefPath>();
  constructor(readonly address: string) {}

  note(pointer: string, path: RefPath): void {
    this.at.set(pointer, path);
  }

  /** Everything one mapper noted, under the body pointer where its output was placed. */
  nest(prefix: string, inner: SourceMap): void {
    for (const [p, path] of inner.at) this.at.set(`${prefix}${p}`, path);
  }

  pathOf(pointer: string): RefPath | undefined {
    let best: { len: number; path: RefPath } | undefined;
    for (const [p, path] of this.at) {
      const prefix = pointer === p || pointer.startsWith(`${p}/`);
      if (prefix && (!best || p.length > best.len)) best = { len: p.length, path };
    }
    return best?.path;
  }
}

const first = (f: HttpFailure) => ((typeof f.data === "object" && f.data !== null ? f.data : {}) as KlaviyoErrorBody).errors?.[0];

/** A 429 whose Retry-After is this long is a daily cap, not a burst or steady window. */
const DAILY_RETRY_MS = 10 * 60_000;

export function isDailyCap(f: HttpFailure): boolean {
  if (f.status !== 429) return false;
  const wait = parseRetryAfter(f.headers["retry-after"]);
  return (wait !== undefined && wait > DAILY_RETRY_MS) || /daily/i.test(first(f)?.detail ?? "");
}

export function klaviyoClassifyRetry(f: HttpFailure): RetryDecision | undefined {
  if (isDailyCap(f)) return { retry: false, reason: "Klaviyo daily cap reached" };
  // Klaviyo documents Retry-After on every 429 (and no RateLimit-* headers there).
  if (f.status === 429) return { retry: true, waitMs: parseRetryAfter(f.headers["retry-after"]) ?? 1_000, reason: "Klaviyo rate limit (429)" };
  return undefined;
}

export function klaviyoDiagnostic(f: HttpFailure): Diagnostic | undefined {
  if (f.status === undefined) return undefined;
  const where = `${f.method.toUpperCase()} ${f.path}`;
  if (isDailyCap(f)) {
    const wait = parseRetryAfter(f.headers["retry-after"]);
    return error(DAILY_QUOTA_CODE, `Klaviyo refused ${where}: the account's daily cap for this operation is spent`, {
      hint: `Klaviyo lets it through again${wait ? ` in about ${Math.ceil(wait / 3_600_000)} h` : " tomorrow"}: apply again then, and it continues where this run stopped`,
      detail: { status: 429, quotaExhausted: true, retryAfterMs: wait },
    });
  }
  const errors = ((typeof f.data === "object" && f.data !== null ? f.data : {}) as KlaviyoErrorBody).errors ?? [];
  if (!errors.length) return undefined;
  const e = errors[0]!;
  const more = errors.slice(1).map((x) => x.detail ?? x.title).filter(Boolean);
  return error(`klaviyo/${e.code ?? `http-${f.status}`}`, `Klaviyo refused ${where} (${f.status}): ${e.detail ?? e.title ?? "no detail"}${more.length ? ` — ${more.join("; ")}` : ""}`, {
    hint: HINTS[e.code ?? ""] ?? (f.status === 401 ? HINTS.not_authenticated : f.status === 403 ? HINTS.permission_denied : f.status === 404 ? HINTS.not_found : undefined),
    detail: { status: f.status, id: e.id, code: e.code, title: e.title, pointer: e.source?.pointer, parameter: e.source?.parameter },
  });
}

/**
 * A refusal of a body built from a resource, placed at the resource and at the
 * spec field its pointer names: `address` plus `detail.specPath` (what
 * SourceIndex.rangeOf takes) and `detail.path` (the same, as text).
 */
export async function located<T>(map: SourceMap, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    if (!(e instanceof ProviderError)) throw e;
    const pointer = e.diagnostic.detail?.pointer;
    const specPath = typeof pointer === "string" ? map.pathOf(pointer) : undefined;
    const d: Diagnostic = {
      ...e.diagnostic,
      address: e.diagnostic.address ?? map.address,
      message: specPath ? `${map.address}.${pathText(specPath)}: ${e.diagnostic.message}` : e.diagnostic.message,
      detail: { ...e.diagnostic.detail, ...(specPath ? { specPath: [...specPath], path: pathText(specPath) } : {}) },
    };
    throw new ProviderError(d, e.retryable, e.status);
  }
}
