import { describe, expect, it } from "vitest";
import { checkSavedPlan, diffSpecs, refreshAndPlan, type Plan, type ResourceChange } from "../../../src/plan";
import type { Resource } from "../../../src/model";
import type { State } from "../../../src/state/types";
import { FakeBackend, FakeProvider, seg, stackOf, tpl, wf } from "../../helpers/fakes";

const managed = (p: FakeProvider, state: State, kind: "segment" | "template" | "workflow", name: string, spec: unknown) => {
  const o = p.seed(kind, name, spec);
  state.resources[`${kind}.${name}`] = {
    address: `${kind}.${name}`, kind, name, id: o.id, attributes: JSON.parse(JSON.stringify(spec)), origin: "created", updatedAt: "t",
  };
  return o;
};

const byAddr = (plan: Plan): Record<string, ResourceChange> => Object.fromEntries(plan.changes.map((c) => [c.address, c]));
/** The steps a change waits for, as `phase:address`. */
const after = (plan: Plan, id: string): string[] => plan.steps.find((s) => s.id === id)?.after ?? [];

describe("diffSpecs", () => {
  it("gives JSON paths per attribute", () => {
    expect(diffSpecs({ a: 1, steps: [{ t: "x" }, { t: "y" }] }, { a: 1, steps: [{ t: "x" }, { t: "z" }], b: true })).toEqual([
      { path: "b", after: true },
      { path: "steps[1].t", before: "y", after: "z" },
    ]);
    expect(diffSpecs({ l: [1] }, { l: [1, 2] })).toEqual([{ path: "l", before: [1], after: [1, 2] }]);
  });
});

