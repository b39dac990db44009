import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSession, type SessionOptions } from "../../../src/apply";
import type { EngineEvent } from "../../../src/plan";
import { refreshAndPlan } from "../../../src/plan";
import { LockedError } from "../../../src/state/types";
import { ProviderError } from "../../../src/provider";
import { FakeBackend, FakeProvider, seg, stackOf, tpl, wf } from "../../helpers/fakes";
import type { Resource, Stack } from "../../../src/model";

const meta = { actor: "ann@example.com", command: "apply" as const };

async function planAndApply(p: FakeProvider, b: FakeBackend, desired: Stack, opts: Partial<SessionOptions> = {}) {
  const events: EngineEvent[] = [];
  const r = await runSession({ provider: p, backend: b, desired, meta, events: (e) => events.push(e), env: {}, ...opts });
  return { r, events, plan: r.plan!, outcome: r.applied?.outcome, version: r.applied?.version };
}

const live = (p: FakeProvider) => [...p.objects.values()].map((o) => `${o.kind}.${o.name}`).sort();

describe("apply", () => {
  it("creates in dependency order, journals each op before its request, and a second plan is empty", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf([wf("w", "s", "t"), seg("s"), tpl("t")]);
    const { outcome, version, events } = await planAndApply(p, b, desired);
    expect(outcome).toBe("complete");
    const creates = p.calls.filter((c) => c.startsWith("create"));
    expect(creates.indexOf("create workflow.w")).toBe(2);
    // run-begin, then per operation its journal entry before its result, then run-end.
    const kinds = b.deltas.map((d) => d.type);
    expect([kinds[0], kinds.at(-1)]).toEqual(["run-begin", "run-end"]);
    for (const addr of ["segment.s", "template.t", "workflow.w"]) {
      const begun = b.deltas.findIndex((d) => d.type === "op-begin" && d.operation.address === addr);
      const done = b.deltas.findIndex((d) => d.type === "resource" && d.address === addr);
      expect(begun).toBeGreaterThan(0);
      expect(done).toBeGreaterThan(begun);
    }
    expect(version).toMatchObject({ version: 1, outcome: "complete", actor: "ann@example.com", summary: { add: 3 } });
    expect(version!.changes.map((c) => c.address).sort()).toEqual(["segment.s", "template.t", "workflow.w"]);
    expect(events.filter((e) => e.type === "op-done").map((e) => (e as { address: string }).address).at(-1)).toBe("workflow.w");
    expect(b.stateValue.resources["workflow.w"]!.changedIn).toBe(1);
    expect(b.stateValue.run).toBeUndefined();
    const again = await refreshAndPlan(p, desired, await b.state.read());
    expect(again.plan.changes.every((c) => c.action === "noop")).toBe(true);
  });

  it("on a failure skips dependents, finishes independent work, records a partial version of what was done; the next run finishes", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    p.failing.add("create segment.s");
    const desired = stackOf([wf("w", "s", "t"), seg("s"), tpl("t"), seg("other")]);
    const { r, events } = await planAndApply(p, b, desired);
    expect(r.applied?.outcome).toBe("partial");
    expect(r.applied?.executed.errors).toEqual([{ address: "segment.s", message: "platform refused create segment.s" }]);
    expect(events).toContainEqual({ type: "op-skipped", address: "workflow.w", action: "create", phase: "create", because: "create:segment.s failed" });
    expect(Object.keys(b.stateValue.resources).sort()).toEqual(["segment.other", "template.t"]);
    expect(b.versions[0]).toMatchObject({ outcome: "partial", errors: r.applied?.executed.errors });
    expect(b.versions[0]!.changes.map((c) => c.address).sort()).toEqual(["segment.other", "template.t"]);

    p.failing.clear();
    const next = await planAndApply(p, b, desired);
    expect(next.plan.changes.filter((c) => c.action !== "noop").map((c) => c.address)).toEqual(["segment.s", "workflow.w"]);
    expect(next.outcome).toBe("complete");
  });

  it("deletes a workflow before the segment it used", async () => {
    const p = new FakeProvider();
    p.refuseInUse = true;
    const b = new FakeBackend();
    await planAndApply(p, b, stackOf([wf("w", "s", "t"), seg("s"), tpl("t")]));
    p.calls = [];
    const { outcome } = await planAndApply(p, b, stackOf([tpl("t")]), { concurrency: 8 });
    expect(outcome).toBe("complete");
    expect(p.calls.filter((c) => c.startsWith("delete"))).toEqual(["delete workflow.w", "delete segment.s"]);
    expect(Object.keys(b.stateValue.resources)).toEqual(["template.t"]);
  });

  it("forgets a removed resource that was already deleted outside Mops without calling the platform", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    await planAndApply(p, b, stackOf([seg("s"), tpl("t")]));
    p.objects.delete(b.stateValue.resources["segment.s"]!.id!);
    p.calls = [];
    const { outcome, plan } = await planAndApply(p, b, stackOf([tpl("t")]));
    expect(plan.changes.find((c) => c.address === "segment.s")).toMatchObject({ action: "delete", reasons: [{ code: "removed-from-stack" }, { code: "already-gone" }] });
    expect(outcome).toBe("complete");
    expect(p.calls.filter((c) => !c.startsWith("list"))).toEqual([]);
    expect(Object.keys(b.stateValue.resources)).toEqual(["template.t"]);
  });

  it("re-creates an object deleted outside Mops and points what uses it at the new id in the same apply", async () => {
    const p = new FakeProvider();
    p.refuseInUse = true;
    const b = new FakeBackend();
    const desired = stackOf([wf("w", "vip", "t"), seg("vip"), tpl("t")]);
    await planAndApply(p, b, desired);
    p.objects.delete(b.stateValue.resources["segment.vip"]!.id!);
    const { plan, outcome } = await planAndApply(p, b, desired);
    expect(plan.summary).toMatchObject({ add: 1, change: 1 });
    expect(plan.changes.find((c) => c.address === "workflow.w")).toMatchObject({ action: "update", reasons: [{ code: "dependency-recreated", address: "segment.vip" }] });
    expect(plan.steps.find((s) => s.id === "update:workflow.w")!.after).toEqual(["create:segment.vip"]);
    expect(outcome).toBe("complete");
    expect(p.calls.slice(-2)).toEqual(["create segment.vip", "update workflow.w"]);
  });

  it("replaces delete-first where names are unique, create-first elsewhere, journaling both halves", async () => {
    const p = new FakeProvider();
    p.capabilities.segment = { read: true, create: "api", update: "api", delete: "api", replaceOn: ["type"], uniqueNames: true };
    const b = new FakeBackend();
    await planAndApply(p, b, stackOf([seg("s")]));
    const oldId = b.stateValue.resources["segment.s"]!.id;
    p.calls = [];
    expect((await planAndApply(p, b, stackOf([seg("s", { type: "static" })]))).outcome).toBe("complete");
    expect(p.calls.filter((c) => !c.startsWith("list"))).toEqual(["delete segment.s", "create segment.s"]);
    expect(b.stateValue.resources["segment.s"]!.id).not.toBe(oldId);
    expect(p.byName("segment", "s")).toHaveLength(1);

    p.capabilities.segment = { ...p.capabilities.segment, uniqueNames: false };
    p.calls = [];
    const r = await planAndApply(p, b, stackOf([seg("s", { type: "dynamic" })]));
    expect(r.outcome).toBe("complete");
    expect(p.calls.filter((c) => !c.startsWith("list"))).toEqual(["create segment.s", "delete segment.s"]);
    expect(b.stateValue.retired).toBeUndefined();
    expect(p.byName("segment", "s")).toHaveLength(1);
  });

  it("bounds concurrency", async () => {
    const p = new FakeProvider();
    p.delayMs = 5;
    const b = new FakeBackend();
    await planAndApply(p, b, stackOf(Array.from({ length: 12 }, (_, i) => seg(`s${i}`))), { concurrency: 3 });
    expect(p.maxRunning).toBe(3);
  });

  it("stops starting operations when interrupted and records a partial version", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const ac = new AbortController();
    const desired = stackOf(Array.from({ length: 6 }, (_, i) => seg(`s${i}`)));
    const { r } = await planAndApply(p, b, desired, { concurrency: 1, signal: ac.signal, events: (e) => e.type === "op-done" && ac.abort() });
    expect(r.applied?.executed.counts).toEqual({ done: 1, failed: 0, skipped: 5 });
    expect(r.applied?.outcome).toBe("partial");
    expect(Object.keys(b.stateValue.resources)).toHaveLength(1);
    expect(b.versions[0]!.outcome).toBe("partial");
  });

  it("an apply interrupted before its first operation is recorded as cancelled", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const ac = new AbortController();
    const { r } = await planAndApply(p, b, stackOf([seg("a"), seg("b")]), { signal: ac.signal, events: (e) => e.type === "apply-start" && ac.abort() });
    expect(r.applied?.outcome).toBe("cancelled");
    expect(b.versions.map((v) => v.outcome)).toEqual(["cancelled"]);
    expect(p.objects.size).toBe(0);
  });
});

