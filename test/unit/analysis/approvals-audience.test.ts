import { describe, expect, it } from "vitest";
import { checkApprovals, requiredApprovals } from "../../../src/analysis";
import { policyFrom, type Resource } from "../../../src/model";
import type { Plan, ResourceChange } from "../../../src/plan/types";
import { loadPolicy } from "../../../src/stack/policy";
import { stackOf } from "./helpers";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `approvals: [{ when: { audience_over: N }, owners: true, count: 2 }]`: big audiences need more people. */
describe("approvals above an audience size", () => {
  const people: Resource[] = [
    { kind: "team", name: "lifecycle", spec: {} },
    { kind: "role", name: "r", spec: { permissions: [{ kinds: ["workflow"], actions: ["edit"] }] } },
    { kind: "user", name: "ana", spec: { email: "ana.lima@x.example", role: "r", teams: ["lifecycle"] } },
    { kind: "user", name: "lee", spec: { email: "lee@x.example", role: "r", teams: ["lifecycle"] } },
  ];
  const stack = stackOf(people, "production", true);
  const change = (name: string): ResourceChange => ({
    address: `workflow.${name}`, kind: "workflow", name, action: "update", reasons: [],
    after: { status: "active", owner: "lifecycle", trigger: { type: "segment_entry", segment: "s" }, steps: [] } as never,
  });
  const plan = {
    changes: [change("big"), change("small"), change("uncounted"), change("by_event")],
    audience: {
      "workflow.big": { size: 80_000, via: "segment.s" }, "workflow.small": { size: 1_200, via: "segment.s" },
      "workflow.uncounted": { via: "segment.s" }, "workflow.by_event": { trigger: "event" },
    },
  } as unknown as Plan;
  const policy = policyFrom({ approvals: [{ when: { audience_over: 50_000 }, owners: true, count: 2 }] });

  it("applies only to changes over the size, or whose size the platform could not count", () => {
    const req = requiredApprovals(plan, stack, policy, "production");
    expect(req.map((r) => [r.address, r.count, r.audience])).toEqual([["workflow.big", 2, 80_000], ["workflow.uncounted", 2, "unknown"]]);
  });

  it("needs that many different people: one person under two names counts once", () => {
    const req = requiredApprovals(plan, stack, policy, "production").filter((r) => r.address === "workflow.big");
    const one = checkApprovals(req, ["ana", "ana.lima@x.example"]);
    expect(one).toEqual([expect.objectContaining({ code: "approval/missing", address: "workflow.big" })]);
    expect(one[0]!.message).toBe("the change to workflow.big reaches ~80,000 contacts: it needs 2 different approvers, and has 1");
    expect(checkApprovals(req, ["ana", "lee"])).toEqual([]);
  });

  it("is a valid policy file", () => {
    const dir = mkdtempSync(join(tmpdir(), "mops-policy-"));
    writeFileSync(join(dir, "policy.yaml"), "approvals:\n  - { when: { audience_over: 50000 }, owners: true, count: 2 }\n");
    expect(loadPolicy(join(dir, "policy.yaml")).diagnostics).toEqual([]);
    writeFileSync(join(dir, "policy.yaml"), "approvals:\n  - { when: { audience_above: 50000 }, owners: true }\n");
    expect(loadPolicy(join(dir, "policy.yaml")).diagnostics).toContainEqual(expect.objectContaining({ code: "policy/unknown-key", message: "unknown key `audience_above` in the policy" }));
  });
});
