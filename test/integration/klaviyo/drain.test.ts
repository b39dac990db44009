import { afterEach, describe, expect, it } from "vitest";
import { flowChangePath } from "../../../providers/klaviyo/workflows";
import type { Resource, WorkflowSpec } from "../../../src/model";
import type { CallContext } from "../../../src/provider/types";
import { providerError } from "../../helpers/errors";
import { closeWorlds, world } from "./helpers";

afterEach(closeWorlds);
const ids: Record<string, string> = { "segment.newsletter": "list:LNews1", "template.welcome_email": "TWelc1", "template.first_order_nudge": "TNudg2" };
const ctx: CallContext = { refs: { idOf: (k, n) => ids[`${k}.${n}`], nameOf: (k, id) => Object.entries(ids).find(([a, v]) => v === id && a.startsWith(`${k}.`))?.[0].split(".")[1] } };
const v1: WorkflowSpec = {
  status: "active",
  trigger: { type: "segment_entry", segment: "newsletter" },
  steps: [{ type: "send", channel: "email", template: "welcome_email" }, { type: "wait", duration: "2d" }, { type: "send", channel: "email", template: "first_order_nudge" }],
};
const v2: WorkflowSpec = { ...v1, steps: [...v1.steps, { type: "wait", duration: "1d" }, { type: "send", channel: "email", template: "welcome_email" }] };
const DAY = 86_400_000;

describe("Klaviyo drain-then-swap", () => {
  it("over three applies: the new flow goes live, the old one stops admitting but keeps sending, and is deleted once drained", async () => {
    const { fake, clock, provider } = await world();
    // Apply 1: the journey as first declared.
    const old = await provider.create({ kind: "workflow", name: "welcome", spec: v1 }, ctx);
    const oldRead = (await provider.read("workflow", old.id, ctx))!;

    // Apply 2: a step added. Klaviyo cannot add an action to a flow: a new flow, the old one drains.
    const next: Resource<"workflow"> = { kind: "workflow", name: "welcome", spec: v2 };
    expect(flowChangePath(old.spec as WorkflowSpec, provider.normalize!(next).spec as WorkflowSpec).path).toBe("replace");
    const fresh = await provider.create(next, ctx);
    expect(fake.account.flows.find((f) => f.id === fresh.id)!.status).toBe("live");
    await provider.retire("workflow", old.id, ctx);
    const closedAt = clock.now();
    const retired = fake.account.flows.find((f) => f.id === old.id)!;
    // Still live: the profiles inside get every message; the gate turns new ones away.
    expect(retired.status).toBe("live");
    const gate = retired.definition.actions.find((a: { id: string }) => a.id === retired.definition.entry_action_id);
    expect(gate.data.profile_filter.condition_groups[0].conditions[0].filter.operator).toBe("is-set");
    expect((await provider.read("workflow", old.id, ctx))!.spec).toEqual(oldRead.spec);
    await provider.retire("workflow", old.id, ctx);
    expect(fake.log.filter((r) => r.method === "PATCH" && r.path.startsWith("/api/flow-actions/"))).toHaveLength(1);
    expect(await provider.inFlight("workflow", old.id, ctx)).toBeUndefined();
    const draining = await provider.drain(old.id, ctx);
    expect(draining).toEqual({ closed: true, closedAt: new Date(closedAt).toISOString(), longestPathMs: 2 * DAY, drainedAt: new Date(closedAt + 2 * DAY).toISOString(), drained: false });

    // Apply 3, a day later: still draining, nothing is deleted.
    clock.t = closedAt + DAY;
    expect((await provider.drain(old.id, ctx)).drained).toBe(false);
    // And two days after closing: empty; the old flow goes.
    clock.t = closedAt + 2 * DAY;
    expect((await provider.drain(old.id, ctx)).drained).toBe(true);
    await provider.delete("workflow", old.id, ctx);
    expect(fake.account.flows.map((f) => f.id)).toContain(fresh.id);
    expect(fake.account.flows.map((f) => f.id)).not.toContain(old.id);
  });

  it("a flow made in Klaviyo's editor has no gate: retiring it is a manual step that says what to do", async () => {
    const { fake, provider } = await world();
    const e = await providerError(provider.retire("workflow", "FWelc1", ctx));
    expect(e.diagnostic.code).toBe("klaviyo/no-admission-gate");
    expect(e.diagnostic.hint).toMatch(/conditional split at the top/);
    expect(fake.log.filter((r) => r.method !== "GET")).toEqual([]);
    expect((await provider.drain("FWelc1", ctx))).toMatchObject({ closed: false, drained: false, longestPathMs: 3 * DAY });
  });
});