describe("manual changes", () => {
  const cap = { kind: "frequency_cap", name: "c", spec: { max: 2, period: "1w", channels: ["email"] } } as Resource;
  const manualCaps = (p: FakeProvider) => {
    p.capabilities.frequency_cap = { read: false, create: "manual", update: "manual", delete: "manual", note: "set caps in Settings" };
  };

  it("are confirmed once; the next plan is empty, with a note that the API cannot verify them", async () => {
    const p = new FakeProvider();
    manualCaps(p);
    const b = new FakeBackend();
    const first = await planAndApply(p, b, stackOf([cap]));
    expect(first.plan.changes[0]).toMatchObject({ action: "manual", manual: "set caps in Settings" });
    expect(first.r.applied?.executed.awaiting.map((c) => c.address)).toEqual(["frequency_cap.c"]);
    expect(first.version).toBeUndefined();

    const confirmed = await planAndApply(p, b, stackOf([cap]), { confirmManual: ["frequency_cap.c"] });
    expect(confirmed.outcome).toBe("complete");
    expect(confirmed.version!.changes).toMatchObject([{ address: "frequency_cap.c", action: "manual" }]);
    expect(b.stateValue.resources["frequency_cap.c"]).toMatchObject({ origin: "confirmed", confirmedBy: "ann@example.com", attributes: cap.spec });
    expect(p.calls.filter((c) => !c.startsWith("list"))).toEqual([]);

    const after = (await refreshAndPlan(p, stackOf([cap]), await b.state.read())).plan;
    expect(after.changes.map((c) => c.action)).toEqual(["noop"]);
    expect(after.diagnostics).toEqual([expect.objectContaining({ code: "plan/unverifiable", severity: "info" })]);

    const changed = (await refreshAndPlan(p, stackOf([{ ...cap, spec: { ...cap.spec, max: 3 } } as Resource]), await b.state.read())).plan;
    expect(changed.changes[0]).toMatchObject({ action: "manual", reasons: [{ code: "manual-changed" }, { code: "api-cannot", operation: "update" }] });
    const removed = await planAndApply(p, b, stackOf([]), { confirmManual: ["frequency_cap.c"] });
    expect(removed.plan.changes[0]).toMatchObject({ action: "manual", reasons: [{ code: "removed-from-stack" }, { code: "api-cannot", operation: "delete" }] });
    expect(b.stateValue.resources).toEqual({});
  });
});

