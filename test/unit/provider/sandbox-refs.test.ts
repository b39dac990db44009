import { describe, expect, it } from "vitest";
import { canonicalJson, type Resource } from "../../../src/model";
import { mapRefs, refsOf } from "../../../providers/sandbox/refs";
import { RESOURCES } from "../../integration/sandbox/helpers";

const byName = (kind: string, name: string) => RESOURCES.find((r) => r.kind === kind && r.name === name)! as Resource;
const sites = (r: Resource) => refsOf(r.kind, r.spec).map((x) => `${x.path} -> ${x.kind}.${x.value}`);

describe("sandbox reference walker", () => {
  it("finds every reference site of a workflow, and nothing else", () => {
    expect(sites(byName("workflow", "cart_recovery"))).toEqual([
      "trigger.segment -> segment.cart_abandoners",
      "entry_filter.all[0].consent -> subscription_type.newsletter",
      "entry_filter.all[1].not.in_segment -> segment.recovered",
      "steps[1].template -> template.cart_reminder",
      "steps[1].subscription_type -> subscription_type.newsletter",
      "steps[2].then[0].segment -> segment.recovered",
      "steps[2].else[1].condition.any[0].in_segment -> segment.engaged",
      "steps[2].else[1].condition.any[1].consent -> subscription_type.sms_promos",
      "steps[2].else[1].then[0].template -> template.cart_sms",
      "steps[2].else[1].then[0].subscription_type -> subscription_type.sms_promos",
      "steps[2].else[1].else[0].segment -> segment.cart_abandoners",
      "suppression.segments[0] -> segment.recovered",
    ]);
  });

  it("finds segment conditions, goals, users and frequency-cap exemptions", () => {
    expect(sites(byName("segment", "cart_abandoners"))).toEqual([
      "conditions.all[2].in_segment -> segment.engaged",
      "conditions.all[4].consent -> subscription_type.newsletter",
    ]);
    expect(sites(byName("user", "ana"))).toEqual(["role -> role.marketer", "teams[0] -> team.lifecycle", "teams[1] -> team.growth"]);
    expect(sites(byName("frequency_cap", "marketing_email"))).toEqual(["exempt.workflows[0] -> workflow.cart_recovery"]);
    const goal = { status: "draft", trigger: { type: "manual" }, steps: [{ type: "exit" }], goal: { any: [{ in_segment: "vip" }, { consent: "news" }] } };
    expect(refsOf("workflow", goal).map((x) => x.path)).toEqual(["goal.any[0].in_segment", "goal.any[1].consent"]);
    // Kinds without references, and look-alike fields elsewhere, are left alone.
    expect(refsOf("property", { type: "string", label: "segment" })).toEqual([]);
    expect(refsOf("template", { channel: "email", body: "x", tags: ["in_segment"] })).toEqual([]);
  });

  it("maps references there and back without touching anything else, or the input", () => {
    for (const r of RESOURCES) {
      const before = canonicalJson(r.spec);
      const wire = mapRefs(r.kind, r.spec, (kind, name) => `${kind}:${name}`);
      expect(canonicalJson(r.spec)).toBe(before);
      const back = mapRefs(r.kind, wire, (kind, id) => id.slice(kind.length + 1));
      expect(canonicalJson(back)).toBe(before);
      const changed = refsOf(r.kind, r.spec).length;
      expect(canonicalJson(wire) === before).toBe(changed === 0);
    }
  });
});
