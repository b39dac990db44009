import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/analysis";
import type { Resource, WorkflowSpec } from "../../../src/model";
import { stackOf } from "./helpers";

const base: Resource[] = [
  { kind: "subscription_type", name: "news", spec: { channel: "email" } },
  { kind: "subscription_type", name: "texts", spec: { channel: "sms" } },
  { kind: "template", name: "t", spec: { channel: "sms", body: "Hi" } },
  { kind: "property", name: "email", spec: { type: "string" } },
];
const wf = (over: Partial<WorkflowSpec>): WorkflowSpec => ({
  status: "active", owner: "x", purpose: "y", trigger: { type: "event", event: "e" }, entry_filter: { consent: "texts" },
  steps: [{ type: "send", channel: "sms", template: "t", subscription_type: "texts" }], ...over,
});
const codes = (rs: Resource[], code: string) => analyze(stackOf([...base, ...rs])).filter((d) => d.code === code);

describe("rules the loader lets through only in memory", () => {
  it("consent/wrong-channel: an SMS naming an email subscription type", () => {
    const bad = wf({ steps: [{ type: "send", channel: "sms", template: "t", subscription_type: "news" }] });
    expect(codes([{ kind: "workflow", name: "w", spec: bad }], "consent/wrong-channel")).toMatchObject([
      { severity: "error", address: "workflow.w", hint: expect.stringMatching(/SMS needs SMS consent/) },
    ]);
    expect(codes([{ kind: "workflow", name: "w", spec: wf({}) }], "consent/wrong-channel")).toEqual([]);
  });

  it("conflict: text patterns are decided exactly, with a witness that meets both", () => {
    const pair = (extra: object[]) => {
      const a = wf({ entry_filter: { all: [{ consent: "texts" }, { property: "email", op: "contains", value: "@corp" }] } });
      const b = wf({ entry_filter: { all: [{ consent: "texts" }, { property: "email", op: "starts_with", value: "a" }, ...extra] as never } });
      return analyze(stackOf([...base, { kind: "workflow", name: "a", spec: a }, { kind: "workflow", name: "b", spec: b }]))
        .filter((x) => x.code.startsWith("conflict/"));
    };
    const [sat] = pair([]);
    expect(sat).toMatchObject({ code: "conflict/overlapping-workflows", detail: { witness: { properties: { email: "a@corp" } } } });
    // Starts with "a", contains "@corp", never "a@": "ab@corp" and the like.
    const [tight] = pair([{ not: { property: "email", op: "contains", value: "a@" } }]);
    expect(tight.code).toBe("conflict/overlapping-workflows");
    const email = (tight.detail!.witness as { properties: { email: string } }).properties.email;
    expect(email.startsWith("a") && email.includes("@corp") && !email.includes("a@")).toBe(true);
    expect(pair([{ not: { property: "email", op: "contains", value: "@co" } }])).toEqual([]);
    expect(pair([{ property: "email", op: "starts_with", value: "b" }])).toEqual([]);
  });

  it("conflict: paused, transactional-only and differently prioritised workflows never conflict", () => {
    const twin = (over: Partial<WorkflowSpec>) => analyze(stackOf([...base,
      { kind: "workflow", name: "a", spec: wf({}) }, { kind: "workflow", name: "b", spec: wf(over) }]))
      .filter((d) => d.code === "conflict/overlapping-workflows");
    expect(twin({})).toHaveLength(1);
    expect(twin({ status: "paused" })).toEqual([]);
    expect(twin({ steps: [{ type: "send", channel: "sms", template: "t", transactional: true }] })).toEqual([]);
    expect(twin({ priority: 5 })).toHaveLength(1);
    expect(analyze(stackOf([...base, { kind: "workflow", name: "a", spec: wf({ priority: 1 }) }, { kind: "workflow", name: "b", spec: wf({ priority: 5 }) }]))
      .filter((d) => d.code === "conflict/overlapping-workflows")).toEqual([]);
  });

  it("journey/loop-without-wait: a workflow re-entering itself through its own trigger segment", () => {
    const self = wf({
      trigger: { type: "segment_entry", segment: "s" }, entry_filter: undefined, reenrollment: { allowed: true },
      steps: [{ type: "split", paths: [{ percent: 50, steps: [{ type: "add_to_segment", segment: "s" }] }, { percent: 50, steps: [{ type: "exit" }] }] }],
    });
    const seg: Resource = { kind: "segment", name: "s", spec: { type: "static" } };
    expect(codes([seg, { kind: "workflow", name: "w", spec: self }], "journey/loop-without-wait")).toHaveLength(1);
    const waited = { ...self, steps: [{ type: "wait" as const, duration: "1d" }, ...self.steps] };
    expect(codes([seg, { kind: "workflow", name: "w", spec: waited }], "journey/loop-without-wait")).toEqual([]);
  });
});
