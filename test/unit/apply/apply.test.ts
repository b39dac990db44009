import { describe, expect, it } from "vitest";
import { apply, runApply } from "../../../src/apply";
import type { EngineEvent } from "../../../src/plan";
import { refreshAndPlan } from "../../../src/plan";
import { LockedError } from "../../../src/state/types";
import { FakeBackend, FakeProvider, seg, stackOf, tpl, wf } from "../../helpers/fakes";
import type { Stack } from "../../../src/model";

const meta = { actor: "ann@example.com", command: "apply" as const };

async function planAndApply(p: FakeProvider, b: FakeBackend, desired: Stack, opts: { concurrency?: number; signal?: AbortSignal } = {}) {
  const events: EngineEvent[] = [];
  const { plan, live, state } = await refreshAndPlan(p, desired, await b.read());
  const r = await apply(plan, { provider: p, backend: b, desired, meta, events: (e) => events.push(e), state, live, ...opts });
  return { r, events, plan };
}

describe("apply", () => {
  it("creates in dependency order, journals each op, and a second plan is empty", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf([wf("w", "s", "t"), seg("s"), tpl("t")]);
    const { r, events } = await planAndApply(p, b, desired);
    expect(r.outcome).toBe("complete");
    const creates = p.calls.filter((c) => c.startsWith("create"));
    expect(creates.indexOf("create workflow.w")).toBe(2);
    expect(b.records.map((x) => x.address).sort()).toEqual(["segment.s", "template.t", "workflow.w"]);
    expect(b.state.serial).toBe(3);
    expect(r.version).toMatchObject({ version: 1, outcome: "complete", actor: "ann@example.com", stateSerial: 3 });
    expect(events.filter((e) => e.type === "op-done").map((e) => (e as { address: string }).address).at(-1)).toBe("workflow.w");
    const again = await refreshAndPlan(p, desired, await b.read());
    expect(again.plan.changes.every((c) => c.action === "noop")).toBe(true);
  });

  it("on a failure skips dependents, finishes independent work, records a partial version; the next run finishes", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    p.failing.add("create segment.s");
    const desired = stackOf([wf("w", "s", "t"), seg("s"), tpl("t"), seg("other")]);
    const { r, events } = await planAndApply(p, b, desired);
    expect(r.outcome).toBe("partial");
    expect(r.errors).toEqual([{ address: "segment.s", message: "platform refused create segment.s" }]);
    expect(events).toContainEqual({ type: "op-skipped", address: "workflow.w", action: "create", because: "segment.s failed" });
    expect(Object.keys(b.state.resources).sort()).toEqual(["segment.other", "template.t"]);
    expect(b.versions[0]).toMatchObject({ outcome: "partial", errors: r.errors });

    p.failing.clear();
    const next = await planAndApply(p, b, desired);
    expect(next.plan.changes.filter((c) => c.action !== "noop").map((c) => c.address)).toEqual(["segment.s", "workflow.w"]);
    expect(next.r.outcome).toBe("complete");
  });

  it("deletes a workflow before the segment it used", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    await planAndApply(p, b, stackOf([wf("w", "s", "t"), seg("s"), tpl("t")]));
    p.calls = [];
    const { r } = await planAndApply(p, b, stackOf([tpl("t")]), { concurrency: 8 });
    expect(r.outcome).toBe("complete");
    expect(p.calls.filter((c) => c.startsWith("delete"))).toEqual(["delete workflow.w", "delete segment.s"]);
    expect(Object.keys(b.state.resources)).toEqual(["template.t"]);
  });

  it("forgets a removed resource that was already deleted outside Mops without calling the platform", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    await planAndApply(p, b, stackOf([seg("s"), tpl("t")]));
    p.objects.delete(b.state.resources["segment.s"].id);
    p.calls = [];
    const { r, plan } = await planAndApply(p, b, stackOf([tpl("t")]));
    expect(plan.changes.find((c) => c.address === "segment.s")).toMatchObject({ action: "delete", reasons: ["no longer in the stack", "already deleted outside Mops"] });
    expect(r.outcome).toBe("complete");
    expect(p.calls.filter((c) => !c.startsWith("list"))).toEqual([]);
    expect(Object.keys(b.state.resources)).toEqual(["template.t"]);
  });

  it("adopts a live object left by a killed apply instead of duplicating it", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    p.seed("segment", "s", seg("s").spec);
    const { r, plan } = await planAndApply(p, b, stackOf([seg("s")]));
    expect(plan.changes[0].action).toBe("adopt");
    expect(r.outcome).toBe("complete");
    expect(p.byName("segment", "s")).toHaveLength(1);
    expect(b.state.resources["segment.s"].origin).toBe("imported");
    expect(p.calls.some((c) => c.startsWith("create"))).toBe(false);
  });

  it("replaces through delete then create, journaling both", async () => {
    const p = new FakeProvider();
    p.capabilities.segment = { read: true, create: "api", update: "api", delete: "api", replaceOn: ["type"] };
    const b = new FakeBackend();
    await planAndApply(p, b, stackOf([seg("s")]));
    const oldId = b.state.resources["segment.s"].id;
    const { r } = await planAndApply(p, b, stackOf([seg("s", { type: "static" })]));
    expect(r.outcome).toBe("complete");
    expect(b.state.resources["segment.s"].id).not.toBe(oldId);
    expect(b.records.slice(-2).map((x) => x.resource === null)).toEqual([true, false]);
    expect(p.byName("segment", "s")).toHaveLength(1);
  });

  it("never executes manual changes and records nothing when there is nothing to do", async () => {
    const p = new FakeProvider();
    p.capabilities.frequency_cap = { read: false, create: "manual", update: "manual", delete: "manual", note: "set caps in Settings" };
    const b = new FakeBackend();
    const cap = { kind: "frequency_cap", name: "c", spec: { max: 2, period: "1w", channels: ["email"] } } as never;
    const { r, plan } = await planAndApply(p, b, stackOf([cap]));
    expect(plan.changes[0]).toMatchObject({ action: "manual", manual: "set caps in Settings" });
    expect(p.calls.filter((c) => !c.startsWith("list"))).toEqual([]);
    expect(r.version).toBeUndefined();
  });

  it("bounds concurrency", async () => {
    const p = new FakeProvider();
    p.delayMs = 5;
    const b = new FakeBackend();
    await planAndApply(p, b, stackOf(Array.from({ length: 12 }, (_, i) => seg(`s${i}`))), { concurrency: 3 });
    expect(p.maxInFlight).toBe(3);
  });

  it("stops starting operations when interrupted and records a partial version", async () => {
    const p = new FakeProvider();
    p.delayMs = 5;
    const b = new FakeBackend();
    const ac = new AbortController();
    const desired = stackOf(Array.from({ length: 6 }, (_, i) => seg(`s${i}`)));
    const { plan, live, state } = await refreshAndPlan(p, desired, await b.read());
    const r = await apply(plan, {
      provider: p, backend: b, desired, meta, state, live, concurrency: 1, signal: ac.signal,
      events: (e) => e.type === "op-done" && ac.abort(),
    });
    expect(r).toMatchObject({ outcome: "partial", done: 1, skipped: 5 });
    expect(Object.keys(b.state.resources)).toHaveLength(1);
    expect(b.versions[0].outcome).toBe("partial");
  });
});

