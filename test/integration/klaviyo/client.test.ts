import { afterEach, describe, expect, it } from "vitest";
import { createKlaviyoClient, REVISION } from "../../../providers/klaviyo/client";
import { ProviderError } from "../../../src/provider/types";
import { providerError } from "../../helpers/errors";
import { clientFor, closeWorlds, ctx, onClose, TOKEN, VirtualClock, world } from "./helpers";

afterEach(closeWorlds);

describe("Klaviyo client", () => {
  it("sends the Klaviyo-API-Key scheme, the pinned revision and JSON:API media types", async () => {
    const { fake, provider } = await world();
    await provider.list("segment", ctx);
    const r = fake.log[0]!;
    expect(r.headers).toMatchObject({ authorization: `Klaviyo-API-Key ${TOKEN}`, revision: REVISION, accept: "application/vnd.api+json" });
    await provider.create({ kind: "segment", name: "hand_picked", spec: { type: "static" } }, ctx);
    expect(fake.log.find((x) => x.method === "POST")!.headers["content-type"]).toBe("application/vnd.api+json");
  });

  it("takes another revision from the provider setting `revision:`, and refuses one that is no date", async () => {
    const { fake } = await world();
    const c = clientFor(fake.url, undefined, { revision: "2026-04-15" });
    await c.get("/api/tags");
    expect(fake.log.at(-1)!.headers.revision).toBe("2026-04-15");
    expect(() => clientFor(fake.url, undefined, { revision: "latest" })).toThrowError(/revision/);
  });

  it("follows links.next with each endpoint's largest page size, never a link to another host", async () => {
    const { fake, provider } = await world({ maxPage: 2 });
    const all = await provider.list("segment", ctx);
    expect(all).toHaveLength(7);
    const segs = fake.log.filter((r) => r.path === "/api/segments");
    const lists = fake.log.filter((r) => r.path === "/api/lists");
    expect(segs).toHaveLength(2);
    expect(lists).toHaveLength(2);
    for (const r of [...segs, ...lists]) expect(r.query["page[size]"]).toBe("10");
    expect(segs[1]!.query["page[cursor]"]).toBeDefined();
    await provider.list("template", ctx);
    expect(fake.log.filter((r) => r.path === "/api/template-universal-content").map((r) => r.query["page[size]"])).toEqual(["100"]);
    expect(fake.log.filter((r) => r.path === "/api/templates").every((r) => r.query["page[size]"] === "10")).toBe(true);

    fake.inject((r) => r.path === "/api/tags", { status: 200, body: { data: [], links: { self: "x", next: "https://evil.example/api/tags?page[cursor]=x" } } });
    const c = clientFor(fake.url);
    const e = await providerError(c.getAll("/api/tags", {}, 50));
    expect(e.diagnostic.code).toBe("klaviyo/foreign-page-link");
  });

  it("never puts the key into an error, even when Klaviyo echoes it", async () => {
    const { fake } = await world();
    const wrong = createKlaviyoClient({ config: { type: "klaviyo", url: fake.url, token: "${env:K}" }, env: { K: "pk_wrong_key_0000000000" }, baseDir: "/tmp", clock: new VirtualClock() });
    onClose(() => wrong.close());
    const e401 = await providerError(wrong.get("/api/flows"));
    expect(e401.diagnostic.code).toBe("klaviyo/not_authenticated");
    expect(e401.diagnostic.hint).toMatch(/KLAVIYO_API_KEY/);
    expect(JSON.stringify(e401)).not.toContain("pk_wrong_key");

    fake.inject((r) => r.path === "/api/tags", { status: 400, body: { errors: [{ id: "1", code: "invalid", title: "Invalid", detail: `bad header Klaviyo-API-Key ${TOKEN}` }] } });
    const c = clientFor(fake.url);
    const e = await providerError(c.get("/api/tags"));
    expect(e).toBeInstanceOf(ProviderError);
    expect(JSON.stringify(e.diagnostic)).not.toContain(TOKEN);
    expect(e.diagnostic.message).toContain("[redacted]");
  });

  it("says which variable to set when no key is configured", () => {
    expect(() => createKlaviyoClient({ config: { type: "klaviyo" }, env: {}, baseDir: "/tmp" })).toThrowError(/private API key/);
  });
});
