import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { address, KINDS, type Resource } from "../../../src/model";
import type { LiveObject } from "../../../src/provider/types";
import { refreshAndPlan } from "../../../src/plan";
import type { State } from "../../../src/state/types";
import { emitStackYaml } from "../../../src/stack/emit";
import { loadStack } from "../../../src/stack";
import { ctx, setup, TOKEN } from "./helpers";

describe("Klaviyo import round trip", () => {
  let dir: string;
  let teardown: () => Promise<void>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "mops-kl-import-"));
  });
  afterEach(async () => {
    await teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the account, writes YAML, loads it back, and normalize() of every resource equals the live spec; a plan is then empty", async () => {
    const { fake, provider, make } = await setup({ maxPage: 2 });
    const fresh = make();
    teardown = async () => {
      await Promise.all([provider.close(), fresh.close()]);
      await fake.close();
    };
    const live: LiveObject[] = [];
    for (const kind of KINDS) if (provider.capabilities[kind]?.read) live.push(...(await provider.list(kind, ctx)));
    const counts = Object.fromEntries(KINDS.map((k) => [k, live.filter((o) => o.kind === k).length]));
    // Archived flows and drag-and-drop templates are not listed; properties are those segments and flows use.
    expect(counts).toEqual({ property: 6, event: 0, subscription_type: 3, team: 0, role: 0, user: 0, template: 7, segment: 7, frequency_cap: 0, workflow: 3 });

    const resources = live.map((o) => ({ kind: o.kind, name: o.name, spec: o.spec }) as Resource);
    const files = emitStackYaml({ name: "northwind", resources }, { source: "Klaviyo (test account)" });
    for (const f of files) writeFileSync(join(dir, f.path), f.text);
    const loaded = await loadStack(dir, { env: {} });
    expect(loaded.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const back = loaded.value!.stack.resources;
    expect(back).toHaveLength(resources.length);
    for (const r of back) {
      const l = live.find((o) => o.kind === r.kind && o.name === r.name)!;
      expect(provider.normalize!(r).spec, `${r.kind}.${r.name}`).toEqual(l.spec);
      // normalize is a fixed point: what Klaviyo would hold, read back, maps to itself.
      expect(provider.normalize!(provider.normalize!(r)).spec).toEqual(l.spec);
    }
    expect(files.map((f) => f.text).join("\n")).not.toContain(TOKEN);

    const state: State = {
      lineage: "l-1", serial: 1, stack: "northwind", environment: loaded.value!.stack.environment,
      resources: Object.fromEntries(live.map((o) => [address(o.kind, o.name), {
        address: address(o.kind, o.name), kind: o.kind, name: o.name, id: o.id, attributes: o.spec, version: o.version, origin: "imported" as const, updatedAt: "2026-12-01T00:00:00Z",
      }])),
    };
    const { plan } = await refreshAndPlan(fresh, loaded.value!.stack, state);
    expect(plan.changes.filter((c) => c.action !== "noop")).toEqual([]);
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(JSON.stringify(plan)).not.toContain(TOKEN);
    // Every request carried the pinned revision and the key, and no write was made.
    expect(new Set(fake.log.map((r) => r.headers.revision))).toEqual(new Set(["2026-07-15"]));
    expect(fake.log.filter((r) => r.method !== "GET")).toEqual([]);
  });
});
