import { describe, expect, it } from "vitest";
import type { Resource, Stack } from "../../../src/model";
import { checkReferences } from "../../../src/stack/references";
import type { SourceIndex } from "../../../src/stack/types";

/** Sources that answer with the address and path asked for, so a test can check where a finding points. */
const echo: SourceIndex = {
  rangeOf: (address, path = []) => ({ file: [address, ...path].join("/"), line: 1, col: 1 }),
  text: () => undefined,
};

const r = (kind: Resource["kind"], name: string, spec: unknown) => ({ kind, name, spec }) as Resource;

function base(): Resource[] {
  return [
    r("property", "tier", { type: "enum", values: ["a", "b"] }),
    r("property", "birthday", { type: "date" }),
    r("subscription_type", "newsletter", { channel: "email" }),
    r("subscription_type", "sms_offers", { channel: "sms" }),
    r("template", "hello", { channel: "email", body: "Hi" }),
    r("segment", "vip", { type: "dynamic", conditions: { property: "tier", op: "eq", value: "b" } }),
    r("segment", "members", { type: "static" }),
  ];
}

const wf = (spec: Record<string, unknown>) =>
  r("workflow", "w", { status: "active", trigger: { type: "manual" }, steps: [{ type: "exit" }], ...spec });

function check(extra: Resource[]) {
  const stack: Stack = { name: "s", environment: "sandbox", environments: {}, resources: [...base(), ...extra] };
  return checkReferences(stack, echo).map((d) => [d.code, d.range?.file]);
}

const ROWS: [string, Resource[], [string, string][]][] = [
  ["valid", [wf({})], []],
  ["consent condition", [r("segment", "s", { type: "dynamic", conditions: { consent: "newsleter" } })], [["MOPS204", "segment.s/conditions/consent"]]],
  ["nested membership", [r("segment", "s", { type: "dynamic", conditions: { not: { any: [{ in_segment: "vips" }] } } })], [["MOPS201", "segment.s/conditions/not/any/0/in_segment"]]],
  ["entry filter property", [wf({ entry_filter: { property: "teir", op: "exists" } })], [["MOPS203", "workflow.w/entry_filter/property"]]],
  ["goal segment", [wf({ goal: { in_segment: "buyers" } })], [["MOPS201", "workflow.w/goal/in_segment"]]],
  ["suppression segment", [wf({ suppression: { segments: ["vip", "vlp"] } })], [["MOPS201", "workflow.w/suppression/segments/1"]]],
  ["date trigger property", [wf({ trigger: { type: "date", property: "bday" } })], [["MOPS203", "workflow.w/trigger/property"]]],
  ["send inside a branch", [wf({ steps: [{ type: "branch", condition: { in_segment: "vip" }, then: [], else: [{ type: "send", channel: "email", template: "helo" }] }] })], [["MOPS202", "workflow.w/steps/0/else/0/template"]]],
  ["send inside a split", [wf({ steps: [{ type: "split", paths: [{ percent: 50, steps: [] }, { percent: 50, steps: [{ type: "update_property", property: "tiers", value: "a" }] }] }] })], [["MOPS203", "workflow.w/steps/0/paths/1/steps/0/property"]]],
  ["subscription type of another channel", [wf({ steps: [{ type: "send", channel: "email", template: "hello", subscription_type: "sms_offers" }] })], [["MOPS214", "workflow.w/steps/0/subscription_type"]]],
  ["engagement with a wait", [wf({ steps: [{ id: "pause", type: "wait", duration: "1d" }, { type: "branch", condition: { engagement: { step: "pause", action: "opened" } }, then: [] }] })], [["MOPS209", "workflow.w/steps/1/condition/engagement/step"]]],
  ["add to a dynamic segment", [wf({ steps: [{ type: "add_to_segment", segment: "vip" }, { type: "remove_from_segment", segment: "members" }] })], [["MOPS218", "workflow.w/steps/0/segment"]]],
  ["enum without values", [r("property", "plan", { type: "enum" })], [["MOPS222", "property.plan/type"]]],
  ["split adds to 100 with decimals", [wf({ steps: [{ type: "split", paths: [{ percent: 33.3, steps: [] }, { percent: 66.7, steps: [] }] }] })], []],
  ["self-membership", [r("segment", "loop", { type: "dynamic", conditions: { in_segment: "loop" } })], [["MOPS212", "segment.loop/conditions/in_segment"]]],
];

describe("reference integrity", () => {
  it.each(ROWS)("%s", (_name, extra, expected) => {
    expect(check(extra)).toEqual(expected);
  });

  it("names the closest declared resource, or lists them", () => {
    const stack: Stack = { name: "s", environment: "sandbox", environments: {}, resources: [...base(), wf({ trigger: { type: "segment_entry", segment: "vpi" } })] };
    const [d] = checkReferences(stack, echo);
    expect(d.hint).toBe("did you mean `vip`?");
    const far = checkReferences({ ...stack, resources: [...base(), wf({ trigger: { type: "segment_entry", segment: "lapsed_customers" } })] }, echo);
    expect(far[0].hint).toBe("declared segments: `vip`, `members`");
  });
});
