import { describe, expect, it } from "vitest";
import { refreshAndPlan, type Plan } from "../../../src/plan";
import type { Kind, Resource } from "../../../src/model";
import type { KindCapability, ManualChange } from "../../../src/provider";
import type { State } from "../../../src/state/types";
import { FakeBackend, FakeProvider, seg, stackOf, tpl, wf } from "../../helpers/fakes";

/** Templates are written, but one tagged `frozen` is read-only (a Braze Canvas message). */
const FROZEN: KindCapability = { read: true, create: "manual", update: "manual", delete: "manual", note: "a frozen template: change it in the editor" };
const frozen = (name: string, body = "Hi"): Resource => ({ ...tpl(name, body), spec: { ...tpl(name, body).spec, tags: ["frozen"] } }) as Resource;

function provider(): FakeProvider {
  const p = new FakeProvider();
  p.capabilityOf = (kind: Kind, spec) => (kind === "template" && (spec as { tags?: string[] }).tags?.includes("frozen") ? FROZEN : undefined);
  return p;
}

const managed = (p: FakeProvider, state: State, r: Resource) => {
  const o = p.seed(r.kind, r.name, r.spec);
  const address = `${r.kind}.${r.name}`;
  state.resources[address] = { address, kind: r.kind, name: r.name, id: o.id, attributes: JSON.parse(JSON.stringify(r.spec)), origin: "created", updatedAt: "t" };
  return o;
};

const actions = (plan: Plan) => plan.changes.map((c) => [c.address, c.action]);

describe("a provider's capability for one object", () => {
  it("makes a changed object of a written kind a manual change with its own note, while its siblings update", async () => {
    const p = provider();
    const b = new FakeBackend();
    managed(p, b.stateValue, frozen("message"));
    managed(p, b.stateValue, tpl("email"));
    const { plan } = await refreshAndPlan(p, stackOf([frozen("message", "Hello"), tpl("email", "Hello")]), await b.state.read());
    expect(actions(plan)).toEqual([["template.email", "update"], ["template.message", "manual"]]);
    expect(plan.changes[1]).toMatchObject({ reasons: [{ code: "stack-changed" }, { code: "api-cannot", operation: "update" }], manual: FROZEN.note });
    expect(plan.diagnostics).toEqual([]);
  });

  it("is asked with the live spec for a removal: a read-only object is a manual removal, never a delete", async () => {
    const p = provider();
    const b = new FakeBackend();
    managed(p, b.stateValue, frozen("message"));
    managed(p, b.stateValue, tpl("email"));
    const { plan } = await refreshAndPlan(p, stackOf([]), await b.state.read());
    expect(actions(plan)).toEqual([["template.email", "delete"], ["template.message", "manual"]]);
    expect(plan.changes[1]).toMatchObject({ reasons: [{ code: "removed-from-stack" }, { code: "api-cannot", operation: "delete" }], manual: FROZEN.note });
  });

  it("a new read-only object is a manual creation; adopting one does not update it through the API", async () => {
    const p = provider();
    const b = new FakeBackend();
    let { plan } = await refreshAndPlan(p, stackOf([frozen("message")]), await b.state.read());
    expect(plan.changes[0]).toMatchObject({ action: "manual", reasons: [{ code: "new" }, { code: "api-cannot", operation: "create" }] });
    p.seed("template", "message", frozen("message").spec);
    ({ plan } = await refreshAndPlan(p, stackOf([frozen("message", "Changed")]), await b.state.read(), { request: { adopt: ["template.message"] } }));
    expect(plan.changes[0]).toMatchObject({ action: "adopt", reasons: [{ code: "adopt-requested" }] });
  });

  it("a dependent of a re-created object that is read-only itself becomes a manual change", async () => {
    const p = provider();
    p.capabilityOf = (kind: Kind, spec) => (kind === "workflow" && (spec as { tags?: string[] }).tags?.includes("frozen") ? FROZEN : undefined);
    const b = new FakeBackend();
    const s = managed(p, b.stateValue, seg("s"));
    managed(p, b.stateValue, tpl("t"));
    managed(p, b.stateValue, wf("w", "s", "t", { tags: ["frozen"] }));
    p.objects.delete(s.id);
    const { plan } = await refreshAndPlan(p, stackOf([seg("s"), tpl("t"), wf("w", "s", "t", { tags: ["frozen"] })]), await b.state.read());
    expect(plan.changes.find((c) => c.address === "workflow.w")).toMatchObject({
      action: "manual", reasons: [{ code: "dependency-recreated", address: "segment.s" }, { code: "api-cannot", operation: "update" }], manual: FROZEN.note,
    });
  });
});

