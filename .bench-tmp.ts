import { startSandboxServer } from "./providers/sandbox/server";
const s = await startSandboxServer({ env: {} });
const segs = Array.from({ length: 10_000 }, (_, i) => ({ name: `seg_${i}`, type: "dynamic", description: "A segment", conditions: { all: [{ property: "plan", op: "eq", value: "pro" }, { event: "opened_email", at_least: 1, within: "30d" }] }, tags: ["a", "b"] }));
await fetch(s.url + "/_admin/seed", { method: "POST", body: JSON.stringify({ segments: segs }) }).then((r) => r.text());
for (const limit of [500, 100]) {
  const before = s.stats().serverMs;
  let cursor: string | undefined; let n = 0, pages = 0;
  const t = performance.now();
  do { const r: any = await fetch(`${s.url}/v1/segments?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`).then((x) => x.json()); n += r.results.length; pages++; cursor = r.paging.next?.cursor; } while (cursor);
  console.log(`limit ${limit}: ${n} objects, ${pages} pages, server ${(s.stats().serverMs - before).toFixed(1)} ms, wall ${(performance.now() - t).toFixed(0)} ms`);
}
await s.close();