describe("runApply", () => {
  it("holds the lock for the whole run: a second run is refused with the holder", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf([seg("s")]);
    let second: unknown;
    await runApply({
      provider: p, backend: b, desired, meta,
      confirm: async () => {
        second = await runApply({ provider: p, backend: b, desired, meta: { ...meta, actor: "bob" } }).catch((e) => e);
        return true;
      },
    });
    expect(second).toBeInstanceOf(LockedError);
    expect((second as Error).message).toMatch(/locked by ann@example.com \(apply\)/);
    expect(b.lockInfo).toBeUndefined();
  });

  it("refuses a stale saved plan and applies an unchanged one exactly", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf([seg("s"), tpl("t")]);
    const saved = JSON.parse(JSON.stringify((await refreshAndPlan(p, desired, await b.read())).plan));
    p.seed("segment", "intruder", seg("x").spec);
    const stale = await runApply({ provider: p, backend: b, desired, meta, savedPlan: saved });
    expect(stale.diagnostics.map((d) => d.message)).toEqual(["live segment.intruder appeared since the plan"]);
    expect(stale.applied).toBeUndefined();

    p.objects.clear();
    const ok = await runApply({ provider: p, backend: b, desired, meta, savedPlan: saved });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.applied?.outcome).toBe("complete");
    expect(ok.applied?.version?.plan).toEqual(saved);
  });

  it("applies nothing when the plan carries an error (a finding or a provider check)", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf([seg("s")]);
    const finding = { code: "analysis/conflict", severity: "error" as const, message: "two workflows email the same contact" };
    const r = await runApply({ provider: p, backend: b, desired, meta, findings: [finding] });
    expect(r).toMatchObject({ blocked: "errors", diagnostics: [finding] });
    const checked = Object.assign(p, { check: async () => [{ ...finding, code: "fake/check", message: "role missing" }] });
    const r2 = await runApply({ provider: checked, backend: b, desired, meta });
    expect(r2.blocked).toBe("errors");
    expect(r2.diagnostics.map((d) => d.message)).toEqual(["role missing"]);
    expect(p.objects.size).toBe(0);
    expect(b.versions).toEqual([]);
  });

  it("cancels when not confirmed", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const r = await runApply({ provider: p, backend: b, desired: stackOf([seg("s")]), meta, confirm: async () => false });
    expect(r.cancelled).toBe(true);
    expect(p.objects.size).toBe(0);
    expect(b.versions).toEqual([]);
  });
});
