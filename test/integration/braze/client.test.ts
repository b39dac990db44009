import nock from "nock";
import type { ProviderConfig } from "../../../src/model";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBrazeClient, nextCursor } from "../../../providers/braze/client";
import { endpointOf } from "../../../providers/braze/instances";
import { createBrazeProvider } from "../../../providers/braze";
import { providerError } from "../../helpers/errors";
import { startFakeBraze, type FakeBraze } from "../../fixtures/braze/fake";
import { ENV, fakeClock, KEY, offline, ORIGIN, SCIM_TOKEN, world, type World } from "./helpers";

const ctx = { refs: { idOf: () => undefined, nameOf: () => undefined } };

describe("Braze instances and URLs", () => {
  it("maps an instance to its REST host and dashboard, EU instances under braze.eu", () => {
    expect(endpointOf({ instance: "iad-01" }).value).toEqual({ url: "https://rest.iad-01.braze.com", dashboard: "https://dashboard-01.braze.com" });
    expect(endpointOf({ instance: "fra-02" }).value).toEqual({ url: "https://rest.fra-02.braze.eu", dashboard: "https://dashboard-02.braze.eu" });
    expect(endpointOf({ instance: "EU-01" }).value).toEqual({ url: "https://rest.fra-01.braze.eu", dashboard: "https://dashboard-01.braze.eu" });
    expect(endpointOf({ instance: "US-10" }).value?.url).toBe("https://rest.us-10.braze.com");
    expect(endpointOf({ url: "https://rest.iad-03.braze.com/" }).value).toEqual({ url: "https://rest.iad-03.braze.com", dashboard: "https://dashboard-03.braze.com" });
    expect(endpointOf({ url: "http://127.0.0.1:4000" }).value).toEqual({ url: "http://127.0.0.1:4000", dashboard: undefined });
  });

  it("refuses what cannot be right, saying what would be", () => {
    const code = (s: object) => endpointOf(s).diagnostics.map((d) => [d.code, d.message]);
    expect(code({ instance: "iad-99" })).toEqual([["braze/bad-endpoint", "unknown Braze instance `iad-99`"]]);
    expect(endpointOf({ instance: "iad-99" }).diagnostics[0]!.hint).toContain("iad-01");
    expect(code({ url: "http://rest.iad-01.braze.com" })[0]![1]).toContain("must use https");
    expect(code({ url: "https://rest.iad-01.braze.com/?api_key=x" })[0]![1]).toContain("without credentials, query or fragment");
    expect(code({ instance: "iad-01", url: "https://x" })[0]![1]).toContain("`instance` or `url`, not both");
    expect(code({})[0]![1]).toContain("needs the instance");
  });

  it("sends an instance's requests to that instance's host (nock serves the real host from the fake)", async () => {
    offline();
    const fake = await startFakeBraze({ key: KEY });
    try {
      fake.serveHost("https://rest.fra-02.braze.eu");
      const p = createBrazeProvider({ config: { type: "braze", instance: "fra-02", token: "${env:BRAZE_API_KEY}" } as ProviderConfig, env: ENV, baseDir: process.cwd() });
      const segments = await p.list("segment", ctx);
      expect(segments.map((s) => s.name)).toEqual(["newsletter_subscribers", "vip_customers"]);
      expect(fake.log.map((l) => l.path)).toContain("/segments/list");
      await p.close();
    } finally {
      nock.cleanAll();
      await fake.close();
    }
  });
});

