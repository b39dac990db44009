import { afterEach, describe, expect, it } from "vitest";
import { runSession, type SessionOptions } from "../../../src/apply";
import type { Resource, Stack } from "../../../src/model";
import type { EngineEvent } from "../../../src/plan";
import { FakeBackend, stackOf } from "../../helpers/fakes";
import { closeWorlds, world } from "./helpers";

/** Klaviyo through the engine's one apply path (runSession), on the fake's clock. */
afterEach(closeWorlds);
const DAY = 86_400_000;
const meta = { actor: "ann@example.com", command: "apply" as const };
const segment = (i: number): Resource<"segment"> => ({ kind: "segment", name: `seg_${i}`, spec: { type: "dynamic", conditions: { property: "country", op: "eq", value: `C${i}` } } });
const posts = (log: { method: string; path: string }[]) => log.filter((r) => r.method === "POST" && r.path === "/api/segments").length;

async function apply(w: Awaited<ReturnType<typeof world>>, b: FakeBackend, desired: Stack, opts: Partial<SessionOptions> = {}) {
  const events: EngineEvent[] = [];
  // One at a time: the virtual clock jumps to the end of any wait, so waits in parallel would scramble time.
  const r = await runSession({ provider: w.provider, backend: b, desired, meta, events: (e) => events.push(e), env: {}, concurrency: 1, ...opts });
  return { r, events };
}

describe("Klaviyo through the session", () => {
  it("a daily cap spent mid-apply stops the run cleanly with a partial version; the next day's apply continues", async () => {
    // Another integration spent most of today's segment creates: Klaviyo lets three more through.
    const w = await world({ daily: { "segment-create": 3 } });
    const b = new FakeBackend("northwind", "prod");
    const desired = stackOf(Array.from({ length: 6 }, (_, i) => segment(i)), "northwind", "prod");

    const first = await apply(w, b, desired);
    const run = first.r.applied!;
    expect(run.outcome).toBe("partial");
    expect(run.executed.stopped).toMatchObject({ code: "klaviyo/daily-quota", detail: { quotaExhausted: true } });
    expect(run.executed.counts).toMatchObject({ done: 3 });
    // One refused request told the client the day is spent: nothing more was sent.
    expect(posts(w.fake.log)).toBe(4);
    expect(Object.keys(b.stateValue.resources)).toHaveLength(3);
    expect(run.version).toMatchObject({ version: 1, outcome: "partial", summary: { add: 3 } });
    expect(b.stateValue.run).toBeUndefined();

    // The same day: the plan shows the rest, and an apply stops at once, recording nothing new.
    w.clock.t += 60_000;
    const again = await apply(w, b, desired);
    expect(again.r.plan!.changes.filter((c) => c.action === "create")).toHaveLength(3);
    expect(again.r.applied!.outcome).toBe("failed");
    expect(posts(w.fake.log)).toBe(4);

    // The next day: the rest is created, and a complete version is recorded.
    w.clock.t += DAY;
    const next = await apply(w, b, desired);
    expect(next.r.applied!.outcome).toBe("complete");
    expect(posts(w.fake.log)).toBe(7);
    expect(Object.keys(b.stateValue.resources).sort()).toEqual(desired.resources.map((r) => `segment.${r.name}`).sort());
    expect(b.versions.map((v) => [v.version, v.outcome, v.summary.add])).toEqual([[1, "partial", 3], [2, "failed", 0], [3, "complete", 3]]);
    expect(w.fake.account.segments.filter((s) => s.name.startsWith("seg_"))).toHaveLength(6);
  });
});
