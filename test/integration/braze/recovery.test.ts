import { describe, expect, it } from "vitest";
import { runSession } from "../../../src/apply";
import type { Resource } from "../../../src/model";
import { eachTest, engine, stackOf } from "./helpers";

const meta = { actor: "tester@example.com", command: "apply" as const };
const digest: Resource = { kind: "template", name: "trail_digest", spec: { channel: "email", subject: "Trails", body: "<p>This week.</p>" } };
const block: Resource = { kind: "template", name: "header_block", spec: { channel: "email", description: "Logo", body: "<header>Northwind</header>", tags: ["braze:content_block"] } };
const carla: Resource = { kind: "user", name: "carla", spec: { email: "carla@northwind.example", first_name: "Carla", last_name: "Reyes", role: "marketer", teams: ["lifecycle"] } };
const user = (name: string): Resource => ({ kind: "user", name, spec: { email: `${name}@northwind.example`, first_name: name, last_name: "Tester", role: "marketer" } });
const writes = (log: { method: string; path: string }[]) => log.filter((l) => l.method !== "GET").map((l) => `${l.method} ${l.path}`);

describe("a killed Braze run", () => {
  const box = eachTest();

  /** The run that was killed: it journaled its creates, Braze made the objects, their answers were lost with the process. */
  async function killedRun(e: ReturnType<typeof engine>, resources: Resource[], made: Resource[], owner?: { stack: string; environment: string; lineage: string }) {
    const state = await e.backend.state.read();
    const desired = stackOf(box.w, resources);
    await e.backend.state.apply({ type: "run-begin", run: { id: "R-killed", actor: "killed@example.com", command: "apply", startedAt: "2026-03-20T10:00:00Z", version: 2, desired } });
    for (const [i, r] of made.entries()) {
      const after = box.w.provider.normalize!(r).spec;
      await e.backend.state.apply({ type: "op-begin", operation: { op: `R-killed:${i}`, address: `${r.kind}.${r.name}`, kind: r.kind, name: r.name, action: "create", after, startedAt: "2026-03-20T10:00:00Z" } });
      await box.w.provider.create(r, { refs: { idOf: () => undefined, nameOf: () => undefined }, owner: owner ?? { stack: "northwind", environment: "braze_prod", lineage: state.lineage } });
    }
  }

  it("is recovered before the next plan: its email template and SCIM user by their unique names, its Content Block by its owner mark; nothing is made twice", async () => {
    const e = engine(box.w, box.dir);
    const declared = await e.adoptAll();
    const wanted = [...declared, digest, block, carla];
    await killedRun(e, wanted, [digest, block, carla]);
    const made = writes(box.w.fake.log);

    const r = await runSession({ provider: box.w.provider, backend: e.backend, desired: stackOf(box.w, wanted), meta });
    expect(r.recovered).toMatchObject({ outcome: "recovered", actor: "killed@example.com", recoveredBy: { actor: "tester@example.com" } });
    expect(r.recovered!.changes.map((c) => `${c.action} ${c.address}`).sort()).toEqual(["create template.header_block", "create template.trail_digest", "create user.carla"]);
    expect(r.plan!.recovered).toMatchObject({ finished: 3, abandoned: 0 });
    expect(r.plan!.changes.filter((c) => c.action !== "noop")).toEqual([]);
    expect(r.plan!.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    // Nothing was sent again: one of each exists.
    expect(writes(box.w.fake.log)).toEqual(made);
    const state = await e.backend.state.read();
    expect(state.run).toBeUndefined();
    const ids = (address: string) => state.resources[address]?.id;
    expect(ids("template.trail_digest")).toBe(`email_template:${box.w.fake.account.email_templates.find((t) => t.template_name === "trail_digest")!.email_template_id}`);
    expect(ids("template.header_block")).toBe(`content_block:${box.w.fake.account.content_blocks.find((b) => b.name === "header_block")!.content_block_id}`);
    expect(ids("user.carla")).toBe(box.w.fake.account.users.find((u) => u.userName === "carla@northwind.example")!.id);
    expect((await e.plan(wanted)).plan.changes.filter((c) => c.action !== "noop")).toEqual([]);
  });

  it("does not take a Content Block of the name that another stack marked: the plan stops and says whose it is", async () => {
    const e = engine(box.w, box.dir);
    const wanted = [block];
    await killedRun(e, wanted, [block], { stack: "other", environment: "braze_prod", lineage: "l-other" });
    const r = await runSession({ provider: box.w.provider, backend: e.backend, desired: stackOf(box.w, wanted), meta });
    expect(r.recovered).toBeUndefined();
    expect(r.plan!.recovered).toMatchObject({ finished: 0, abandoned: 1 });
    expect(r.blocked).toBe("errors");
    expect(r.diagnostics.map((d) => [d.code, d.address])).toEqual([["plan/name-taken", "template.header_block"]]);
    expect(r.diagnostics[0]!.message).toContain("made by stack other (braze_prod)");
    expect(box.w.fake.account.content_blocks.filter((b) => b.name === "header_block")).toHaveLength(1);
  });
});

describe("Braze's daily SCIM quota", () => {
  const box = eachTest();

  it("once spent, stops the run: what finished is recorded as a partial version, the rest waits; the next day's run continues", async () => {
    const e = engine(box.w, box.dir);
    const declared = await e.adoptAll();
    const wanted = [...declared, user("dora"), user("emil"), user("finn")];
    // Braze refuses the second user create: the company's 5,000 calls of the day are spent until midnight UTC.
    let posts = 0;
    const midnight = Date.parse("2026-03-21T00:00:00Z");
    box.w.fake.inject((r) => r.method === "POST" && r.path === "/scim/v2/Users" && ++posts === 2, {
      status: 429, body: { schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], detail: "Too Many Requests", status: 429 },
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(midnight / 1000) },
    });
    const first = await runSession({ provider: box.w.provider, backend: e.backend, desired: stackOf(box.w, wanted), meta, concurrency: 1 });
    expect(first.applied).toMatchObject({
      outcome: "partial",
      executed: { counts: { done: 1, failed: 1, skipped: 1 }, stopped: { code: "braze/rate-limit", detail: { class: "scim", resetsAt: "2026-03-21T00:00:00.000Z" } } },
      version: { outcome: "partial", changes: [expect.objectContaining({ action: "create", address: "user.dora" })] },
    });
    expect(box.w.fake.account.users.map((u) => u.userName)).toContain("dora@northwind.example");
    const sent = box.w.fake.log.length;
    // No SCIM call is tried again today: the next run would stop at once.
    expect(box.w.fake.log.filter((l) => l.path.startsWith("/scim/") && l.status === 429)).toHaveLength(1);

    await box.w.clock.sleep(midnight - box.w.clock.now());
    const next = await runSession({ provider: box.w.provider, backend: e.backend, desired: stackOf(box.w, wanted), meta, concurrency: 1 });
    expect(next.plan!.changes.filter((c) => c.action !== "noop").map((c) => `${c.action} ${c.address}`)).toEqual(["create user.emil", "create user.finn"]);
    expect(next.applied).toMatchObject({ outcome: "complete", version: { version: first.applied!.version!.version + 1 } });
    expect(box.w.fake.log.slice(sent).filter((l) => l.method === "POST").length).toBe(2);
    for (const n of ["dora", "emil", "finn"]) expect(box.w.fake.account.users.filter((u) => u.userName === `${n}@northwind.example`)).toHaveLength(1);
  });
});
