import { describe, expect, it } from "vitest";
import type { Kind } from "../../../src/model";
import { mapReferences, pathText, references, walkSteps } from "../../../src/model/refs";

const sites = (kind: Kind, spec: unknown) => [...references(kind, spec)].map((r) => `${r.path.join("/")} -> ${r.kind}.${r.name}`);

const workflow = {
  status: "active",
  trigger: { type: "segment_entry", segment: "entrants" },
  entry_filter: { all: [{ consent: "newsletter" }, { not: { in_segment: "recovered" } }, { property: "tier", op: "eq", value: "gold" }] },
  suppression: {
    segments: ["blocked", "churned"],
    // An event's own properties (`total`) are not contact properties.
    events: [{ event: "refund", where: [{ property: "total", op: "gt", value: 1 }] }],
  },
  steps: [
    { id: "mail", type: "send", channel: "email", template: "welcome", subscription_type: "newsletter" },
    {
      type: "branch",
      condition: { any: [{ in_segment: "vip" }, { event: "opened", at_least: 1, where: [{ property: "subject", op: "exists" }] }] },
      then: [{ type: "add_to_segment", segment: "engaged" }],
      else: [
        { type: "branch", condition: { engagement: { step: "mail", action: "opened" } }, then: [{ type: "remove_from_segment", segment: "engaged" }] },
      ],
    },
    {
      type: "split",
      paths: [
        { percent: 50, steps: [{ type: "update_property", property: "score", value: 1 }] },
        { percent: 50, steps: [{ type: "send", channel: "sms", template: "nudge" }, { type: "webhook", url: "https://x.io" }] },
      ],
    },
    { type: "wait", duration: "1d" },
  ],
  goal: { property: "purchased_at", op: "exists" },
};

describe("references", () => {
  it("finds every reference site of a workflow, with its path, in walk order", () => {
    expect(sites("workflow", workflow)).toEqual([
      "trigger/segment -> segment.entrants",
      "entry_filter/all/0/consent -> subscription_type.newsletter",
      "entry_filter/all/1/not/in_segment -> segment.recovered",
      "entry_filter/all/2/property -> property.tier",
      "steps/0/template -> template.welcome",
      "steps/0/subscription_type -> subscription_type.newsletter",
      "steps/1/condition/any/0/in_segment -> segment.vip",
      "steps/1/condition/any/1/event -> event.opened",
      "steps/1/then/0/segment -> segment.engaged",
      "steps/1/else/0/then/0/segment -> segment.engaged",
      "steps/2/paths/0/steps/0/property -> property.score",
      "steps/2/paths/1/steps/0/template -> template.nudge",
      "goal/property -> property.purchased_at",
      "suppression/segments/0 -> segment.blocked",
      "suppression/segments/1 -> segment.churned",
      "suppression/events/0/event -> event.refund",
    ]);
  });

  it("finds a date trigger's property, and an event trigger's event but nothing in its filters", () => {
    const steps = [{ type: "exit" }];
    expect(sites("workflow", { status: "draft", trigger: { type: "date", property: "birthday" }, steps })).toEqual(["trigger/property -> property.birthday"]);
    expect(sites("workflow", { status: "draft", trigger: { type: "event", event: "x", where: [{ property: "sku", op: "exists" }] }, steps })).toEqual(["trigger/event -> event.x"]);
  });

  it("finds segment conditions, users' roles and teams, frequency-cap exemptions", () => {
    expect(sites("segment", { type: "dynamic", conditions: { any: [{ in_segment: "a" }, { all: [{ consent: "news" }, { property: "city", op: "eq", value: "x" }] }] } })).toEqual([
      "conditions/any/0/in_segment -> segment.a",
      "conditions/any/1/all/0/consent -> subscription_type.news",
      "conditions/any/1/all/1/property -> property.city",
    ]);
    expect(sites("segment", { type: "static" })).toEqual([]);
    expect(sites("user", { email: "a@x.io", role: "editor", teams: ["crm", "growth"] })).toEqual(["role -> role.editor", "teams/0 -> team.crm", "teams/1 -> team.growth"]);
    expect(sites("frequency_cap", { max: 1, period: "1d", channels: ["email"], exempt: { workflows: ["receipt"] } })).toEqual(["exempt/workflows/0 -> workflow.receipt"]);
  });

  it("ignores kinds without references and look-alike fields", () => {
    expect(sites("property", { type: "string", label: "segment" })).toEqual([]);
    expect(sites("template", { channel: "email", body: "x", tags: ["in_segment"] })).toEqual([]);
    expect(sites("team", {})).toEqual([]);
  });
});

describe("mapReferences", () => {
  it("replaces exactly the references, on a copy", () => {
    const before = JSON.stringify(workflow);
    const mapped = mapReferences("workflow", workflow, (r) => `${r.kind}:${r.name}`);
    expect(JSON.stringify(workflow)).toBe(before);
    expect(sites("workflow", mapped)).toEqual(sites("workflow", workflow).map((s) => s.replace(/-> (\w+)\.(\w+)$/, "-> $1.$1:$2")));
    // Everything else is untouched: mapping back restores the input.
    const back = mapReferences("workflow", mapped, (r) => r.name.slice(r.kind.length + 1));
    expect(back).toEqual(workflow);
    expect(mapped.steps[1]!.else![0]!.condition).toEqual({ engagement: { step: "mail", action: "opened" } });
    // The event is a reference; its filters on the event's own properties are not.
    expect(mapped.suppression.events).toEqual([{ ...workflow.suppression.events[0], event: "event:refund" }]);
  });

  it("can leave a reference as it is", () => {
    const user = { email: "a@x.io", role: "editor", teams: ["crm"] };
    expect(mapReferences("user", user, (r) => (r.kind === "team" ? "T1" : r.name))).toEqual({ ...user, teams: ["T1"] });
  });
});

describe("walkSteps", () => {
  it("visits every step depth first with its path", () => {
    expect([...walkSteps(workflow.steps as never)].map((s) => `${s.path.join("/")} ${s.step.type}`)).toEqual([
      "steps/0 send",
      "steps/1 branch",
      "steps/1/then/0 add_to_segment",
      "steps/1/else/0 branch",
      "steps/1/else/0/then/0 remove_from_segment",
      "steps/2 split",
      "steps/2/paths/0/steps/0 update_property",
      "steps/2/paths/1/steps/0 send",
      "steps/2/paths/1/steps/1 webhook",
      "steps/3 wait",
    ]);
    expect([...walkSteps([{ type: "exit" }], ["x", "steps"])].map((s) => s.path)).toEqual([["x", "steps", 0]]);
  });
});

describe("pathText", () => {
  it("writes keys dotted and indexes in brackets", () => {
    expect(pathText(["steps", 2, "paths", 0, "steps", 1, "template"])).toBe("steps[2].paths[0].steps[1].template");
    expect(pathText([])).toBe("");
  });
});