describe("secrets in resource fields", () => {
  const hook = { kind: "template", name: "hook", spec: { channel: "webhook", body: "{}", url: "https://hooks.example.com/x?token=${env:HOOK_TOKEN}" } } as Resource;

  it("reach only the request: state, history and plans keep the reference; the platform's copy is masked back", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const env = { HOOK_TOKEN: "sk-SENTINEL-42" };
    const { r } = await planAndApply(p, b, stackOf([hook]), { env });
    expect(r.applied?.outcome).toBe("complete");
    expect((p.byName("template", "hook")[0]!.spec as { url: string }).url).toBe("https://hooks.example.com/x?token=sk-SENTINEL-42");
    expect(JSON.stringify([b.stateValue, b.versions, b.deltas, r.plan])).not.toContain("sk-SENTINEL-42");
    expect((b.stateValue.resources["template.hook"]!.attributes as { url: string }).url).toContain("${env:HOOK_TOKEN}");
    const again = (await refreshAndPlan(p, stackOf([hook]), await b.state.read(), { env })).plan;
    expect(again.changes[0]!.action).toBe("noop");
    // A new value of the secret is a change, shown masked.
    const rotated = (await refreshAndPlan(p, stackOf([hook]), await b.state.read(), { env: { HOOK_TOKEN: "sk-NEW" } })).plan;
    expect(rotated.changes[0]).toMatchObject({ action: "update", attributes: [{ path: "url", before: "(sensitive value)", after: (hook.spec as { url: string }).url }] });
    expect(JSON.stringify(rotated)).not.toContain("sk-SENTINEL-42");
  });

  it("a platform error that echoes the secret is cleaned of it", async () => {
    const p = new FakeProvider();
    p.create = async (r) => {
      throw new ProviderError({ code: "fake/bad", severity: "error", message: `rejected url ${(r.spec as { url: string }).url}` }, false, 400);
    };
    const b = new FakeBackend();
    const { r } = await planAndApply(p, b, stackOf([hook]), { env: { HOOK_TOKEN: "sk-SENTINEL-42" } });
    expect(r.applied?.executed.errors[0]!.message).toBe("rejected url https://hooks.example.com/x?token=***");
    expect(JSON.stringify([b.stateValue, b.versions, b.deltas])).not.toContain("sk-SENTINEL-42");
  });
});

