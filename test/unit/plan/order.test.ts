import { describe, expect, it } from "vitest";
import { runSession } from "../../../src/apply";
import { address, type Kind, type Resource } from "../../../src/model";
import { references } from "../../../src/model/refs";
import { ProviderError, type CallContext, type KindCapability, type LiveObject } from "../../../src/provider";
import { USED, USES, type Plan } from "../../../src/plan";
import { FakeBackend, FakeProvider, seg, stackOf, tpl, wf } from "../../helpers/fakes";

/**
 * A platform that holds references as ids, as real ones do: a create or
 * update may only name objects that exist (by the id the engine resolves at
 * that moment), and an object another one points at cannot be deleted.
 */
class StrictPlatform extends FakeProvider {
  refIds = new Map<string, string[]>();

  private idsOf(r: { kind: Kind; spec: unknown }, ctx: CallContext | undefined): string[] {
    return [...references(r.kind, r.spec)].flatMap((ref) => {
      if (!ref.name || ref.kind === "property") return [];
      const id = ctx?.refs.idOf(ref.kind, ref.name);
      if (!id || !this.objects.has(id)) throw new ProviderError({ code: "strict/dangling", severity: "error", message: `${ref.kind}.${ref.name} does not exist` }, false, 400);
      return [id];
    });
  }
  override async create(r: Resource, ctx?: CallContext): Promise<LiveObject> {
    const ids = this.idsOf(r, ctx);
    if (this.capabilities[r.kind]?.uniqueNames && this.byName(r.kind, r.name).length) {
      throw new ProviderError({ code: "strict/duplicate", severity: "error", message: `a ${r.kind} named ${r.name} exists` }, false, 409);
    }
    const o = await super.create(r, ctx);
    this.refIds.set(o.id, ids);
    return o;
  }
  override async update(r: Resource, live: LiveObject, ctx?: CallContext): Promise<LiveObject> {
    const ids = this.idsOf(r, ctx);
    const o = await super.update(r, live, ctx);
    this.refIds.set(o.id, ids);
    return o;
  }
  override async delete(kind: Kind, id: string): Promise<void> {
    const user = [...this.refIds].find(([holder, ids]) => holder !== id && this.objects.has(holder) && ids.includes(id));
    if (user) throw new ProviderError({ code: "strict/in-use", severity: "error", message: `${id} is used by ${user[0]}` }, false, 409);
    await super.delete(kind, id);
  }
}

type YAction = "create" | "update" | "delete" | "adopt" | "replace-cbd" | "replace-dbc" | "replace-drain" | "noop";
type XAction = "create" | "update" | "delete" | "noop" | "replace-cbd" | "replace-dbc";
/** Whether X's spec refers to Y in the stack and as last applied. */
type Relation = { uses: boolean; used: boolean };

const Y_ACTIONS: YAction[] = ["create", "update", "delete", "adopt", "replace-cbd", "replace-dbc", "replace-drain", "noop"];
const X_ACTIONS: XAction[] = ["create", "update", "delete", "noop", "replace-cbd", "replace-dbc"];
const RELATIONS: Relation[] = [
  { uses: true, used: true },
  { uses: true, used: false },
  { uses: false, used: true },
];

