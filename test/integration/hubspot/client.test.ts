import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHubSpotProvider } from "../../../providers/hubspot";
import { ProviderError } from "../../../src/provider/types";
import { BASE_URL, fakeHubSpot, hsError, type FakeHubSpot } from "../../fixtures/hubspot/fake";
import { ctx, offline, provider, TOKEN } from "./helpers";
import { providerError } from "../../helpers/errors";

const isFlowsListing = (r: { method: string; path: string }) => r.method === "GET" && r.path === "/automation/v4/flows";


/** Everything a user or a log could ever see of an error. */
const visible = (e: ProviderError) => JSON.stringify({ message: e.message, stack: e.stack, diagnostic: e.diagnostic });

describe("HubSpot client: limits, retries and errors", () => {
  let fake: FakeHubSpot;
  beforeEach(() => {
    offline();
    fake = fakeHubSpot({ token: TOKEN, pageSize: 3 });
  });
  afterEach(() => fake.stop());

  it("sends the bearer token and follows paging.next.after over several pages", async () => {
    const p = provider();
    const flows = await p.list("workflow", ctx);
    expect(flows).toHaveLength(10);
    const listing = fake.log.filter(isFlowsListing);
    expect(listing.map((r) => r.query.after ?? null)).toEqual([null, "3", "6", "9"]);
    expect(fake.log.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("retries a burst 429 after the Retry-After it names", async () => {
    fake.inject(isFlowsListing, { ...hsError(429, "RATE_LIMITS", "You have reached your ten_secondly_rolling limit.", { errorType: "RATE_LIMIT", policyName: "TEN_SECONDLY_ROLLING" }), headers: { "retry-after": "0.2" } });
    const p = provider();
    const t0 = Date.now();
    expect(await p.list("workflow", ctx)).toHaveLength(10);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(fake.log.filter(isFlowsListing)).toHaveLength(5);
  });

  it("retries a burst 429 without Retry-After with backoff", async () => {
    const limited = hsError(429, "RATE_LIMITS", "You have reached your ten_secondly_rolling limit.", { policyName: "TEN_SECONDLY_ROLLING" });
    fake.inject(isFlowsListing, limited, limited);
    const p = provider();
    expect(await p.list("workflow", ctx)).toHaveLength(10);
    expect(fake.log.filter(isFlowsListing)).toHaveLength(6);
  });

  it("does not retry the daily limit and says when it resets", async () => {
    fake.inject(isFlowsListing, hsError(429, "RATE_LIMITS", "You have reached your daily limit.", { errorType: "RATE_LIMIT", policyName: "DAILY" }));
    const p = provider();
    const e = await providerError(p.list("workflow", ctx));
    expect(fake.log.filter(isFlowsListing)).toHaveLength(1);
    expect(e.retryable).toBe(false);
    expect(e.diagnostic.code).toBe("hubspot/daily-limit");
    expect(e.message).toMatch(/daily API limit is exhausted/);
    expect(e.diagnostic.hint).toMatch(/resets at midnight in the HubSpot account's time zone/);
  });

  it("retries a 5xx, then succeeds", async () => {
    fake.inject(isFlowsListing, hsError(502, "INTERNAL_ERROR", "Bad gateway"), hsError(503, "INTERNAL_ERROR", "Service unavailable"));
    const p = provider();
    expect(await p.list("workflow", ctx)).toHaveLength(10);
    expect(fake.log.filter(isFlowsListing)).toHaveLength(6);
  });

  it("gives up on a persistent 5xx with a retryable error", async () => {
    const down = hsError(500, "INTERNAL_ERROR", "internal error");
    fake.inject(isFlowsListing, down, down, down);
    const e = await providerError(provider({ maxRetries: 2 }).list("workflow", ctx));
    expect(e.retryable).toBe(true);
    expect(e.status).toBe(500);
  });

  it("renders a validation error body as a diagnostic with category, correlation id and hint", async () => {
    const p = provider();
    const e = await providerError(p.create({ kind: "user", name: "bad", spec: { email: "not an email", role: "marketing_editor" } }, ctx));
    expect(e.status).toBe(400);
    expect(e.diagnostic).toMatchObject({
      code: "hubspot/validation-error",
      severity: "error",
      detail: { status: 400, category: "VALIDATION_ERROR", correlationId: expect.stringMatching(/^0{8}-/) },
    });
    expect(e.message).toContain("not an email is not a valid email address");
    expect(e.diagnostic.hint).toMatch(/HubSpot rejected the request body/);
  });

  it("follows the rate the X-HubSpot-RateLimit headers report", async () => {
    nock.cleanAll();
    let calls = 0;
    nock(BASE_URL).persist().get("/communication-preferences/v3/definitions").reply(() => {
      calls++;
      return [200, { subscriptionDefinitions: [] }, { "x-hubspot-ratelimit-max": "10", "x-hubspot-ratelimit-remaining": "9", "x-hubspot-ratelimit-interval-milliseconds": "1000" }];
    });
    const p = provider();
    const t0 = Date.now();
    for (let i = 0; i < 6; i++) await p.list("subscription_type", ctx);
    // 10 per second once the first answer is in: the later calls are spaced 100 ms apart.
    expect(calls).toBe(6);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380);
  });

  it("never lets the token into errors, diagnostics or logs", async () => {
    fake.inject(isFlowsListing, hsError(429, "RATE_LIMITS", "daily", { policyName: "DAILY" }));
    const errors: ProviderError[] = [];
    const p = provider();
    errors.push(await providerError(p.list("workflow", ctx)));
    errors.push(await providerError(p.create({ kind: "user", name: "bad", spec: { email: "x", role: "marketing_editor" } }, ctx)));
    const wrong = createHubSpotProvider({ config: { type: "hubspot", url: BASE_URL, token: { env: "OTHER" } }, env: { OTHER: `${TOKEN}-revoked` }, baseDir: "/tmp", maxRetries: 0 });
    errors.push(await providerError(wrong.list("segment", ctx)));
    expect(errors[2].diagnostic.hint).toMatch(/token/);
    const unreachable = createHubSpotProvider({ config: { type: "hubspot", url: "http://127.0.0.1:1", token: "${env:HUBSPOT_TOKEN}" }, env: { HUBSPOT_TOKEN: TOKEN }, baseDir: "/tmp", maxRetries: 0 });
    errors.push(await providerError(unreachable.list("subscription_type", ctx)));
    expect(errors[3].diagnostic.code).toBe("provider/network");
    for (const e of errors) expect(visible(e)).not.toContain(TOKEN);
  });

  it("refuses to start without a token, naming where it looked", async () => {
    expect(() => createHubSpotProvider({ config: { type: "hubspot", token: "${env:HUBSPOT_TOKEN}" }, env: {}, baseDir: "/tmp" })).toThrow(/environment variable `HUBSPOT_TOKEN` is not set/);
  });
});
