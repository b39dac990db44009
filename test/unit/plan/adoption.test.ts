import { describe, expect, it } from "vitest";
import { refreshAndPlan, type Plan } from "../../../src/plan";
import type { Stack } from "../../../src/model";
import { FakeBackend, FakeProvider, seg, stackOf, tpl } from "../../helpers/fakes";

const change = (plan: Plan, address: string) => plan.changes.find((c) => c.address === address)!;
const errors = (plan: Plan) => plan.diagnostics.filter((d) => d.severity === "error").map((d) => d.code);

const withImport = (stack: Stack, entries: { kind: "template"; name: string; id: string }[]): Stack => ({
  ...stack,
  environments: { [stack.environment]: { ...stack.environments[stack.environment]!, import: entries } },
});

/** Nothing is taken over silently: adoption is explicit, and another stack's object is never adopted without --force. */
describe("adoption", () => {
  it("refuses a same-named live object nobody owns, naming it and the three ways out", async () => {
    const p = new FakeProvider();
    const live = p.seed("template", "promo", tpl("promo").spec);
    const { plan } = await refreshAndPlan(p, stackOf([tpl("promo")]), await new FakeBackend().state.read());
    expect(errors(plan)).toEqual(["plan/name-taken"]);
    const d = plan.diagnostics[0]!;
    expect(d.message).toContain(`id ${live.id}`);
    expect(d.hint).toMatch(/environments\.test\.import/);
    expect(d.hint).toContain("mops import");
    expect(d.hint).toContain("--adopt template.promo");
  });

  it("adopts on an import entry naming the id, on --adopt, and on `mops import`", async () => {
    const p = new FakeProvider();
    const live = p.seed("template", "promo", { ...tpl("promo").spec, body: "old" });
    const state = await new FakeBackend().state.read();
    const viaImport = (await refreshAndPlan(p, withImport(stackOf([tpl("promo")]), [{ kind: "template", name: "promo", id: live.id }]), state)).plan;
    expect(change(viaImport, "template.promo")).toMatchObject({ action: "adopt", id: live.id, reasons: [{ code: "import-declared" }, { code: "update-after-adopt" }] });
    expect(errors(viaImport)).toEqual([]);

    const viaFlag = (await refreshAndPlan(p, stackOf([tpl("promo")]), state, { request: { adopt: ["template.promo"] } })).plan;
    expect(change(viaFlag, "template.promo").reasons[0]).toEqual({ code: "adopt-requested" });
    const viaCommand = (await refreshAndPlan(p, stackOf([tpl("promo")]), state, { request: { importAll: true } })).plan;
    expect(change(viaCommand, "template.promo").reasons[0]).toEqual({ code: "import-command" });
  });

  it("an import entry whose id does not exist is an error, not a create", async () => {
    const p = new FakeProvider();
    const { plan } = await refreshAndPlan(p, withImport(stackOf([tpl("promo")]), [{ kind: "template", name: "promo", id: "nope" }]), await new FakeBackend().state.read());
    expect(errors(plan)).toEqual(["plan/import-missing"]);
  });

  it("never adopts an object another stack's owner mark claims, unless forced", async () => {
    const p = new FakeProvider();
    const theirs = p.seed("template", "promo", tpl("promo").spec);
    theirs.owner = { stack: "other", environment: "test", lineage: "L-other" };
    const state = await new FakeBackend().state.read();
    const asked = (await refreshAndPlan(p, stackOf([tpl("promo")]), state, { request: { adopt: ["template.promo"] } })).plan;
    expect(errors(asked)).toEqual(["plan/owned-elsewhere"]);
    expect(asked.diagnostics[0]!.message).toContain("stack other (test)");
    const forced = (await refreshAndPlan(p, stackOf([tpl("promo")]), state, { request: { adopt: ["template.promo"], force: true } })).plan;
    expect(errors(forced)).toEqual([]);
    expect(change(forced, "template.promo")).toMatchObject({ action: "adopt", owner: theirs.owner });
  });

  it("recognises its own object by its owner mark: a create whose answer was lost is taken back without asking", async () => {
    const p = new FakeProvider();
    const b = new FakeBackend();
    const state = await b.state.read();
    const mine = p.seed("segment", "vip", seg("vip").spec);
    mine.owner = { stack: "demo", environment: "test", lineage: state.lineage };
    const { plan } = await refreshAndPlan(p, stackOf([seg("vip")]), state);
    expect(errors(plan)).toEqual([]);
    expect(change(plan, "segment.vip")).toMatchObject({ action: "adopt", id: mine.id, reasons: [{ code: "own-mark" }] });
    // A mark from a state that was rebuilt from nothing (another lineage) is not this state's.
    mine.owner = { stack: "demo", environment: "test", lineage: "an-older-lineage" };
    expect(errors((await refreshAndPlan(p, stackOf([seg("vip")]), state)).plan)).toEqual(["plan/name-taken"]);
  });

  it("two live objects of one name cannot be adopted by name", async () => {
    const p = new FakeProvider();
    p.seed("template", "promo", tpl("promo").spec);
    p.seed("template", "promo", tpl("promo").spec);
    const { plan } = await refreshAndPlan(p, stackOf([tpl("promo")]), await new FakeBackend().state.read(), { request: { adopt: ["template.promo"] } });
    expect(errors(plan)).toEqual(["plan/adopt-ambiguous"]);
  });

  it("a later removal never deletes an object this state does not own", async () => {
    const p = new FakeProvider();
    p.seed("template", "promo", tpl("promo").spec);
    const { plan } = await refreshAndPlan(p, stackOf([]), await new FakeBackend().state.read());
    expect(plan.changes).toEqual([]);
  });
});