/** X is workflow.x, Y is segment.y; z is a segment X uses instead when it does not use Y. */
function scenario(ya: YAction, xa: XAction, rel: Relation) {
  // A created X has no last-applied spec; a deleted X has none in the stack.
  if ((xa === "create" && rel.used) || (xa === "delete" && rel.uses)) return undefined;
  const p = new StrictPlatform();
  const b = new FakeBackend();
  const segCap: KindCapability = { read: true, create: "api", update: "api", delete: "api", replaceOn: ["type"] };
  p.capabilities.segment = { ...segCap, ...(ya === "replace-dbc" ? { uniqueNames: true } : {}), ...(ya === "replace-drain" ? { replaceStrategy: "drain" as const } : {}) };
  p.capabilities.workflow = { ...segCap, replaceOn: ["priority"], ...(xa === "replace-dbc" ? { uniqueNames: true } : {}) };
  const managed = (r: Resource, refs: Record<string, string> = {}) => {
    const o = p.seed(r.kind, r.name, r.spec);
    p.refIds.set(o.id, Object.values(refs));
    b.stateValue.resources[address(r.kind, r.name)] = { address: address(r.kind, r.name), kind: r.kind, name: r.name, id: o.id, attributes: JSON.parse(JSON.stringify(r.spec)), origin: "created", updatedAt: "t" };
    return o;
  };
  const t = managed(tpl("t"));
  const z = managed(seg("z"));
  const desired: Resource[] = [tpl("t"), seg("z")];
  // Y as last applied and as the stack wants it.
  let y: LiveObject | undefined;
  if (ya !== "create" && ya !== "adopt") y = managed(seg("y"));
  if (ya === "adopt") y = p.seed("segment", "y", seg("y").spec);
  if (ya === "update") desired.push(seg("y", { description: "changed" }));
  else if (ya.startsWith("replace")) desired.push(seg("y", { type: "static" }));
  else if (ya !== "delete") desired.push(seg("y"));
  // X's references: Y where the relation says so, z otherwise.
  const xs = (usesY: boolean, extra: Record<string, unknown> = {}) => wf("x", usesY ? "y" : "z", "t", extra);
  if (xa !== "create") {
    if (rel.used && !y) return undefined;
    managed(xs(rel.used), { t: t.id, seg: rel.used ? y!.id : z.id });
  }
  if (xa !== "delete") {
    if (rel.uses && ya === "delete") return undefined;
    const extra = xa === "update" ? { description: "changed" } : xa.startsWith("replace") ? { priority: 5 } : {};
    desired.push(xs(rel.uses, extra));
  }
  if (xa === "noop" && rel.uses !== rel.used) return undefined;
  return { p, b, desired: stackOf(desired), adopt: ya === "adopt" ? ["segment.y"] : [] };
}

async function applyIn(order: "forward" | "reverse", s: NonNullable<ReturnType<typeof scenario>>): Promise<{ plan: Plan; outcome?: string; errors: string[] }> {
  const r = await runSession({
    provider: s.p, backend: s.b, desired: s.desired, concurrency: 1, env: {}, request: { adopt: s.adopt },
    meta: { actor: "t", command: "apply" },
    // Steps run in any order their edges allow: reversing the list shows a missing edge.
    select: (plan) => (order === "reverse" ? { ...plan, steps: [...plan.steps].reverse() } : plan),
  });
  const errors = [...(r.applied?.executed.errors.map((e) => `${e.address}: ${e.message}`) ?? []), ...r.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)];
  return { plan: r.plan!, outcome: r.applied?.outcome, errors };
}

describe("the ordering table", () => {
  it("is what the design says: establish after what you use exists; remove after what used you let go", () => {
    expect(USES).toEqual({ create: ["create", "adopt", "update"], update: ["create", "adopt", "update"], adopt: ["create", "adopt", "update"], delete: [], retire: [], confirm: [] });
    expect(USED).toEqual({ delete: ["update", "delete"], create: [], update: [], adopt: [], retire: [], confirm: [] });
  });

  const cases = Y_ACTIONS.flatMap((ya) => X_ACTIONS.flatMap((xa) => RELATIONS.map((rel) => ({ ya, xa, rel }))));
  it.each(cases)("Y $ya × X $xa ($rel): applied in any allowed order, no dangling reference and no refused delete", async ({ ya, xa, rel }) => {
    for (const order of ["forward", "reverse"] as const) {
      const s = scenario(ya, xa, rel);
      if (!s) return;
      const r = await applyIn(order, s);
      // The one combination no order can do: delete Y first (its name is unique) while X still uses it.
      if (ya === "replace-dbc" && rel.uses && rel.used && xa !== "replace-dbc") {
        expect(r.errors).toEqual(["plan/replace-in-use"]);
        continue;
      }
      expect(r.errors).toEqual([]);
      expect(r.outcome ?? "complete").toBe("complete");
      // Every reference on the platform points at an object that exists, and X's at what state calls Y now.
      for (const [holder, ids] of s.p.refIds) if (s.p.objects.has(holder)) for (const id of ids) expect(s.p.objects.has(id)).toBe(true);
      const state = await s.b.state.read();
      const x = state.resources["workflow.x"];
      if (x && rel.uses) expect(s.p.refIds.get(x.id!)).toContain(state.resources["segment.y"]!.id);
    }
  });
});
