import { afterEach, describe, expect, it } from "vitest";
import { SlidingWindow } from "../../../providers/klaviyo/pacer";
import { paceSeconds } from "../../../providers/klaviyo/quotas";
import { limitOf, RATE_CLASSES, type RateClassName } from "../../../providers/klaviyo/rates";
import { clientFor, closeWorlds, world } from "./helpers";

afterEach(closeWorlds);

/** Most sends in any span of `span` ms (what any fixed window of that length can see). */
function busiest(times: number[], span: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= span) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe("Klaviyo rate classes", () => {
  it.each(Object.keys(RATE_CLASSES) as RateClassName[])("%s: the sliding window never lets more than burst/s or steady/min through, and is no slower", (name) => {
    const rc = RATE_CLASSES[name];
    const w = new SlidingWindow(rc, 0);
    const n = rc.steady * 2 + rc.burst;
    const times = Array.from({ length: n }, () => w.reserve(0));
    expect(busiest(times, 1_000)).toBe(rc.burst);
    expect(busiest(times, 60_000)).toBe(rc.steady);
    // Exactly the bound: the first minute's allowance goes at burst pace, the next starts one minute after the first send.
    expect(times[rc.steady - 1]).toBe(Math.floor((rc.steady - 1) / rc.burst) * 1_000);
    expect(times[rc.steady]).toBe(60_000);
  });

  it("maps each endpoint Mops calls to the class and daily cap of Klaviyo's spec", () => {
    const c = (m: string, p: string) => [limitOf(m, p).rateClass.name, limitOf(m, p).daily?.perDay];
    expect(c("POST", "/api/flows")).toEqual(["XS", 100]);
    expect(c("GET", "/api/flows")).toEqual(["S", undefined]);
    expect(c("PATCH", "/api/flows/F1")).toEqual(["S", undefined]);
    expect(c("PATCH", "/api/flow-actions/A1")).toEqual(["S", undefined]);
    expect(c("POST", "/api/segments")).toEqual(["XS", 100]);
    expect(c("PATCH", "/api/segments/S1")).toEqual(["XS", 100]);
    expect(c("DELETE", "/api/segments/S1")).toEqual(["S", undefined]);
    expect(c("GET", "/api/segments")).toEqual(["L", undefined]);
    expect(c("POST", "/api/lists")).toEqual(["M", 150]);
    expect(c("GET", "/api/metrics")).toEqual(["M", undefined]);
    expect(c("GET", "/api/templates?page[size]=10")).toEqual(["L", undefined]);
    expect(c("POST", "/api/tags/t1/relationships/flows")).toEqual(["S", undefined]);
    // An endpoint Mops does not know gets the strictest class.
    expect(c("GET", "/api/campaigns")).toEqual(["XS", undefined]);
  });

  it.each([
    ["XS", "POST", "/api/segments", 20],
    ["S", "GET", "/api/tags", 70],
    ["M", "GET", "/api/metrics", 160],
    ["L", "GET", "/api/templates", 160],
  ] as const)("%s: %s %s past its burst or minute allowance gets no 429 from a fake that enforces Klaviyo's windows", async (name, method, path, n) => {
    const { fake, clock } = await world();
    const c = clientFor(fake.url, clock);
    const t0 = clock.now();
    for (let i = 0; i < n; i++) {
      await c.request({ method, path, params: method === "GET" ? { "page[size]": path === "/api/metrics" ? undefined : 10 } : undefined, data: method === "POST" ? { data: { type: "segment", attributes: { name: `s${i}`, definition: { condition_groups: [{ conditions: [{ type: "profile-property", property: "x", filter: { type: "existence", operator: "is-set" } }] }] } } } } : undefined });
    }
    expect(fake.throttled).toEqual({});
    expect(fake.served[name]).toBe(n);
    // No faster than the class allows, and no slower than its exact pace (plus the 25 ms margins).
    const bound = paceSeconds(RATE_CLASSES[name], n) * 1_000;
    expect(clock.now() - t0).toBeGreaterThanOrEqual(bound);
    expect(clock.now() - t0).toBeLessThanOrEqual(bound + 25 * n);
  });

  it("waits Retry-After on a 429 (another integration spent the window) and then succeeds", async () => {
    const { fake, clock } = await world();
    fake.inject((r) => r.path === "/api/tags", { status: 429, body: { errors: [{ id: "1", code: "throttled", title: "Throttled", detail: "Request was throttled. Expected available in 3 seconds." }] }, headers: { "retry-after": "3" } });
    const t0 = clock.now();
    await clientFor(fake.url, clock).get("/api/tags");
    expect(fake.log.filter((r) => r.path === "/api/tags").map((r) => r.status)).toEqual([429, 200]);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(3_000);
  });

  it("two clients on one account: the one that meets a spent window waits it out", async () => {
    const { fake, clock } = await world();
    const other = clientFor(fake.url, clock);
    const mine = clientFor(fake.url, clock);
    const body = (n: string) => ({ data: { type: "list", attributes: { name: n } } });
    for (let i = 0; i < 10; i++) await other.post("/api/lists", body(`o${i}`));
    await mine.post("/api/lists", body("mine"));
    expect(fake.throttled.M).toBe(1);
    expect(fake.account.lists.some((l) => l.name === "mine")).toBe(true);
  });
});
