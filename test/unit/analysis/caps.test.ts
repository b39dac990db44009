import { describe, expect, it } from "vitest";
import { analyze, worstCaseSends } from "../../../src/analysis";
import type { Step, WorkflowSpec } from "../../../src/model";
import { stackOf } from "./helpers";

const send = (channel: "email" | "sms" = "email", transactional = false): Step =>
  ({ type: "send", channel, template: "t", subscription_type: "n", ...(transactional ? { transactional } : {}) });
const wait = (duration: string): Step => ({ type: "wait", duration });
const wf = (steps: Step[], reenrollment?: WorkflowSpec["reenrollment"]): WorkflowSpec =>
  ({ status: "active", trigger: { type: "manual" }, steps, ...(reenrollment ? { reenrollment } : {}) });
const WEEK = 7 * 86_400_000;
const all = () => true;

describe("worst-case sends in a period", () => {
  it("counts sends inside one window of the period (half-open)", () => {
    expect(worstCaseSends(wf([send(), wait("3d"), send(), wait("4d"), send()]), WEEK, all)).toBe(2);
    expect(worstCaseSends(wf([send(), wait("3d"), send(), wait("3d"), send()]), WEEK, all)).toBe(3);
  });

  it("takes the busiest branch and ignores what the filter excludes", () => {
    const steps: Step[] = [send(), { type: "branch", condition: { consent: "x" }, then: [send(), send("sms")], else: [wait("8d"), send()] }];
    expect(worstCaseSends(wf(steps), WEEK, all)).toBe(3);
    expect(worstCaseSends(wf(steps), WEEK, (s) => s.channel === "email")).toBe(2);
  });

  it("multiplies by re-enrollment and treats re-entry without delay as unbounded", () => {
    expect(worstCaseSends(wf([send()], { allowed: true, after: "1d" }), WEEK, all)).toBe(7);
    expect(worstCaseSends(wf([send(), wait("2d")], { allowed: true, after: "1d" }), WEEK, all)).toBe(4);
    expect(worstCaseSends(wf([send()], { allowed: true }), WEEK, all)).toBe(Infinity);
  });

  it("does not count transactional sends against a cap unless the cap says so", () => {
    const stack = (transactional: boolean) => stackOf([
      { kind: "frequency_cap", name: "c", spec: { max: 1, period: "7d", channels: ["email"], exempt: { transactional } } },
      { kind: "workflow", name: "w", spec: wf([send("email", true), send("email", true)]) },
    ]);
    expect(analyze(stack(true)).filter((d) => d.code === "cap/exceeded")).toEqual([]);
    expect(analyze(stack(false)).filter((d) => d.code === "cap/exceeded")).toHaveLength(1);
  });

  it("adds only workflows whose audiences can meet", () => {
    const seg = (value: string) => ({ type: "dynamic" as const, conditions: { property: "country", op: "eq" as const, value } });
    const w = (segment: string): WorkflowSpec => ({ ...wf([send(), send()]), trigger: { type: "segment_entry", segment } });
    const stack = (b: string) => stackOf([
      { kind: "segment", name: "us", spec: seg("US") },
      { kind: "segment", name: "de", spec: seg("DE") },
      { kind: "segment", name: "us2", spec: seg("US") },
      { kind: "frequency_cap", name: "c", spec: { max: 3, period: "7d", channels: ["email"] } },
      { kind: "workflow", name: "a", spec: w("us") },
      { kind: "workflow", name: "b", spec: w(b) },
    ]);
    expect(analyze(stack("de")).filter((d) => d.code === "cap/exceeded")).toEqual([]);
    const [f] = analyze(stack("us2")).filter((d) => d.code === "cap/exceeded");
    expect(f.detail).toMatchObject({ worstCase: 4, max: 3 });
  });

  it("explains per platform how a cap is enforced", () => {
    const s = stackOf([{ kind: "frequency_cap", name: "c", spec: { max: 3, period: "7d", channels: ["email"] } }]);
    const note = (provider: string) => analyze(s, { provider }).filter((d) => d.code === "cap/enforcement").map((d) => d.message)[0];
    expect(note("hubspot")).toMatch(/limitSendFrequency/);
    expect(note("klaviyo")).toMatch(/smart_sending_enabled/);
    expect(note("braze")).toMatch(/dashboard/);
    expect(note("sandbox")).toBeUndefined();
  });
});
