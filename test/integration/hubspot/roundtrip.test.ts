import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KINDS, type Resource } from "../../../src/model";
import type { LiveObject } from "../../../src/provider/types";
import { address } from "../../../src/model";
import { refreshAndPlan } from "../../../src/plan";
import type { State } from "../../../src/state/types";
import { emitStackYaml } from "../../../src/stack/emit";
import { loadStack } from "../../../src/stack";
import { fakeHubSpot, type FakeHubSpot } from "../../fixtures/hubspot/fake";
import { ctx, offline, provider, TOKEN } from "./helpers";

describe("HubSpot import round trip", () => {
  let fake: FakeHubSpot;
  let dir: string;
  beforeEach(() => {
    offline();
    fake = fakeHubSpot({ token: TOKEN, pageSize: 4 });
    dir = mkdtempSync(join(tmpdir(), "mops-hs-import-"));
  });
  afterEach(() => {
    fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the account, writes YAML, loads it back, and normalize() of every resource equals the live spec", async () => {
    const p = provider();
    const live: LiveObject[] = [];
    for (const kind of KINDS) if (p.capabilities[kind]?.read) live.push(...(await p.list(kind, ctx)));
    const counts = Object.fromEntries(KINDS.map((k) => [k, live.filter((o) => o.kind === k).length]));
    expect(counts).toEqual({ property: 10, event: 3, subscription_type: 4, team: 2, role: 4, user: 5, template: 10, segment: 10, frequency_cap: 0, workflow: 10 });

    const resources = live.map((o) => ({ kind: o.kind, name: o.name, spec: o.spec }) as Resource);
    const files = emitStackYaml({ name: "northwind", resources }, { source: "HubSpot (test account)" });
    for (const f of files) writeFileSync(join(dir, f.path), f.text);
    const loaded = await loadStack(dir, { env: {} });
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const back = loaded.value!.stack.resources;
    expect(back).toHaveLength(resources.length);
    for (const r of back) {
      const l = live.find((o) => o.kind === r.kind && o.name === r.name)!;
      expect(p.normalize!(r).spec, `${r.kind}.${r.name}`).toEqual(l.spec);
    }
    const yaml = files.map((f) => f.text).join("\n");
    expect(yaml).not.toContain(TOKEN);

    // What `mops import` records, then a plan from a fresh provider: nothing to do.
    const state: State = {
      lineage: "l-1", serial: 1, stack: "northwind", environment: loaded.value!.stack.environment,
      resources: Object.fromEntries(live.map((o) => [address(o.kind, o.name), {
        address: address(o.kind, o.name), kind: o.kind, name: o.name, id: o.id, attributes: o.spec, version: o.version, origin: "imported" as const, updatedAt: "2026-11-25T00:00:00Z",
      }])),
    };
    const fresh = provider();
    const { plan } = await refreshAndPlan(fresh, loaded.value!.stack, state);
    expect(plan.changes.filter((c) => c.action !== "noop")).toEqual([]);
    expect(plan.summary).toMatchObject({ add: 0, change: 0, replace: 0, destroy: 0, manual: 0, drifted: 0 });
    expect(JSON.stringify(plan)).not.toContain(TOKEN);

    // Without state, nothing is taken over unless asked; `mops import` asks, and adopts every live object as it is.
    const refused = (await refreshAndPlan(provider(), loaded.value!.stack, { ...state, resources: {} })).plan;
    expect(new Set(refused.diagnostics.filter((d) => d.severity === "error").map((d) => d.code))).toEqual(new Set(["plan/name-taken"]));
    const adopted = (await refreshAndPlan(provider(), loaded.value!.stack, { ...state, resources: {} }, { request: { importAll: true } })).plan;
    expect(adopted.changes.every((c) => c.action === "adopt" && !c.attributes?.length)).toBe(true);
    await Promise.all([p.close(), fresh.close()]);
  });
});