describe("makePlan", () => {
  it("creates what is missing, with dependencies pointing at what must exist first", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const { plan } = await refreshAndPlan(p, stackOf([wf("w", "s", "t"), seg("s"), tpl("t")]), await b.state.read());
    const c = byAddr(plan);
    expect(c["workflow.w"].action).toBe("create");
    expect(after(plan, "create:workflow.w")).toEqual(["create:segment.s", "create:template.t"]);
    expect(plan.summary).toMatchObject({ add: 3, change: 0, destroy: 0 });
    expect(p.calls).toEqual(["list template", "list segment", "list workflow"]);
  });

  it("is all noop when live matches, and shows drift when live moved away from last applied", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const o = managed(p, b.stateValue, "segment", "s", seg("s").spec);
    let { plan } = await refreshAndPlan(p, stackOf([seg("s")]), await b.state.read());
    expect(plan.changes.map((c) => c.action)).toEqual(["noop"]);

    (o.spec as { description?: string }).description = "edited in the UI";
    ({ plan } = await refreshAndPlan(p, stackOf([seg("s")]), await b.state.read()));
    const c = plan.changes[0];
    expect(c.action).toBe("update");
    expect(c.drift).toEqual([{ path: "description", after: "edited in the UI" }]);
    expect(c.attributes).toEqual([{ path: "description", before: "edited in the UI" }]);
    expect(c.reasons).toEqual([{ code: "changed-outside" }]);
    expect(plan.summary.drifted).toBe(1);
  });

  it("deletes only what state holds, never an unmanaged live object", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    managed(p, b.stateValue, "segment", "old", seg("old").spec);
    p.seed("segment", "someone_elses", seg("x").spec);
    const { plan } = await refreshAndPlan(p, stackOf([]), await b.state.read());
    expect(plan.changes.map((c) => `${c.action} ${c.address}`)).toEqual(["delete segment.old"]);
  });

  it("orders deletes in reverse: a workflow goes before the segment it used", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    managed(p, b.stateValue, "segment", "s", seg("s").spec);
    managed(p, b.stateValue, "template", "t", tpl("t").spec);
    managed(p, b.stateValue, "workflow", "w", wf("w", "s", "t").spec);
    const { plan } = await refreshAndPlan(p, stackOf([tpl("t")]), await b.state.read());
    const c = byAddr(plan);
    expect(c["segment.s"].action).toBe("delete");
    expect(after(plan, "delete:segment.s")).toEqual(["delete:workflow.w"]);
    expect(after(plan, "delete:workflow.w")).toEqual([]);
  });

  it("creates again an object deleted outside Mops, and refuses to take over a same-named live object", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    managed(p, b.stateValue, "segment", "gone", seg("gone").spec);
    p.objects.clear();
    const orphan = p.seed("template", "t", { channel: "email", subject: "Hi", body: "old" });
    const { plan } = await refreshAndPlan(p, stackOf([seg("gone"), tpl("t")]), await b.state.read());
    const c = byAddr(plan);
    expect(c["segment.gone"]).toMatchObject({ action: "create", reasons: [{ code: "deleted-outside" }] });
    expect(c["template.t"]).toMatchObject({ action: "create" });
    const refusal = plan.diagnostics.find((d) => d.code === "plan/name-taken")!;
    expect(refusal).toMatchObject({ severity: "error", address: "template.t" });
    expect(refusal.message).toContain(orphan.id);
    expect(refusal.hint).toContain("import");
    expect(refusal.hint).toContain("--adopt template.t");
  });

  it("replaces on replaceOn attributes and rewrites dependents; manual where the API cannot", async () => {
    const p = new FakeProvider();
    p.capabilities.segment = { read: true, create: "api", update: "api", delete: "api", replaceOn: ["type"] };
    p.capabilities.template = { read: true, create: "api", update: "manual", delete: "api", note: "edit templates in Studio" };
    const b = new FakeBackend();
    managed(p, b.stateValue, "segment", "s", seg("s").spec);
    managed(p, b.stateValue, "template", "t", tpl("t").spec);
    managed(p, b.stateValue, "workflow", "w", wf("w", "s", "t").spec);
    const { plan } = await refreshAndPlan(p, stackOf([seg("s", { type: "static" }), tpl("t", "new body"), wf("w", "s", "t")]), await b.state.read());
    const c = byAddr(plan);
    expect(c["segment.s"]).toMatchObject({ action: "replace", replaceMode: "create-before-delete" });
    expect(c["segment.s"].reasons).toEqual([{ code: "stack-changed" }, { code: "replace-forced", attributes: ["type"] }]);
    expect(c["template.t"]).toMatchObject({ action: "manual", manual: "edit templates in Studio" });
    expect(c["workflow.w"].action).toBe("update");
    expect(c["workflow.w"].reasons).toContainEqual({ code: "dependency-recreated", address: "segment.s" });
    // The workflow moves to the new segment before the old one goes.
    expect(after(plan, "update:workflow.w")).toContain("create:segment.s");
    expect(after(plan, "delete:segment.s")).toEqual(["create:segment.s", "update:workflow.w"]);
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);

    // Where the platform refuses two objects of one name, the old one must go first, which it refuses while in use.
    p.capabilities.segment = { ...p.capabilities.segment!, uniqueNames: true };
    const dbc = (await refreshAndPlan(p, stackOf([seg("s", { type: "static" }), tpl("t", "new body"), wf("w", "s", "t")]), await b.state.read())).plan;
    expect(byAddr(dbc)["segment.s"].replaceMode).toBe("delete-before-create");
    // The old segment is deleted first, which the platform refuses while workflow.w uses it: say so before apply.
    expect(dbc.diagnostics).toContainEqual(expect.objectContaining({ code: "plan/replace-in-use", severity: "error", address: "segment.s" }));
    expect(dbc.diagnostics.find((d) => d.code === "plan/replace-in-use")?.message).toContain("workflow.w still uses it");
  });

  it("records the audience of the segments a change touches, where the platform reports sizes", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const vip = managed(p, b.stateValue, "segment", "vip", seg("vip").spec);
    managed(p, b.stateValue, "segment", "quiet", seg("quiet").spec);
    managed(p, b.stateValue, "template", "t", tpl("t").spec);
    const sized = Object.assign(p, { segmentSize: async (id: string) => (id === vip.id ? 1234 : 5) });
    const desired = stackOf([seg("vip"), seg("quiet"), tpl("t"), wf("w", "vip", "t")]);
    const { plan } = await refreshAndPlan(sized, desired, await b.state.read());
    expect(plan.audience).toEqual({ "segment.vip": 1234 });
  });

  it("reports a dependency cycle among the operations as an error", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf([seg("a", { conditions: { in_segment: "b" } }), seg("b", { conditions: { in_segment: "a" } })]);
    const { plan } = await refreshAndPlan(p, desired, await b.state.read());
    expect(plan.diagnostics).toEqual([expect.objectContaining({ code: "plan/cycle", severity: "error", message: "dependency cycle: create:segment.a -> create:segment.b -> create:segment.a" })]);
  });

  it("uses the provider's normalize so platform defaults are no diff", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    managed(p, b.stateValue, "segment", "s", { ...seg("s").spec, owner: "platform-default" });
    const norm = Object.assign(p, { normalize: (r: Resource) => ({ ...r, spec: { ...r.spec, owner: "platform-default" } }) as Resource });
    const { plan } = await refreshAndPlan(norm, stackOf([seg("s")]), await b.state.read());
    expect(plan.changes[0].action).toBe("noop");
  });
});

