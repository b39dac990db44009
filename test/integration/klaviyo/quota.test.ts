import { afterEach, describe, expect, it } from "vitest";
import { operationOf, quotaNeeds, quotas } from "../../../providers/klaviyo/quotas";
import { Pacer } from "../../../providers/klaviyo/pacer";
import type { Resource } from "../../../src/model";
import { providerError } from "../../helpers/errors";
import { VirtualClock, closeWorlds, ctx, world } from "./helpers";

afterEach(closeWorlds);
const segment = (i: number): Resource<"segment"> => ({ kind: "segment", name: `seg_${i}`, spec: { type: "dynamic", conditions: { property: "country", op: "eq", value: `C${i}` } } });
const posts = (log: { method: string; path: string }[]) => log.filter((r) => r.method === "POST" && r.path === "/api/segments").length;

describe("Klaviyo daily quotas", () => {
  it("stops cleanly at 100 segment creates a day with a klaviyo/daily-quota error, sends nothing more, and continues the next day", async () => {
    const { fake, clock, provider } = await world();
    for (let i = 0; i < 100; i++) await provider.create(segment(i), ctx);
    expect(fake.throttled).toEqual({});
    expect((await provider.quotas(ctx)).find((q) => q.operation === "segment-create")!.remainingToday).toBe(0);

    const e = await providerError(provider.create(segment(100), ctx));
    expect(e.diagnostic.code).toBe("klaviyo/daily-quota");
    expect(e.diagnostic.detail).toMatchObject({ quotaExhausted: true, operation: "segment-create", perDay: 100 });
    expect(e.retryable).toBe(false);
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
    const again = await providerError(provider.create(segment(4), ctx));
    expect(again.diagnostic.code).toBe("klaviyo/daily-quota");
    expect(posts(fake.log)).toBe(3);
  });

  it("tells the plan what an apply costs: minutes at 15 a minute, days past the daily cap", () => {
    const qs = quotas(new Pacer({ clock: new VirtualClock() }));
    expect(qs.map((q) => [q.name, q.perSecond, q.perMinute, q.perDay, q.remainingToday])).toEqual([
      ["flow creates", 1, 15, 100, 100],
      ["segment creates", 1, 15, 100, 100],
      ["segment updates", 1, 15, 100, 100],
      ["list creates", 10, 150, 150, 150],
    ]);
    const [flows] = quotaNeeds({ "flow-create": 37 }, qs);
    expect(flows!.words).toBe("37 flow creates: 15 per minute, 100 per day — this apply needs 3 minutes");
    expect(flows!.days).toBe(1);
    const [many] = quotaNeeds({ "flow-create": 130 }, qs);
    expect(many!.days).toBe(2);
    expect(many!.words).toMatch(/^130 flow creates: 15 per minute, 100 per day — 100 fit in what is left today, so this apply needs 2 days/);
    // Flow and segment creates share the XS windows, so each pays for the other's time.
    const both = quotaNeeds({ "flow-create": 15, "segment-create": 15 }, qs);
    expect(both.map((n) => n.words)).toEqual([
      "15 flow creates: 15 per minute, 100 per day — this apply needs 2 minutes (with the other XS-class writes)",
      "15 segment creates: 15 per minute, 100 per day — this apply needs 2 minutes (with the other XS-class writes)",
    ]);
  });

  it("counts a workflow replace as a flow create and a static segment as a list", () => {
    expect(operationOf("workflow", "replace")).toBe("flow-create");
    expect(operationOf("workflow", "update")).toBeUndefined();
    expect(operationOf("segment", "create", { type: "static" })).toBe("list-create");
    expect(operationOf("segment", "create", { type: "dynamic" })).toBe("segment-create");
    expect(operationOf("segment", "update", { type: "dynamic" })).toBe("segment-update");
    expect(operationOf("segment", "update", { type: "static" })).toBeUndefined();
  });
});
