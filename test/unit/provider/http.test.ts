import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient, paginate, parseRetryAfter, type HttpClient, type RetryInfo } from "../../../src/provider/http";
import { ProviderError } from "../../../src/provider/types";
import { error } from "../../../src/diagnostics";
import { providerError } from "../../helpers/errors";

const BASE = "https://api.example.test";
const TOKEN = "pat-secret-token-123";

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
});

/** nock 14 only fails an axios request for an Error instance (a plain object hangs it). */
const netError = (code: string) => Object.assign(new Error(code), { code });

const clients: HttpClient[] = [];
function client(extra: Partial<Parameters<typeof createHttpClient>[0]> = {}): HttpClient {
  const c = createHttpClient({
    baseURL: BASE,
    provider: "example",
    auth: () => ({ Authorization: `Bearer ${TOKEN}` }),
    backoffMs: 5,
    random: () => 0.5,
    timeoutMs: 5000,
    ...extra,
  });
  clients.push(c);
  return c;
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
});


describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("0")).toBe(0);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe("createHttpClient", () => {
  it("sends the auth header to the base URL and counts requests", async () => {
    const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get("/v1/things")
      .query({ limit: "2" })
      .reply(200, { ok: true });
    const c = client();
    await expect(c.get("/v1/things", { limit: 2 })).resolves.toEqual({ ok: true });
    expect(c.requestCount).toBe(1);
    scope.done();
  });

  it("honours Retry-After on 429 and reports the retry", async () => {
    nock(BASE).get("/x").reply(429, { error: "slow down" }, { "Retry-After": "1" }).get("/x").reply(200, { n: 1 });
    const retries: RetryInfo[] = [];
    const c = client({ onRetry: (r) => retries.push(r) });
    const t0 = Date.now();
    await expect(c.get("/x")).resolves.toEqual({ n: 1 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    expect(retries).toEqual([{ attempt: 1, waitMs: 1000, reason: "rate limited (429)", method: "GET", path: "/x", status: 429 }]);
    expect(c.requestCount).toBe(2);
  });

  it("retries 5xx and network errors with exponential backoff", async () => {
    nock(BASE)
      .put("/w/1", { a: 1 }).reply(503, "busy")
      .put("/w/1", { a: 1 }).replyWithError(netError("ECONNRESET"))
      .put("/w/1", { a: 1 }).reply(200, { id: "w_1" });
    const retries: RetryInfo[] = [];
    const c = client({ onRetry: (r) => retries.push(r) });
    await expect(c.put("/w/1", { a: 1 })).resolves.toEqual({ id: "w_1" });
    // backoff 5 ms doubled per retry, equal jitter at random()=0.5: 3.75 -> 4, 7.5 -> 8
    expect(retries.map((r) => [r.reason, r.waitMs])).toEqual([
      ["server error (503)", 4],
      ["network error ECONNRESET", 8],
    ]);
  });

  it("never sends a create twice when its answer was lost: only refused connections, 429 and 503 are retried", async () => {
    nock(BASE)
      .post("/w", { a: 1 }).replyWithError(netError("ECONNREFUSED"))
      .post("/w", { a: 1 }).reply(503, "busy")
      .post("/w", { a: 1 }).reply(201, { id: "w_1" });
    const c = client();
    await expect(c.post("/w", { a: 1 })).resolves.toEqual({ id: "w_1" });
    for (const lost of [() => nock(BASE).post("/w").replyWithError(netError("ECONNRESET")), () => nock(BASE).post("/w").reply(502, "gateway")]) {
      lost();
      const second = nock(BASE).post("/w").reply(201, { id: "w_2" });
      const e = await providerError(c.post("/w", { a: 1 }));
      expect(e).toBeInstanceOf(ProviderError);
      expect(second.isDone()).toBe(false);
      nock.cleanAll();
    }
  });

  it("gives up after maxRetries with a retryable ProviderError", async () => {
    nock(BASE).get("/down").times(3).reply(500, { message: "boom" });
    const c = client({ maxRetries: 2 });
    const e = await providerError(c.get("/down"));
    expect(e.retryable).toBe(true);
    expect(e.status).toBe(500);
    expect(e.diagnostic.code).toBe("provider/http-500");
    expect(e.diagnostic.message).toContain("GET /down answered 500");
    expect(c.requestCount).toBe(3);
    expect(nock.isDone()).toBe(true);
  });

  it("does not retry a 4xx and maps the body through toDiagnostic", async () => {
    nock(BASE).post("/seg").reply(400, { error: { code: "invalid", message: "bad name", field: "name" } });
    const c = client({
      toDiagnostic: (f) => {
        const body = f.data as { error: { message: string; field: string } };
        return error("example/invalid", body.error.message, { detail: { field: body.error.field } });
      },
    });
    const e = await providerError(c.post("/seg", {}));
    expect(e.retryable).toBe(false);
    expect(e.status).toBe(400);
    expect(e.diagnostic).toMatchObject({ code: "example/invalid", message: "bad name", detail: { field: "name" } });
    expect(c.requestCount).toBe(1);
  });

  it("lets a provider refuse to retry a daily limit while retrying a burst limit", async () => {
    nock(BASE)
      .get("/a").reply(429, { policyName: "TEN_SECONDLY_ROLLING" })
      .get("/a").reply(200, "ok")
      .get("/b").reply(429, { policyName: "DAILY" });
    const c = client({
      classifyRetry: (f) =>
        f.status === 429 && (f.data as { policyName?: string }).policyName === "DAILY"
          ? { retry: false, reason: "daily limit reached" }
          : undefined,
    });
    await expect(c.get("/a")).resolves.toBe("ok");
    const e = await providerError(c.get("/b"));
    expect(e.status).toBe(429);
    expect(c.requestCount).toBe(3);
  });

  it("does not wait for a Retry-After beyond maxWaitMs", async () => {
    nock(BASE).get("/q").reply(429, {}, { "Retry-After": "3600" });
    const c = client({ maxWaitMs: 10_000 });
    const e = await providerError(c.get("/q"));
    expect(e.retryable).toBe(true);
    expect(c.requestCount).toBe(1);
  });

  it("never lets the token reach an error", async () => {
    nock(BASE)
      .get("/auth").reply(401, { message: "no" })
      .get("/net").times(2).replyWithError(netError("ECONNREFUSED"));
    const c = client({ maxRetries: 1 });
    const e1 = await providerError(c.get("/auth"));
    expect(e1.diagnostic.hint).toContain("token");
    const e2 = await providerError(c.get("/net"));
    expect(e2.diagnostic.code).toBe("provider/network");
    for (const e of [e1, e2]) {
      const text = JSON.stringify({ ...e, message: e.message, stack: e.stack, cause: String(e.cause) });
      expect(text).not.toContain(TOKEN);
      expect(text).not.toMatch(/authorization/i);
    }
  });

  it("redacts the token from a platform error body that echoes it", async () => {
    nock(BASE).get("/echo").reply(403, { message: `token Bearer ${TOKEN} lacks scope`, raw: TOKEN });
    const e = await providerError(client().get("/echo"));
    expect(e.diagnostic.message).toContain("[redacted]");
    expect(JSON.stringify(e.diagnostic)).not.toContain(TOKEN);
  });

  it("spaces requests to the requests-per-second option", async () => {
    nock(BASE).get("/r").times(6).reply(200, "ok");
    const c = client({ requestsPerSecond: 20 });
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => c.get("/r")));
    // 6 starts at 50 ms spacing: the last one starts 250 ms after the first.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
  });

  it("lets onResponse pause the client from quota headers", async () => {
    nock(BASE)
      .get("/p").reply(200, "first", { "x-remaining": "0" })
      .get("/p").reply(200, "second", { "x-remaining": "9" });
    const c = client({
      onResponse: (res, rate) => {
        if (res.headers["x-remaining"] === "0") rate.pauseFor(300);
      },
    });
    const t0 = Date.now();
    await c.get("/p");
    await c.get("/p");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

describe("paginate", () => {
  it("follows cursors to the last page", async () => {
    const pages: Record<string, { items: number[]; next?: string }> = {
      start: { items: [1, 2], next: "b" },
      b: { items: [3, 4], next: "c" },
      c: { items: [5] },
    };
    const seen: (string | undefined)[] = [];
    const all = await paginate(async (cursor) => {
      seen.push(cursor);
      return pages[cursor ?? "start"]!;
    });
    expect(all).toEqual([1, 2, 3, 4, 5]);
    expect(seen).toEqual([undefined, "b", "c"]);
  });

  it("refuses a cursor that repeats", async () => {
    const e = await providerError(paginate(async () => ({ items: [1], next: "same" }), "example"));
    expect(e.diagnostic.code).toBe("provider/pagination-loop");
  });
});