describe("a provider's note for one manual change", () => {
  it("carries the exact steps for the change it is given, and falls back to the capability's note", async () => {
    const p = provider();
    const asked: ManualChange[] = [];
    p.manualNote = (c) => {
      asked.push(c);
      return c.operation === "update" ? `1. Open ${c.name} (${c.id}).\n2. Set the body to "${(c.after as { body: string }).body}".` : undefined;
    };
    const b = new FakeBackend();
    const o = managed(p, b.stateValue, frozen("message"));
    managed(p, b.stateValue, frozen("gone"));
    managed(p, b.stateValue, tpl("plain"));
    const { plan } = await refreshAndPlan(p, stackOf([frozen("message", "Hello"), frozen("new_one"), tpl("plain", "Hello")]), await b.state.read());
    const by = Object.fromEntries(plan.changes.map((c) => [c.address, c]));
    expect(by["template.message"]!.manual).toBe(`1. Open message (${o.id}).\n2. Set the body to "Hello".`);
    expect(by["template.new_one"]!.manual).toBe(FROZEN.note);
    expect(by["template.gone"]!.manual).toBe(FROZEN.note);
    // Asked for the manual changes only (not for the update of template.plain).
    expect(asked.map((c) => [c.name, c.operation])).toEqual([["message", "update"], ["new_one", "create"], ["gone", "delete"]]);
    expect(asked[0]).toMatchObject({ kind: "template", id: o.id, before: frozen("message").spec, after: frozen("message", "Hello").spec });
  });
});

describe("recovering a killed run's create", () => {
  it("matches by name an object whose own capability has no place for an owner mark, though its kind has one", async () => {
    const p = provider();
    p.capabilities.template = { ...p.capabilities.template!, ownerMark: "the description of a block" };
    p.capabilityOf = (kind: Kind, spec) => (kind === "template" && !(spec as { tags?: string[] }).tags?.includes("block") ? { ...p.capabilities.template!, ownerMark: undefined } : undefined);
    const b = new FakeBackend();
    const block = { ...tpl("block"), spec: { ...tpl("block").spec, tags: ["block"] } } as Resource;
    const desired = stackOf([tpl("email"), block]);
    await b.state.apply({ type: "run-begin", run: { id: "R1", actor: "killed@example.com", command: "apply", startedAt: "t0", version: 1, desired } });
    await b.state.apply({ type: "op-begin", operation: { op: "R1:1", address: "template.email", kind: "template", name: "email", action: "create", after: tpl("email").spec, startedAt: "t0" } });
    await b.state.apply({ type: "op-begin", operation: { op: "R1:2", address: "template.block", kind: "template", name: "block", action: "create", after: block.spec, startedAt: "t0" } });
    // Both were made; neither carries a mark (the block's mark write is what failed).
    const email = p.seed("template", "email", tpl("email").spec);
    p.seed("template", "block", block.spec);

    const { plan } = await refreshAndPlan(p, desired, await b.state.read());
    expect(plan.recovered).toMatchObject({ finished: 1, abandoned: 1 });
    expect(plan.changes.find((c) => c.address === "template.email")).toMatchObject({ action: "noop", id: email.id });
    // A block could carry the mark and does not: not provably this run's, so not taken silently.
    expect(plan.diagnostics.map((d) => [d.code, d.address])).toEqual([["plan/name-taken", "template.block"]]);
  });
});
