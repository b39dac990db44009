/**
 * API calls and wall time to refresh 1,000 HubSpot workflows and 1,000 lists
 * (nock-served, so the time is client-side cost, not HubSpot's latency):
 *   1. listing only: the list endpoints, which hold no flow actions and no list filters
 *   2. Mops' refresh: listings + flows batch read + lists fetched with filters in batches
 *   3. one GET per resource (what a naive provider does), plus the listings to learn the ids
 * Run: npx tsx bench/hubspot-refresh.ts
 */
import nock from "nock";
import { createHubSpotProvider } from "../providers/hubspot";
import { createHubSpotClient } from "../providers/hubspot/client";
import type { CallContext } from "../src/provider/types";
import { BASE_URL, fakeHubSpot, loadAccount, type Account } from "../test/fixtures/hubspot/fake";

const N = 1000;
const TOKEN = "pat-na1-bench-0000-0000-000000000000";
const ctx: CallContext = { refs: { idOf: () => undefined, nameOf: () => undefined } };

function bigAccount(): Account {
  const base = loadAccount();
  const lists = Array.from({ length: N }, (_, i) => ({
    ...base.lists[1],
    listId: String(20_000 + i),
    name: `Segment ${i}`,
    filterBranch: {
      filterBranchType: "OR", filterBranchOperator: "OR", filters: [],
      filterBranches: [{ filterBranchType: "AND", filterBranchOperator: "AND", filterBranches: [], filters: [
        { filterType: "PROPERTY", property: "lifetime_value", operation: { operationType: "NUMBER", operator: "IS_GREATER_THAN", value: i, includeObjectsWithNoValueSet: false } },
      ] }],
    },
  }));
  const flows = Array.from({ length: N }, (_, i) => ({
    ...base.flows[0],
    id: String(100_000 + i),
    name: `Journey ${i}`,
    enrollmentCriteria: { ...base.flows[0].enrollmentCriteria, listFilterBranch: {
      filterBranchType: "OR", filterBranchOperator: "OR", filters: [],
      filterBranches: [{ filterBranchType: "AND", filterBranchOperator: "AND", filterBranches: [], filters: [{ filterType: "IN_LIST", listId: String(20_000 + i), operator: "IN_LIST" }] }],
    } },
  }));
  return { ...base, flows, lists };
}

const config = { type: "hubspot", url: BASE_URL, token: "${env:HUBSPOT_TOKEN}", rate_limit: 100_000, concurrency: 16 };
const env = { HUBSPOT_TOKEN: TOKEN };

/** Runs one refresh against a fresh account; `run` returns objects read and API calls made. */
async function measure(label: string, run: () => Promise<{ objects: number; calls: number }>) {
  const fake = fakeHubSpot({ token: TOKEN, pageSize: 500 }, bigAccount());
  const t0 = performance.now();
  const { objects, calls } = await run();
  const ms = performance.now() - t0;
  fake.stop();
  console.log(`${label.padEnd(58)} ${String(calls).padStart(5)} calls  ${ms.toFixed(0).padStart(6)} ms  (${objects} objects)`);
  return { calls, ms };
}

nock.disableNetConnect();
console.log(`Refreshing ${N} workflows + ${N} lists from a nock-served HubSpot account\n`);

const listing = await measure("1. listing only (no actions, no filters)", async () => {
  const client = createHubSpotClient({ config, env, baseDir: "." });
  const flows = await client.getAll("/automation/v4/flows");
  let lists = 0;
  for (let offset = 0, more = true; more; ) {
    const page = await client.post<{ lists: unknown[]; hasMore: boolean; offset: number }>("/crm/v3/lists/search", { query: "", offset, count: 500, processingTypes: ["DYNAMIC", "MANUAL", "SNAPSHOT"] });
    lists += page.lists.length;
    more = page.hasMore;
    offset = page.offset;
  }
  await client.close();
  return { objects: flows.length + lists, calls: client.requestCount };
});

const bulk = await measure("2. Mops refresh: listings + batch reads (full definitions)", async () => {
  const p = createHubSpotProvider({ config, env, baseDir: "." });
  // The engine refreshes in KINDS order: segments before the workflows that name them.
  const objects = (await p.list("segment", ctx)).length + (await p.list("workflow", ctx)).length;
  await p.close();
  return { objects, calls: p.requestCount! };
});

const naive = await measure("3. one GET per resource (+ the listings for the ids)", async () => {
  const p = createHubSpotProvider({ config, env, baseDir: "." });
  const listIds = (await p.list("segment", ctx)).map((l) => l.id);
  const flowIds = (await p.list("workflow", ctx)).map((f) => f.id);
  const before = p.requestCount!;
  let objects = 0;
  for (const id of flowIds) if (await p.read("workflow", id, ctx)) objects++;
  for (const id of listIds) if (await p.read("segment", id, ctx)) objects++;
  await p.close();
  // The per-resource GETs, plus the cheapest way to learn the ids (run 1's listings).
  return { objects, calls: p.requestCount! - before + listing.calls };
});

console.log(`\nMops refresh vs one GET per resource: ${bulk.calls} vs ${naive.calls} calls (${(naive.calls / bulk.calls).toFixed(1)}x fewer)`);
console.log(`Mops refresh vs listing only: ${bulk.calls} vs ${listing.calls} calls; the listings hold no actions or filters, so they cannot plan`);
console.log(`At HubSpot's Free/Starter burst limit (100 requests per 10 s): ${Math.ceil(bulk.calls / 10)} s vs ${Math.ceil(naive.calls / 10)} s`);
