import { describe, expect, it } from "vitest";
import { analyze } from "../../../src/analysis";
import { OPAQUE_AUDIENCE, type Resource, type WorkflowSpec } from "../../../src/model";
import { checkReferences } from "../../../src/stack/references";
import { stackOf } from "./helpers";

const base: Resource[] = [
  { kind: "subscription_type", name: "news", spec: { channel: "email", default: "opt_in" } },
  { kind: "template", name: "t", spec: { channel: "email", subject: "Hi", body: "Hi" } },
  { kind: "segment", name: "vips", spec: { type: "dynamic", description: "Braze filters: spent > 500", tags: [OPAQUE_AUDIENCE] } },
  { kind: "segment", name: "list", spec: { type: "static" } },
];
const wf = (over: Partial<WorkflowSpec>): WorkflowSpec => ({
  status: "active", owner: "x", purpose: "y", trigger: { type: "manual" },
  steps: [{ type: "send", channel: "email", template: "t", subscription_type: "news" }], ...over,
});
const run = (rs: Resource[]) => analyze(stackOf([...base, ...rs]));
const pick = (ds: ReturnType<typeof run>, prefix: string) => ds.filter((d) => d.code.startsWith(prefix));

describe("opaque audiences: cannot decide, never a guess", () => {
  it("two workflows whose entry audiences are opaque: overlap cannot be decided, and says why", () => {
    const opaque = wf({ tags: [OPAQUE_AUDIENCE] });
    const ds = run([{ kind: "workflow", name: "a", spec: opaque }, { kind: "workflow", name: "b", spec: opaque }]);
    expect(pick(ds, "conflict/")).toMatchObject([{ code: "conflict/cannot-decide", severity: "info", address: "workflow.b" }]);
    expect(pick(ds, "conflict/")[0]!.message).toContain("audience opaque: the platform does not export who enters `workflow.a`");
    // The same workflows with readable (manual, anyone) audiences certainly overlap.
    expect(pick(run([{ kind: "workflow", name: "a", spec: wf({}) }, { kind: "workflow", name: "b", spec: wf({}) }]), "conflict/"))
      .toMatchObject([{ code: "conflict/overlapping-workflows" }]);
  });

  it("an opaque segment is not a static list: entering from two of them cannot be decided", () => {
    const from = (segment: string) => wf({ trigger: { type: "segment_entry", segment }, entry_filter: { consent: "news" } });
    const opaqueAndList = pick(run([{ kind: "workflow", name: "a", spec: from("vips") }, { kind: "workflow", name: "b", spec: from("list") }]), "conflict/");
    expect(opaqueAndList).toMatchObject([{ code: "conflict/cannot-decide" }]);
    expect(opaqueAndList[0]!.message).toContain("the platform does not export the filters of `segment.vips`");
  });

  it("consent over an opaque audience is an info that names the subscription type, not an error", () => {
    const ds = run([{ kind: "workflow", name: "a", spec: wf({ tags: [OPAQUE_AUDIENCE] }) }]);
    expect(pick(ds, "consent/")).toMatchObject([{ code: "consent/cannot-decide", severity: "info", detail: { subscription_type: "news" } }]);
    // Readable and unfiltered: a definite error with a witness.
    expect(pick(run([{ kind: "workflow", name: "a", spec: wf({}) }]), "consent/")).toMatchObject([{ code: "consent/audience-not-filtered", severity: "error" }]);
    // A send that names no subscription type is missing one whatever the audience.
    const bare = wf({ tags: [OPAQUE_AUDIENCE], steps: [{ type: "send", channel: "email", template: "t" }] });
    expect(pick(run([{ kind: "workflow", name: "a", spec: bare }]), "consent/")).toMatchObject([{ code: "consent/missing-subscription" }]);
  });

  it("no segment is called unused while a workflow's entry audience is opaque; an opaque dynamic segment needs no conditions", () => {
    expect(pick(run([{ kind: "workflow", name: "a", spec: wf({ tags: [OPAQUE_AUDIENCE] }) }]), "governance/unused-segment")).toEqual([]);
    expect(pick(run([{ kind: "workflow", name: "a", spec: wf({}) }]), "governance/unused-segment").map((d) => d.address).sort()).toEqual(["segment.list", "segment.vips"]);
    const codes = checkReferences(stackOf([...base, { kind: "segment", name: "plain", spec: { type: "dynamic" } }]), { rangeOf: () => undefined, text: () => undefined }).map((d) => [d.code, d.message]);
    expect(codes).toEqual([["MOPS217", "dynamic segment `plain` has no conditions"]]);
  });
});