describe("what a killed run did", () => {
  it("is recovered under the lock before planning: a create whose answer was lost is matched by its owner mark, recorded as a version, never duplicated", async () => {
    const p = new FakeProvider();
    p.capabilities.segment = { ...p.capabilities.segment!, ownerMark: "fake metadata" };
    const b = new FakeBackend();
    const desired = stackOf([seg("a"), seg("b")]);
    // The killed run: it journaled both creates, the platform made both, it recorded one.
    const lineage = b.stateValue.lineage;
    await b.state.apply({ type: "run-begin", run: { id: "R1", actor: "killed@example.com", command: "apply", startedAt: "t0", version: 1, desired } });
    await b.state.apply({ type: "op-begin", operation: { op: "R1:1", address: "segment.a", kind: "segment", name: "a", action: "create", after: seg("a").spec, startedAt: "t0" } });
    await b.state.apply({ type: "op-begin", operation: { op: "R1:2", address: "segment.b", kind: "segment", name: "b", action: "create", after: seg("b").spec, startedAt: "t0" } });
    const a = p.seed("segment", "a", seg("a").spec);
    a.owner = { stack: "demo", environment: "test", lineage };
    await b.state.apply({ type: "resource", address: "segment.a", op: "R1:1", resource: { address: "segment.a", kind: "segment", name: "a", id: a.id, attributes: seg("a").spec, origin: "created", updatedAt: "t" } });
    const bObj = p.seed("segment", "b", seg("b").spec);
    bObj.owner = { stack: "demo", environment: "test", lineage };

    const plan = (await refreshAndPlan(p, desired, await b.state.read())).plan;
    expect(plan.recovered).toMatchObject({ run: "R1", actor: "killed@example.com", finished: 2, abandoned: 0 });
    expect(plan.changes.map((c) => c.action)).toEqual(["noop", "noop"]);

    const { r, events } = await planAndApply(p, b, desired);
    expect(r.recovered).toMatchObject({ version: 1, outcome: "recovered", actor: "killed@example.com", recoveredBy: { actor: "ann@example.com" } });
    expect(r.recovered!.changes.map((c) => `${c.action} ${c.address}`)).toEqual(["create segment.a", "create segment.b"]);
    expect(events).toContainEqual(expect.objectContaining({ type: "recovered", version: 1 }));
    expect(b.stateValue.resources["segment.b"]).toMatchObject({ id: bObj.id, origin: "created" });
    expect(b.stateValue.run).toBeUndefined();
    expect(live(p)).toEqual(["segment.a", "segment.b"]);
    expect(r.applied).toBeUndefined();
  });

  it("an update it made is not called drift, and a create that never happened is simply planned again", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    await planAndApply(p, b, stackOf([seg("a")]));
    const desired = stackOf([seg("a", { description: "new" }), seg("b")]);
    await b.state.apply({ type: "run-begin", run: { id: "R2", actor: "k", command: "apply", startedAt: "t0", version: 2, desired } });
    await b.state.apply({ type: "op-begin", operation: { op: "R2:1", address: "segment.a", kind: "segment", name: "a", action: "update", id: b.stateValue.resources["segment.a"]!.id, after: seg("a", { description: "new" }).spec, startedAt: "t0" } });
    await b.state.apply({ type: "op-begin", operation: { op: "R2:2", address: "segment.b", kind: "segment", name: "b", action: "create", after: seg("b").spec, startedAt: "t0" } });
    (p.objects.get(b.stateValue.resources["segment.a"]!.id!)!.spec as { description?: string }).description = "new";

    const { plan } = await refreshAndPlan(p, desired, await b.state.read());
    expect(plan.recovered).toMatchObject({ finished: 1, abandoned: 1 });
    expect(plan.changes.find((c) => c.address === "segment.a")).toMatchObject({ action: "noop" });
    expect(plan.changes.find((c) => c.address === "segment.a")!.drift).toBeUndefined();
    expect(plan.changes.find((c) => c.address === "segment.b")!.action).toBe("create");
  });
});

