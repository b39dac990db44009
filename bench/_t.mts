import { loadStack } from "../src/stack/index";
import { AnalysisContext } from "../src/analysis/context";
import * as caps from "../src/analysis/rules/caps";
import { conflicts } from "../src/analysis/rules/conflict";
import { consent } from "../src/analysis/rules/consent";
import * as j from "../src/analysis/rules/journey";
import { mergeFields } from "../src/analysis/rules/merge";
const r = await loadStack("stacks/northwind-outfitters", { env: { HUBSPOT_TOKEN: "x", HUBSPOT_STAGING_TOKEN: "x", MOPS_STATE_DATABASE_URL: "x" } });
const ctx = new AnalysisContext(r.value!.stack, r.value!.sources, "sandbox", Date.now());
for (const [n, w] of ctx.workflows) { const t = performance.now(); const d = ctx.solver.audience(n, w); console.log(n, Array.isArray(d) ? d.length : d.message, (performance.now() - t).toFixed(0)); }
for (const [name, rule] of Object.entries({ conflicts, capBudget: caps.capBudget, consent, mergeFields, goals: j.unreachableGoals })) {
  const t = performance.now(); rule(ctx); console.log(name, (performance.now() - t).toFixed(0), "ms");
}
