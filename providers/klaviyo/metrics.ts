import type { CallContext } from "../../src/provider/types";
import type { KlaviyoEnv } from "./kind";

/**
 * Metrics are Klaviyo's event types: read-only (Klaviyo makes one when the
 * first event of a name arrives). Event triggers and event conditions name
 * them; the stack says the name, the API wants the id.
 */
export async function loadMetrics(env: KlaviyoEnv, ctx: CallContext): Promise<void> {
  // The metrics endpoint pages by cursor only (200 a page) and takes no page[size].
  const { data } = await env.client.getAll<{ name: string }>("/api/metrics", {}, undefined, ctx.signal);
  env.names.metrics.clear();
  for (const m of data) env.names.metrics.set(m.id, m.attributes.name);
  env.names.markLoaded("metrics");
}
