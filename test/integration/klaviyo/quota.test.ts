import { afterEach, describe, expect, it } from "vitest";
import type { Resource } from "../../../src/model";
import { refreshAndPlan } from "../../../src/plan";
import { FakeBackend, stackOf } from "../../helpers/fakes";
import { providerError } from "../../helpers/errors";
import { closeWorlds, ctx, world } from "./helpers";

afterEach(closeWorlds);
const segment = (i: number): Resource<"segment"> => ({ kind: "segment", name: `seg_${i}`, spec: { type: "dynamic", conditions: { property: "country", op: "eq", value: `C${i}` } } });
const posts = (log: { method: string; path: string }[]) => log.filter((r) => r.method === "POST" && r.path === "/api/segments").length;

describe("Klaviyo daily quotas", () => {
  it("stops cleanly at 100 segment creates a day with a klaviyo/daily-quota error, sends nothing more, and continues the next day", async () => {
    const { fake, clock, provider } = await world();
    for (let i = 0; i < 100; i++) await provider.create(segment(i), ctx);
    expect(fake.throttled).toEqual({});
    expect((await provider.quotas(ctx)).find((q) => q.name === "segment creates")!.remainingToday).toBe(0);

    const e = await providerError(provider.create(segment(100), ctx));
    expect(e.diagnostic.code).toBe("klaviyo/daily-quota");
    expect(e.diagnostic.detail).toMatchObject({ quotaExhausted: true, operation: "segment-create", perDay: 100 });
    expect(e.retryable).toBe(false);
    // The engine's executor stops starting operations on this, and the run records a partial version.
    expect(e.stop).toBe("quota");
    expect(e.diagnostic.hint).toMatch(/apply again/);
    expect(posts(fake.log)).toBe(100);

    clock.t += 24 * 3_600_000;
    await provider.create(segment(100), ctx);
    expect(posts(fake.log)).toBe(101);
    expect(fake.throttled).toEqual({});
  });

  it("stops at Klaviyo's word when another integration spent part of the day: one refused request, then none", async () => {
    const { fake, provider } = await world({ daily: { "segment-create": 2 } });
    await provider.create(segment(1), ctx);
    await provider.create(segment(2), ctx);
    const e = await providerError(provider.create(segment(3), ctx));
    expect(e.diagnostic.code).toBe("klaviyo/daily-quota");
    expect(e.diagnostic.detail).toMatchObject({ quotaExhausted: true });
    expect(posts(fake.log)).toBe(3);
    expect(e.stop).toBe("quota");
    const again = await providerError(provider.create(segment(4), ctx));
    expect(again.diagnostic.code).toBe("klaviyo/daily-quota");
    expect(posts(fake.log)).toBe(3);
  });

  it("lists its four quotas, what this process has left of today, and the pace each shares", async () => {
    const { provider } = await world();
    await provider.create(segment(1), ctx);
    const qs = await provider.quotas(ctx);
    expect(qs.map((q) => [q.name, q.perSecond, q.perMinute, q.perDay, q.remainingToday, q.pace])).toEqual([
      ["flow creates", 1, 15, 100, 100, "XS"],
      ["segment creates", 1, 15, 100, 99, "XS"],
      ["segment updates", 1, 15, 100, 100, "XS"],
      ["list creates", 10, 150, 150, 150, "M"],
    ]);
  });

  it("the plan says what an apply costs: a static segment is a list create, segment and flow creates share one pace", async () => {
    const { provider } = await world();
    const lists = Array.from({ length: 3 }, (_, i): Resource<"segment"> => ({ kind: "segment", name: `list_${i}`, spec: { type: "static" } }));
    const desired = stackOf([...Array.from({ length: 37 }, (_, i) => segment(i)), ...lists]);
    const { plan } = await refreshAndPlan(provider, desired, await new FakeBackend().state.read());
    expect(plan.diagnostics.filter((d) => d.code === "plan/quota").map((d) => [d.severity, d.message])).toEqual([
      ["info", "37 segment creates: 15 per minute, 100 per day — this apply needs 3 minutes"],
    ]);
    // Three list creates fit in the first minute's window: nothing to wait for, so no note.
  });
});