describe("a run that loses what it writes to", () => {
  it("stops starting operations when the state store fails; what finished goes to this machine's fallback journal and is recorded by the next run", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf(Array.from({ length: 5 }, (_, i) => seg(`s${i}`)));
    // run-begin, op-begin s0, resource s0, op-begin s1 — then the store is gone before s1's result.
    b.failAfter = 5;
    const { r } = await planAndApply(p, b, desired, { concurrency: 1 });
    expect(r.applied?.executed.stopped?.code).toBe("state/unavailable");
    expect(p.calls.filter((c) => c.startsWith("create"))).toEqual(["create segment.s0", "create segment.s1"]);
    expect(existsSync(join(b.localDir, "unrecorded.jsonl"))).toBe(true);
    expect(b.stateValue.resources["segment.s1"]).toBeUndefined();

    b.failAfter = undefined;
    const next = await planAndApply(p, b, desired);
    expect(existsSync(join(b.localDir, "unrecorded.jsonl"))).toBe(false);
    expect(next.plan.changes.filter((c) => c.action === "create").map((c) => c.address)).toEqual(["segment.s2", "segment.s3", "segment.s4"]);
    expect(p.byName("segment", "s1")).toHaveLength(1);
    expect(next.outcome).toBe("complete");
  });

  it("stops when the platform's daily quota is spent, and the next run continues", async () => {
    const p = new FakeProvider();
    let left = 2;
    const create = p.create.bind(p);
    p.create = async (r, ctx) => {
      if (left-- <= 0) throw new ProviderError({ code: "fake/daily-quota", severity: "error", message: "100 creates a day: today's are spent" }, true, 429, "quota");
      return create(r, ctx);
    };
    const b = new FakeBackend();
    const desired = stackOf(Array.from({ length: 5 }, (_, i) => seg(`s${i}`)));
    const { r } = await planAndApply(p, b, desired, { concurrency: 1 });
    expect(r.applied).toMatchObject({ outcome: "partial", executed: { counts: { done: 2, failed: 1, skipped: 2 }, stopped: { code: "fake/daily-quota" } } });
    left = 10;
    expect((await planAndApply(p, b, desired)).outcome).toBe("complete");
  });

  it("stops when the lock is taken from it", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf(Array.from({ length: 4 }, (_, i) => seg(`s${i}`)));
    const { r } = await planAndApply(p, b, desired, { concurrency: 1, events: (e) => e.type === "op-done" && void b.locker.forceUnlock() });
    expect(r.applied?.executed.counts.done).toBe(1);
    expect(p.objects.size).toBe(1);
  });
});

