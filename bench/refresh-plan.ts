/**
 * Refresh + plan at scale: a sandbox server holding N resources that Mops
 * already manages (state and stack match), so the plan is all no-ops and the
 * figures are the cost of reading and comparing. Prints API calls and wall time.
 *
 *   npx tsx bench/refresh-plan.ts [N ...]     (default: 1000 10000)
 */
import { randomUUID } from "node:crypto";
import axios from "axios";
import { address, type Kind, type Resource } from "../src/model";
import { makePlan, refresh } from "../src/plan";
import type { State } from "../src/state/types";
import { createSandboxProvider } from "../providers/sandbox";
import { mapRefs } from "../providers/sandbox/refs";
import { startSandboxServer } from "../providers/sandbox/server";

function resources(n: number): Resource[] {
  const t = Math.round(n * 0.3), s = Math.round(n * 0.3), w = n - t - s;
  const out: Resource[] = [];
  for (let i = 0; i < t; i++) out.push({ kind: "template", name: `t${i}`, spec: { channel: "email", subject: `Hello ${i}`, body: `Hi {{ first_name | default: "there" }},\nmessage ${i}.\n` } });
  for (let i = 0; i < s; i++) out.push({ kind: "segment", name: `s${i}`, spec: { type: "dynamic", conditions: { property: "score", op: "gte", value: i } } });
  for (let i = 0; i < w; i++) {
    out.push({
      kind: "workflow", name: `w${i}`,
      spec: {
        status: "active", trigger: { type: "segment_entry", segment: `s${i % s}` },
        steps: [{ type: "wait", duration: "1d" }, { type: "send", channel: "email", template: `t${i % t}` }],
      },
    });
  }
  return out;
}

const KEY: Partial<Record<Kind, string>> = { template: "templates", segment: "segments", workflow: "workflows" };

async function bench(n: number): Promise<void> {
  const server = await startSandboxServer({});
  const provider = await createSandboxProvider({ config: { type: "sandbox", url: server.url }, stack: "bench", environment: "bench", baseDir: process.cwd(), env: {} });
  try {
    const rs = resources(n);
    const seed = (kinds: Kind[], ids: Map<string, string>) =>
      axios.post(`${server.url}/_admin/seed`, Object.fromEntries(kinds.map((k) => [
        KEY[k], rs.filter((r) => r.kind === k).map((r) => ({ name: r.name, ...mapRefs(k, r.spec, (rk, v) => ids.get(address(rk, v)) ?? v) })),
      ])), { maxBodyLength: Infinity, maxContentLength: Infinity });
    await seed(["template", "segment"], new Map());
    const first = await refresh(provider, ["template", "segment"], {});
    await seed(["workflow"], new Map(first.live.map((o) => [address(o.kind, o.name), o.id])));

    // Mops manages all of it: state from a first (untimed) read.
    const all = await refresh(provider, ["template", "segment", "workflow"], {});
    const state: State = { lineage: randomUUID(), serial: n, stack: "bench", environment: "bench", resources: {} };
    for (const o of all.live) {
      const a = address(o.kind, o.name);
      state.resources[a] = { address: a, kind: o.kind, name: o.name, id: o.id, attributes: o.spec, version: o.version, origin: "created", updatedAt: "t" };
    }
    const desired = { name: "bench", environment: "bench", environments: {}, resources: rs };

    const before = server.stats().total;
    const t0 = performance.now();
    const r = await refresh(provider, ["template", "segment", "workflow"], { state });
    const tRefresh = performance.now() - t0;
    const calls = server.stats().total - before;
    const t1 = performance.now();
    const plan = makePlan({ desired, state, live: r.live, provider, refreshed: ["template", "segment", "workflow"] });
    const tPlan = performance.now() - t1;
    const acting = plan.changes.filter((c) => c.action !== "noop").length;
    console.log(
      `${String(n).padStart(6)} resources | refresh: ${String(calls).padStart(3)} API calls, ${tRefresh.toFixed(0).padStart(5)} ms | ` +
        `plan (compare): ${tPlan.toFixed(0).padStart(4)} ms | refresh+plan: ${(tRefresh + tPlan).toFixed(0)} ms | ${r.live.length} live objects, ${acting} changes`,
    );
  } finally {
    await provider.close();
    await server.close();
  }
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
for (const n of sizes.length ? sizes : [1000, 10000]) await bench(n);