describe("checkSavedPlan", () => {
  it("accepts the same plan made again and names exactly what moved", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const w = managed(p, b.stateValue, "workflow", "welcome", wf("welcome", "s", "t").spec);
    b.stateValue.serial = 12;
    const desired = stackOf([wf("welcome", "s", "t"), seg("s"), tpl("t")]);
    const { plan } = await refreshAndPlan(p, desired, await b.state.read());
    expect(checkSavedPlan(plan, (await refreshAndPlan(p, desired, await b.state.read())).plan)).toEqual([]);

    b.stateValue.resources["template.extra"] = { address: "template.extra", kind: "template", name: "extra", id: "x1", attributes: {} as never, origin: "created", updatedAt: "t" };
    b.stateValue.serial = 14;
    (w.spec as { status: string }).status = "paused";
    const desired2 = stackOf([wf("welcome", "s", "t"), seg("s", { description: "new" }), tpl("t")]);
    const now = await refreshAndPlan(p, desired2, await b.state.read());
    const msgs = checkSavedPlan(plan, now.plan).map((d) => d.message);
    expect(msgs).toEqual([
      "the state changed since the plan was made: another apply or import ran (state serial 12 -> 14)",
      "segment.s changed in the stack since the plan",
      "a fresh plan has a change to template.extra that the saved plan does not (it would delete it)",
      "live workflow.welcome changed since the plan",
    ]);
  });

  it("refuses a plan file whose changes were edited after it was made", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const desired = stackOf([wf("welcome", "s", "t"), seg("s"), tpl("t")]);
    const { plan } = await refreshAndPlan(p, desired, await b.state.read());
    const edited: Plan = JSON.parse(JSON.stringify(plan));
    const t = edited.changes.find((c) => c.address === "template.t")!;
    (t.after as { body: string }).body = "Click here: https://evil.example";
    const fresh = (await refreshAndPlan(p, desired, await b.state.read())).plan;
    expect(checkSavedPlan(edited, fresh)).toEqual([expect.objectContaining({ code: "plan/tampered", address: "template.t" })]);
    expect(checkSavedPlan(plan, fresh)).toEqual([]);
  });

  it("refuses a noop turned into a delete with its `after` removed", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    managed(p, b.stateValue, "segment", "s", seg("s").spec);
    const desired = stackOf([seg("s")]);
    const { plan } = await refreshAndPlan(p, desired, await b.state.read());
    const edited: Plan = JSON.parse(JSON.stringify(plan));
    const c = edited.changes[0]!;
    c.action = "delete";
    delete c.after;
    edited.steps = [{ id: "delete:segment.s", change: "segment.s", phase: "delete", after: [] }];
    const found = checkSavedPlan(edited, (await refreshAndPlan(p, desired, await b.state.read())).plan);
    expect(found).toEqual([expect.objectContaining({ code: "plan/tampered", address: "segment.s" })]);
  });
});

describe("refresh", () => {
  it("lists a kind again when its objects named an id that a later list revealed", async () => {
    const { refresh } = await import("../../../src/plan");
    const p = new FakeProvider();
    // Wire form: segment a refers to segment b by id; the provider maps ids to names through refs.
    const wire = [
      { kind: "segment", id: "s_a", name: "a", ref: "s_b" },
      { kind: "segment", id: "s_b", name: "b" },
    ];
    p.list = async (kind, ctx) => {
      p.calls.push(`list ${kind}`);
      if (kind !== "segment") return [];
      return wire.map((w) => ({
        kind: "segment", id: w.id, name: w.name,
        spec: { type: "dynamic", ...(w.ref ? { conditions: { in_segment: ctx.refs.nameOf("segment", w.ref) ?? w.ref } } : {}) },
      })) as never;
    };
    const r = await refresh(p, ["segment", "workflow"], {});
    expect(p.calls).toEqual(["list segment", "list workflow", "list segment"]);
    expect(r.live.find((o) => o.name === "a")!.spec).toEqual({ type: "dynamic", conditions: { in_segment: "b" } });
    p.calls = [];
    const b = new FakeBackend();
    for (const w of wire) b.stateValue.resources[`segment.${w.name}`] = { address: `segment.${w.name}`, kind: "segment", name: w.name, id: w.id, attributes: {} as never, origin: "created", updatedAt: "t" };
    await refresh(p, ["segment"], { state: await b.state.read() });
    expect(p.calls).toEqual(["list segment"]);
  });
});