describe("runSession", () => {
  it("holds the lock for the whole run: a second run is refused with the holder", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf([seg("s")]);
    let second: unknown;
    await runSession({
      provider: p, backend: b, desired, meta,
      confirm: async () => {
        second = await runSession({ provider: p, backend: b, desired, meta: { ...meta, actor: "bob" } }).catch((e) => e);
        return true;
      },
    });
    expect(second).toBeInstanceOf(LockedError);
    expect((second as Error).message).toMatch(/locked by ann@example.com \(apply\)/);
    expect(b.lockInfo).toBeUndefined();
  });

  it("refuses a saved plan unlike the fresh one, and applies an unchanged one exactly", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf([seg("s"), tpl("t")]);
    const saved = JSON.parse(JSON.stringify((await refreshAndPlan(p, desired, await b.state.read())).plan));
    // Another run recorded something meanwhile.
    const other = p.seed("segment", "other", seg("other").spec);
    b.stateValue.resources["segment.other"] = { address: "segment.other", kind: "segment", name: "other", id: other.id, attributes: seg("other").spec, origin: "created", updatedAt: "t" };
    const stale = await runSession({ provider: p, backend: b, desired, meta, savedPlan: saved });
    expect(stale.blocked).toBe("stale");
    expect(stale.diagnostics.map((d) => d.message)).toContain("a fresh plan has a change to segment.other that the saved plan does not (it would delete it)");
    expect(stale.applied).toBeUndefined();

    p.objects.clear();
    delete b.stateValue.resources["segment.other"];
    const ok = await runSession({ provider: p, backend: b, desired, meta, savedPlan: saved });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.applied?.outcome).toBe("complete");
    expect(ok.applied?.version?.changes.map((c) => c.address)).toEqual(["template.t", "segment.s"]);
  });

  it("applies nothing when the plan carries an error (a finding or a provider check)", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf([seg("s")]);
    const finding = { code: "analysis/conflict", severity: "error" as const, message: "two workflows email the same contact" };
    const r = await runSession({ provider: p, backend: b, desired, meta, findings: [finding] });
    expect(r).toMatchObject({ blocked: "errors", diagnostics: [finding] });
    const checked = Object.assign(p, { check: async () => [{ ...finding, code: "fake/check", message: "role missing" }] });
    const r2 = await runSession({ provider: checked, backend: b, desired, meta });
    expect(r2.blocked).toBe("errors");
    expect(r2.diagnostics.map((d) => d.message)).toEqual(["role missing"]);
    expect(p.objects.size).toBe(0);
    expect(b.versions).toEqual([]);
  });

  it("cancels when not confirmed", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const r = await runSession({ provider: p, backend: b, desired: stackOf([seg("s")]), meta, confirm: async () => false });
    expect(r.cancelled).toBe(true);
    expect(p.objects.size).toBe(0);
    expect(b.versions).toEqual([]);
  });
});
