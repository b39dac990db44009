/**
 * API calls and wall time to refresh a large Braze workspace from the fake
 * (on 127.0.0.1, so the time is client and fake cost, not Braze's latency),
 * then to refresh it again after one Canvas was edited: Braze has no bulk
 * details call, so the first refresh reads each Canvas, campaign, template
 * and Content Block once; the second reads again only what was edited
 * (segments, whose listing has no edit time, are read every time). Then the
 * checks `mops audit` runs over what was read.
 * Run: npx tsx bench/braze-refresh.ts
 */
import { analyze } from "../src/analysis";
import { liveStack } from "../src/cli/audit";
import { KINDS } from "../src/model";
import { refresh } from "../src/plan";
import { createBrazeProvider } from "../providers/braze";
import { loadAccount, startFakeBraze, type BrazeAccount } from "../test/fixtures/braze/fake";

const CANVASES = 1000, CAMPAIGNS = 500, TEMPLATES = 500, BLOCKS = 200, SEGMENTS = 500;
const KEY = "braze-bench-key-000000";

function bigAccount(): BrazeAccount {
  const base = loadAccount();
  const [canvas] = base.canvases, [campaign] = base.campaigns, [template] = base.email_templates, [block] = base.content_blocks, [segment] = base.segments;
  const n = (i: number) => String(i).padStart(12, "0");
  return {
    ...base,
    canvases: Array.from({ length: CANVASES }, (_, i) => ({ ...canvas, id: `c-${n(i)}`, details: { ...canvas!.details, name: `Journey ${i}` } })),
    campaigns: Array.from({ length: CAMPAIGNS }, (_, i) => ({ ...campaign, id: `k-${n(i)}`, details: { ...campaign!.details, name: `Campaign ${i}` } })),
    email_templates: Array.from({ length: TEMPLATES }, (_, i) => ({ ...template, email_template_id: `t-${n(i)}`, template_name: `Template ${i}` })),
    content_blocks: Array.from({ length: BLOCKS }, (_, i) => ({ ...block, content_block_id: `b-${n(i)}`, name: `block_${i}` })),
    segments: Array.from({ length: SEGMENTS }, (_, i) => ({ ...segment, id: `s-${n(i)}`, details: { ...segment!.details, name: `Segment ${i}` } })),
  };
}

const fake = await startFakeBraze({ key: KEY, account: bigAccount() });
const provider = createBrazeProvider({ config: { type: "braze", url: fake.url, token: "${env:BRAZE_API_KEY}" }, env: { BRAZE_API_KEY: KEY }, baseDir: process.cwd() });
const kinds = KINDS.filter((k) => provider.capabilities[k]?.read);
const run = async (label: string) => {
  const t0 = performance.now();
  const { live, requests } = await refresh(provider, kinds, {});
  console.log(`${label}: ${live.length} live objects, ${requests} requests, ${Math.round(performance.now() - t0)} ms`);
  return live;
};
console.log(`workspace: ${CANVASES} Canvases, ${CAMPAIGNS} campaigns, ${TEMPLATES} email templates, ${BLOCKS} Content Blocks, ${SEGMENTS} segments`);
await run("first refresh");
fake.account.canvases[0]!.last_edited = "2026-04-01T00:00:00Z";
const live = await run("second refresh, one Canvas edited");
const t0 = performance.now();
const stack = liveStack({ name: "bench", environment: "braze_prod", environments: { braze_prod: { provider: { type: "braze" } } }, resources: [] }, live);
const findings = analyze(stack);
console.log(`audit checks: ${stack.resources.length} resources, ${findings.length} findings, ${Math.round(performance.now() - t0)} ms`);
await provider.close();
await fake.close();
