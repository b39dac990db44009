import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Resource, SegmentSpec } from "../../../src/model";
import { evaluate, type Contact } from "../../../src/model/evaluate";
import type { ContactRow } from "../../../src/model/population";
import type { Provider } from "../../../src/provider/types";
import { startSandboxServer, type SandboxServer } from "../../../providers/sandbox/server";
import { seedSandboxContacts } from "../../../providers/sandbox";
import { context, providerAt, raw, tempDir } from "./helpers";

/**
 * The sandbox holds contacts and counts segments over them, with the same
 * condition semantics as the analysis (`evaluate`), at its own clock.
 */
const NOW = Date.parse("2026-06-01T00:00:00Z");
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

const resources: Resource[] = [
  { kind: "property", name: "ltv", spec: { type: "number" } },
  { kind: "subscription_type", name: "news", spec: { channel: "email" } },
  { kind: "segment", name: "buyers", spec: { type: "dynamic", conditions: { event: "order", at_least: 1, within: "30d" } } },
  { kind: "segment", name: "picked", spec: { type: "static" } },
  {
    kind: "segment", name: "vip",
    spec: { type: "dynamic", conditions: { all: [{ in_segment: "buyers" }, { consent: "news" }, { any: [{ property: "ltv", op: "gte", value: 500 }, { in_segment: "picked" }] }] } },
  },
];

const rows: ContactRow[] = Array.from({ length: 240 }, (_, i) => ({
  id: `c${i}`,
  ...(i % 17 === 0 ? { created_at: ago(-3) } : {}),
  properties: i % 5 ? { ltv: (i * 37) % 1000 } : ({} as Record<string, number>),
  consents: i % 3 ? ["news"] : [],
  segments: i % 11 === 0 ? ["picked"] : [],
  events: Array.from({ length: i % 4 }, (_, k) => ({ event: "order", at: ago((i * (k + 3)) % 50) })),
}));

/** What `evaluate` says about a contact row at NOW: the count the sandbox must report. */
function expected(conditions: SegmentSpec["conditions"]): number {
  const segments = new Map(resources.filter((r) => r.kind === "segment").map((r) => [r.name, r.spec as SegmentSpec]));
  const properties = new Map([["ltv", { type: "number" as const }]]);
  return rows.filter((r) => !r.created_at || Date.parse(r.created_at) <= NOW).filter((r) => evaluate(conditions!, {
    properties: (r.properties ?? {}) as Contact["properties"], consents: r.consents ?? [], segments: r.segments ?? [],
    events: (r.events ?? []).map((e) => ({ event: e.event, daysAgo: (NOW - Date.parse(e.at)) / DAY })),
  }, { segments, properties, now: NOW })).length;
}

let server: SandboxServer;
let provider: Provider;
const ctx = context();
const data = tempDir();
beforeAll(async () => {
  server = await startSandboxServer({ env: {}, dataDir: data.dir, now: () => NOW });
  provider = await providerAt(server.url);
  for (const r of resources) ctx.refs.learn(await provider.create(r, ctx));
});
afterAll(async () => {
  await provider.close();
  await server.close();
  data.cleanup();
});

describe("sandbox contacts and audience sizes", () => {
  it("loads contacts in batches, replacing those it had, and pages them back", async () => {
    const n = await seedSandboxContacts({ config: { type: "sandbox", url: server.url }, stack: "t", environment: "t", baseDir: data.dir, env: {} }, rows, 100);
    expect(n).toBe(240);
    const first = await raw(server.url, "GET", "/v1/contacts?limit=200");
    expect(first.body.results).toHaveLength(200);
    const rest = await raw(server.url, "GET", `/v1/contacts?limit=200&cursor=${first.body.paging.next.cursor}`);
    expect(rest.body.results.map((r: ContactRow) => r.id)).toEqual(rows.slice(200).map((r) => r.id));
    expect(rest.body.paging).toEqual({});
  });

  it("counts every segment as `evaluate` does, nested segments and static members included", async () => {
    for (const r of resources.filter((x): x is Resource<"segment"> => x.kind === "segment")) {
      const size = await provider.segmentSize!(ctx.refs.idOf("segment", r.name)!, ctx);
      const want = r.spec.type === "static" ? rows.filter((x) => x.segments?.includes(r.name) && !x.created_at).length : expected(r.spec.conditions);
      expect(size, r.name).toBe(want);
      expect(size).toBeGreaterThan(0);
    }
  });

  it("estimates proposed conditions: the size, and who would enter and leave", async () => {
    const vip = resources.find((r) => r.name === "vip")!.spec as SegmentSpec;
    const proposed: SegmentSpec = { type: "dynamic", conditions: { all: [{ in_segment: "buyers" }, { consent: "news" }, { property: "ltv", op: "gte", value: 300 }] } };
    const est = await provider.audience!({ id: ctx.refs.idOf("segment", "vip"), proposed }, ctx);
    const before = expected(vip.conditions), after = expected(proposed.conditions);
    expect(est).toEqual({ size: after, entering: expect.any(Number), leaving: expect.any(Number) });
    expect(est!.size! - est!.entering! + est!.leaving!).toBe(before);
    expect(est!.entering).toBeGreaterThan(0);
    expect(est!.leaving).toBeGreaterThan(0);
    // A segment that does not exist yet: everyone it selects enters.
    expect(await provider.audience!({ proposed }, ctx)).toEqual({ size: after, entering: after, leaving: 0 });
  });

  it("refuses contacts that break the contact schema, saying which and where", async () => {
    const r = await raw(server.url, "POST", "/v1/contacts/batch", { contacts: [{ id: "ok" }, { id: "bad", events: [{ event: "x" }] }] });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "invalid_field", field: "contacts[1]" });
    expect(r.body.error.message).toContain("must have required property 'at'");
    expect((await raw(server.url, "GET", "/v1/segments/seg_nope/size")).status).toBe(404);
  });

  it("keeps contacts on disk: a restarted sandbox reports the same sizes", async () => {
    const id = ctx.refs.idOf("segment", "vip")!;
    const before = await provider.segmentSize!(id, ctx);
    const again = await startSandboxServer({ env: {}, dataDir: data.dir, now: () => NOW });
    try {
      expect((await raw(again.url, "GET", `/v1/segments/${id}/size`)).body).toEqual({ size: before, at: "2026-06-01T00:00:00.000Z" });
    } finally {
      await again.close();
    }
  });
});
