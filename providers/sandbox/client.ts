import { error } from "../../src/diagnostics";
import { createHttpClient, type HttpClient, type HttpFailure, type RetryInfo } from "../../src/provider/http";
import type { ErrorBody } from "./protocol";

export interface SandboxClientOptions {
  url: string;
  token?: string;
  requestsPerSecond?: number;
  maxRetries?: number;
  backoffMs?: number;
  onRetry?: (info: RetryInfo) => void;
}

/** What to do about each refusal, in the words of the person running mops. */
const HINTS: Record<string, string> = {
  duplicate_name: "an object with this name already exists on the platform: adopt it with `mops import`, or rename the resource",
  revision_conflict: "it was changed on the platform after the plan was made: run `mops plan` again",
  invalid_reference: "the object it refers to does not exist on the platform: create it first or fix the reference",
  in_use: "other objects still refer to it: remove those references first",
  unauthorized: "check the sandbox token (`token:` in the environment's provider)",
  rate_limited: "lower `rate_limit` in the provider settings",
};

function toDiagnostic(f: HttpFailure) {
  const body = f.data as Partial<ErrorBody> | undefined;
  const e = body?.error;
  if (!e || typeof e.code !== "string") return undefined;
  return error(`sandbox/${e.code}`, `sandbox refused ${f.method.toUpperCase()} ${f.path}: ${e.message}`, {
    hint: HINTS[e.code],
    detail: { status: f.status, ...(e.field ? { field: e.field } : {}) },
  });
}

export function createSandboxClient(opts: SandboxClientOptions): HttpClient {
  let pacedAt = opts.requestsPerSecond;
  return createHttpClient({
    baseURL: opts.url,
    provider: "sandbox",
    auth: opts.token === undefined ? undefined : () => ({ Authorization: `Bearer ${opts.token}` }),
    requestsPerSecond: opts.requestsPerSecond,
    maxRetries: opts.maxRetries,
    backoffMs: opts.backoffMs,
    toDiagnostic,
    onRetry: opts.onRetry,
    // A server that announces its limit is not bounced off: the client slows to it (never speeds up past its own setting).
    onResponse: (res, rate) => {
      const limit = Number(res.headers["x-ratelimit-limit"]);
      if (limit > 0 && (pacedAt === undefined || limit < pacedAt)) {
        pacedAt = limit;
        rate.setRate(limit);
      }
    },
  });
}
