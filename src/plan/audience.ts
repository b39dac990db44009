import { address, type SegmentSpec, type Stack, type WorkflowSpec } from "../model";
import { ProviderError, type AudienceEstimate, type CallContext, type Provider } from "../provider";
import type { Plan, PlanAudience } from "./types";

/**
 * Blast radius: for every created or changed segment and workflow, how many
 * contacts it reaches as the platform counts them. A segment: its size under
 * the proposed conditions, and who would enter and leave (where the platform
 * can evaluate conditions, like the sandbox); only its current size where it
 * can just count (HubSpot list `size`). A workflow: the audience of the
 * segment that triggers it. Nothing where the platform does not say: the
 * plan then shows "unknown", never a guess.
 */
export async function blastRadius(provider: Provider, plan: Plan, desired: Stack, ctx: CallContext): Promise<Record<string, PlanAudience>> {
  const byAddr = new Map(desired.resources.map((r) => [address(r.kind, r.name), r]));
  const changed = plan.changes.filter((c) => c.action === "create" || c.action === "update" || c.action === "replace");
  const segments = new Map<string, Promise<AudienceEstimate>>();
  const segment = (name: string): Promise<AudienceEstimate> => {
    const addr = address("segment", name);
    let p = segments.get(addr);
    if (!p) {
      const change = changed.find((c) => c.address === addr);
      const spec = byAddr.get(addr)?.spec as SegmentSpec | undefined;
      // A segment the plan changes is measured as it will be (against the live one, even one being replaced); any other as it is.
      p = measure(provider, { id: ctx.refs.idOf("segment", name), ...(change && spec ? { proposed: spec } : {}) }, ctx);
      segments.set(addr, p);
    }
    return p;
  };
  const out: Record<string, PlanAudience> = {};
  for (const c of changed) {
    if (c.kind === "segment") out[c.address] = await segment(c.name);
    if (c.kind === "workflow") {
      const t = (byAddr.get(c.address)?.spec as WorkflowSpec | undefined)?.trigger;
      if (t?.type === "segment_entry") out[c.address] = { ...(await segment(t.segment)), via: address("segment", t.segment) };
      else if (t) out[c.address] = { trigger: t.type };
    }
  }
  return out;
}

async function measure(provider: Provider, q: { id?: string; proposed?: SegmentSpec }, ctx: CallContext): Promise<AudienceEstimate> {
  try {
    if (provider.audience) return (await provider.audience(q, ctx)) ?? {};
    if (provider.segmentSize && q.id !== undefined) {
      const size = await provider.segmentSize(q.id, ctx);
      return size === undefined ? {} : { size };
    }
  } catch (e) {
    // A platform that will not count is an unknown audience, not a failed plan.
    if (!(e instanceof ProviderError)) throw e;
  }
  return {};
}
