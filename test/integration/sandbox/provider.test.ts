import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, KINDS, type Resource } from "../../../src/model";
import { type Provider } from "../../../src/provider/types";
import { startSandboxServer, type SandboxServer } from "../../../providers/sandbox/server";
import { context, providerAt, raw, RESOURCES } from "./helpers";
import { providerError } from "../../helpers/errors";

let server: SandboxServer;
let provider: Provider;
beforeAll(async () => {
  server = await startSandboxServer({ env: {} });
  provider = await providerAt(server.url);
});
afterAll(async () => {
  await provider.close();
  await server.close();
});


describe("sandbox provider against the sandbox server", () => {
  it("creates, lists, updates and deletes every kind, reading back exactly what was normalised", async () => {
    const ctx = context();
    const refs = ctx.refs;
    const resources = RESOURCES;
    const created = [];
    for (const r of resources) {
      const live = refs.learn(await provider.create(r, ctx));
      expect(live.id).toMatch(/^[a-z]+_[0-9a-f]{12}$/);
      expect(live.version).toBe("1");
      created.push(live);
    }
    expect(new Set(resources.map((r) => r.kind))).toEqual(new Set(KINDS));

    for (const kind of KINDS) {
      const listed = await provider.list(kind, ctx);
      for (const r of resources.filter((x) => x.kind === kind)) {
        const live = listed.find((o) => o.name === r.name);
        expect(live, `${kind}.${r.name} listed`).toBeDefined();
        expect(canonicalJson(live!.spec)).toBe(canonicalJson(provider.normalize!(r).spec));
      }
    }

    // References went over the wire as ids, not names.
    const wf = created.find((o) => o.kind === "workflow")!;
    const wire = (await raw(server.url, "GET", `/v1/workflows/${wf.id}`)).body;
    expect(wire.trigger.segment).toBe(refs.idOf("segment", "cart_abandoners"));
    expect(wire.steps[1].template).toBe(refs.idOf("template", "cart_reminder"));
    expect(wire.steps[2].else[1].condition.any[1].consent).toBe(refs.idOf("subscription_type", "sms_promos"));
    expect(wire.entry_filter.all[1].not.in_segment).toBe(refs.idOf("segment", "recovered"));

    for (const [i, r] of resources.entries()) {
      // Users and properties have no description: change a field they do have.
      const field = r.kind === "user" ? "first_name" : r.kind === "property" ? "label" : "description";
      const changed = { ...r, spec: { ...r.spec, [field]: `changed ${i}` } } as Resource;
      const live = await provider.update(changed, created[i]!, ctx);
      expect(live.version).toBe("2");
      expect(canonicalJson((await provider.read(r.kind, live.id, ctx))!.spec)).toBe(canonicalJson(provider.normalize!(changed).spec));
    }

    for (const live of [...created].reverse()) await provider.delete(live.kind, live.id, ctx);
    for (const kind of KINDS) expect(await provider.list(kind, ctx)).toEqual([]);
    expect(await provider.read("workflow", wf.id, ctx)).toBeUndefined();
  });

  it("lists across several pages, one request per page", async () => {
    const ctx = context();
    const n = 1_120;
    const seeded = await raw(server.url, "POST", "/_admin/seed", { teams: Array.from({ length: n }, (_, i) => ({ name: `team_${i}` })) });
    expect(seeded.body).toEqual({ teams: n });
    const before = provider.requestCount!;
    const teams = await provider.list("team", ctx);
    expect(teams.map((t) => t.name)).toEqual(Array.from({ length: n }, (_, i) => `team_${i}`));
    expect(new Set(teams.map((t) => t.id)).size).toBe(n);
    expect(provider.requestCount! - before).toBe(3); // 500 + 500 + 120

    // The server's own paging: default 100, at most 500, cursors stay valid across deletes.
    const first = (await raw(server.url, "GET", "/v1/teams")).body;
    expect(first.results).toHaveLength(100);
    const big = (await raw(server.url, "GET", "/v1/teams?limit=10000")).body;
    expect(big.results).toHaveLength(500);
    const p1 = (await raw(server.url, "GET", "/v1/teams?limit=7")).body;
    await raw(server.url, "DELETE", `/v1/teams/${p1.results[6].id}`);
    const p2 = (await raw(server.url, "GET", `/v1/teams?limit=7&cursor=${p1.paging.next.cursor}`)).body;
    expect(p2.results[0].name).toBe("team_7");
    expect((await raw(server.url, "GET", "/v1/teams?cursor=bogus")).status).toBe(400);

    for (const t of teams.slice(0, 50)) await provider.delete("team", t.id, ctx);
    expect(await provider.list("team", ctx)).toHaveLength(n - 50);
  });

  it("turns a server validation error into a readable ProviderError", async () => {
    const ctx = context();
    const role = ctx.refs.learn(await provider.create({ kind: "role", name: "viewer", spec: { permissions: [{ kinds: ["workflow"], actions: ["view"] }] } }, ctx));
    const e = await providerError(provider.create({ kind: "user", name: "bob", spec: { email: "not-an-email", role: "viewer" } }, ctx));
    expect(e.status).toBe(400);
    expect(e.retryable).toBe(false);
    expect(e.diagnostic).toMatchObject({
      code: "sandbox/invalid_field",
      severity: "error",
      address: "user.bob",
      message: 'sandbox refused POST /v1/users: `email` must match format "email"',
      detail: { status: 400, field: "email" },
    });
    await provider.delete("role", role.id, ctx);
  });

  it("refuses a reference the platform does not have, on both sides", async () => {
    const ctx = context();
    const e = await providerError(provider.create({ kind: "user", name: "carol", spec: { email: "c@x.example", role: "ghost" } }, ctx));
    expect(e.diagnostic).toMatchObject({ code: "sandbox/unresolved-reference", address: "user.carol" });
    expect(e.diagnostic.message).toContain("role.ghost");

    const res = await raw(server.url, "POST", "/v1/users", { name: "carol", email: "c@x.example", role: "rol_000000000000" });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: "invalid_reference", message: "`role`: no role with id rol_000000000000", field: "role" });
  });

  it("answers 409 to a stale revision, a duplicate name and deleting what is still used", async () => {
    const ctx = context();
    const seg = ctx.refs.learn(await provider.create({ kind: "segment", name: "vip", spec: { type: "static" } }, ctx));
    // Someone edits it in the UI after our refresh.
    const ui = await raw(server.url, "PUT", `/v1/segments/${seg.id}`, { name: "vip", type: "static", description: "edited in UI", revision: 1 });
    expect(ui.status).toBe(200);
    expect(ui.body.revision).toBe(2);
    const stale = await providerError(provider.update({ kind: "segment", name: "vip", spec: { type: "static", description: "mine" } }, seg, ctx));
    expect(stale.status).toBe(409);
    expect(stale.diagnostic.code).toBe("sandbox/revision_conflict");
    expect(stale.diagnostic.hint).toContain("mops plan");
    expect((await raw(server.url, "PUT", `/v1/segments/${seg.id}`, { name: "vip", type: "static" })).status).toBe(409);

    const dup = await providerError(provider.create({ kind: "segment", name: "vip", spec: { type: "static" } }, ctx));
    expect(dup.diagnostic.code).toBe("sandbox/duplicate_name");

    const user = await raw(server.url, "POST", "/v1/segments", { name: "vip_fans", type: "dynamic", conditions: { in_segment: seg.id } });
    expect(user.status).toBe(201);
    const inUse = await providerError(provider.delete("segment", seg.id, ctx));
    expect(inUse.diagnostic.code).toBe("sandbox/in_use");
    expect(inUse.diagnostic.message).toContain(user.body.id);

    // PATCH merges, null removes a field.
    const patched = await raw(server.url, "PATCH", `/v1/segments/${seg.id}`, { description: null, tags: ["a"] });
    expect(patched.body).toMatchObject({ revision: 3, tags: ["a"] });
    expect(patched.body.description).toBeUndefined();

    await provider.delete("segment", user.body.id, ctx);
    await provider.delete("segment", seg.id, ctx);
    // Deleting what is already gone succeeds: a crashed apply may have deleted it before journaling.
    await provider.delete("segment", seg.id, ctx);
  });

  it("counts requests by method on the admin API", async () => {
    const stats = (await raw(server.url, "GET", "/_admin/stats")).body;
    expect(stats.total).toBe(Object.values(stats.requests as Record<string, number>).reduce((a, b) => a + b, 0));
    expect(stats.requests.GET).toBeGreaterThan(0);
    expect(stats.requests.POST).toBeGreaterThan(10);
    expect(stats.objects.team).toBe(1_120 - 50);
  });
});