describe("Braze client: limits, pages, errors", () => {
  let w: World;
  beforeEach(() => offline());
  afterEach(async () => w?.close());

  it("follows X-RateLimit-* and waits for the reset on the injected clock instead of bouncing off 429", async () => {
    w = await world({ fake: { limits: { rest: 2 } }, provider: { maxWaitMs: 2 * 3_600_000 } });
    const start = w.clock.now();
    const segments = await w.provider.list("segment", ctx);
    expect(segments).toHaveLength(2);
    // 2 requests fit the window; the 3rd waits for Braze's reset (the top of the hour), none is refused.
    expect(w.fake.log.map((l) => l.status)).toEqual([200, 200, 200]);
    expect(w.clock.slept).toEqual([Date.parse("2026-03-20T11:00:00Z") - start]);
  });

  it("a 429 empties the class's window: the request waits until the reset, then goes again", async () => {
    w = await world();
    const reset = String(Date.parse("2026-03-20T10:00:30Z") / 1000);
    w.fake.inject((r) => r.path === "/segments/list", { status: 429, body: { message: "Rate Limited" }, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset } });
    expect(await w.provider.list("segment", ctx)).toHaveLength(2);
    expect(w.clock.slept).toEqual([30_000]);
    expect(w.fake.log.filter((l) => l.path === "/segments/list").map((l) => l.status)).toEqual([429, 200]);
  });

  it("each endpoint class has its own window: preference center writes (10/min) wait, the rest does not", async () => {
    w = await world({ fake: { limits: { preference_center_write: 1 } } });
    for (const name of ["a_center", "b_center"]) {
      await w.provider.create({ kind: "template", name, spec: { channel: "email", body: "<p/>", tags: ["braze:preference_center"] } }, ctx);
    }
    // The second create waits for the next minute; the reads between them did not.
    expect(w.clock.slept).toEqual([60_000]);
    expect(w.fake.log.filter((l) => l.status === 429)).toEqual([]);
  });

  it("a spent daily SCIM quota stops the run at once (`stop: quota`), with when it resets; no request is sent", async () => {
    w = await world({ fake: { limits: { scim: 1 } } });
    await w.provider.list("user", ctx);
    const before = w.fake.log.length;
    const e = await providerError(w.provider.list("user", ctx));
    expect(e.diagnostic).toMatchObject({ code: "braze/rate-limit", detail: { class: "scim", resetsAt: "2026-03-21T00:00:00.000Z" } });
    expect(e.diagnostic.message).toBe("Braze's SCIM limit of 1 requests per day per company is used up until 2026-03-21T00:00:00.000Z; the request was not sent");
    expect([e.stop, e.status, e.retryable]).toEqual(["quota", 429, false]);
    expect(w.fake.log.length).toBe(before);
  });

  it("pages as each export does it: page numbers, offset/limit, SCIM startIndex/count, the Link cursor", async () => {
    w = await world();
    const stamp = "2026-01-01T00:00:00Z";
    w.fake.account.segments = Array.from({ length: 250 }, (_, i) => ({ id: `seg-${i}`, analytics_tracking_enabled: false, details: { created_at: stamp, updated_at: stamp, name: `Segment ${i}`, description: null, text_description: null, tags: [], teams: [] } }));
    w.fake.account.email_templates = Array.from({ length: 1001 }, (_, i) => ({ email_template_id: `t-${i}`, template_name: `T ${i}`, subject: "s", body: "b", tags: [], created_at: stamp, updated_at: stamp }));
    w.fake.account.attributes = Array.from({ length: 120 }, (_, i) => ({ array_length: null, data_type: "String", description: null, name: `attr_${i}`, status: "Active", tag_names: [] }));
    const base = w.fake.account.users[0]!;
    w.fake.account.users = Array.from({ length: 150 }, (_, i) => ({ ...base, id: `u-${i}`, userName: `user${i}@northwind.example` }));

    expect(await w.provider.list("segment", ctx)).toHaveLength(250);
    expect(w.fake.log.filter((l) => l.path === "/segments/list").map((l) => l.query.page)).toEqual(["0", "1", "2"]);
    expect(await w.provider.client.offsetPages("/templates/email/list", "templates")).toHaveLength(1001);
    expect(w.fake.log.filter((l) => l.path === "/templates/email/list").map((l) => [l.query.offset, l.query.limit])).toEqual([["0", "1000"], ["1000", "1000"]]);
    expect(await w.provider.list("user", ctx)).toHaveLength(150);
    expect(w.fake.log.filter((l) => l.path === "/scim/v2/Users").map((l) => [l.query.startIndex, l.query.count])).toEqual([["1", "100"], ["101", "100"]]);
    expect((await w.provider.list("property", ctx)).filter((p) => p.id.startsWith("custom:"))).toHaveLength(120);
    expect(w.fake.log.filter((l) => l.path === "/custom_attributes").map((l) => l.query.cursor ?? "-")).toHaveLength(3);
    expect(nextCursor('<https://rest.iad-03.braze.com/custom_attributes?cursor=c2tpcDow>; rel="next"')).toBe("c2tpcDow");
  });

  it("maps refusals to diagnostics with a hint: wrong key, missing permission, server error, SCIM conflict", async () => {
    w = await world();
    const wrongKey = createBrazeProvider({ config: { type: "braze", url: w.fake.url, token: "${env:OTHER_KEY}" }, env: { OTHER_KEY: "not-the-key-123" }, baseDir: "." });
    const e401 = await providerError(wrongKey.list("segment", ctx));
    expect(e401.diagnostic).toMatchObject({ code: "braze/unauthorized", message: "Braze refused GET /segments/list (401): Invalid API key", hint: expect.stringContaining("another instance's host") });
    await wrongKey.close();

    w.fake.inject((r) => r.path === "/canvas/list", { status: 403, body: { message: "Access Denied" } });
    const e403 = await providerError(w.provider.list("workflow", ctx));
    expect(e403.diagnostic).toMatchObject({ code: "braze/forbidden", hint: expect.stringContaining("(canvas.list)") });

    w.fake.inject((r) => r.path === "/segments/list", ...Array.from({ length: 6 }, () => ({ status: 503, body: { message: "Service Unavailable" } })));
    const e503 = await providerError(w.provider.list("segment", ctx));
    expect(e503.diagnostic).toMatchObject({ code: "braze/server-error", hint: expect.stringContaining("apply again later") });
    expect(e503.retryable).toBe(true);

    const taken = { kind: "user" as const, name: "ana", spec: { email: "ana@northwind.example", first_name: "Ana", last_name: "Silva", role: "marketer" } };
    await w.provider.list("role", ctx);
    const e409 = await providerError(w.provider.create(taken, ctx));
    expect(e409.diagnostic).toMatchObject({ code: "braze/conflict", message: "Braze refused POST /scim/v2/Users (409): User already exists in the database.", hint: expect.stringContaining("mops import") });
    expect(await w.provider.read("user", "no-such-id", ctx)).toBeUndefined();
  });

  it("never lets the key or the SCIM token into a diagnostic, even when Braze echoes them", async () => {
    w = await world();
    w.fake.inject((r) => r.path === "/segments/list", { status: 400, body: { message: `Bad key Bearer ${KEY}`, errors: [`key ${KEY}`] } });
    const e = await providerError(w.provider.list("segment", ctx));
    w.fake.inject((r) => r.path === "/scim/v2/Users", { status: 400, body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], detail: `token ${SCIM_TOKEN} from ${ORIGIN}`, status: 400 } });
    const s = await providerError(w.provider.list("user", ctx));
    for (const err of [e, s]) {
      const text = JSON.stringify({ d: err.diagnostic, m: err.message, st: err.stack });
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(SCIM_TOKEN);
      expect(text).toContain("[redacted]");
    }
  });

  it("reads the key from the environment in each request, and says which variable is missing without a value", async () => {
    const env: NodeJS.ProcessEnv = { BRAZE_API_KEY: KEY };
    const fake: FakeBraze = await startFakeBraze({ key: KEY });
    try {
      const client = createBrazeClient({ endpoint: { url: fake.url }, key: "${env:BRAZE_API_KEY}", env, baseDir: ".", clock: fakeClock() });
      await client.get("/segments/list");
      env.BRAZE_API_KEY = "rotated-key-999";
      await providerError(client.get("/segments/list"));
      expect(fake.log.map((l) => l.headers.authorization)).toEqual([`Bearer ${KEY}`, "Bearer rotated-key-999"]);
      await client.close();
      const missing = await providerError((async () => createBrazeProvider({ config: { type: "braze", url: fake.url, token: "${env:NOPE_KEY}" }, env: {}, baseDir: "." }))());
      expect(missing.diagnostic).toMatchObject({ code: "secret/missing-env", message: "the Braze REST API key: the environment variable `NOPE_KEY` is not set" });
    } finally {
      await fake.close();
    }
  });
});
