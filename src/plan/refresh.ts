import { KINDS, type Kind, type Stack } from "../model";
import { references } from "../model/refs";
import type { Capabilities, LiveObject, Provider, RefResolver } from "../provider";
import type { State } from "../state/types";
import type { EventSink } from "./events";
import { MutableRefs } from "./resolver";

export interface RefreshResult {
  live: LiveObject[];
  refs: MutableRefs;
  /** HTTP requests the provider made, when it counts them. */
  requests?: number;
  ms: number;
}

/** Kinds worth reading: declared or in state, and readable on this platform. */
export function kindsToRefresh(capabilities: Capabilities, desired?: Stack, state?: State): Kind[] {
  const used = new Set<Kind>([
    ...(desired?.resources ?? []).map((r) => r.kind),
    ...Object.values(state?.resources ?? {}).map((r) => r.kind),
  ]);
  return KINDS.filter((k) => used.has(k) && capabilities[k]?.read);
}

/**
 * One bulk `list` per kind, in dependency order, so that when workflows are
 * normalised the ids of the segments and templates they name are already known
 * (from state, or from the kinds listed before). A kind whose objects named an
 * id that only a later list revealed (a segment inside a segment, a cap
 * exempting a workflow, objects Mops does not manage yet) is listed once more.
 */
export async function refresh(
  provider: Provider,
  kinds: readonly Kind[],
  ctx: { state?: State; events?: EventSink; signal?: AbortSignal },
): Promise<RefreshResult> {
  const t0 = Date.now();
  const before = provider.requestCount;
  ctx.events?.({ type: "refresh-start", kinds: [...kinds] });
  const refs = MutableRefs.from(ctx.state);
  const byKind = new Map<Kind, LiveObject[]>();
  const missed = new Map<Kind, { kind: Kind; id: string }[]>();
  const listKind = async (k: Kind) => {
    const misses: { kind: Kind; id: string }[] = [];
    const recording: RefResolver = {
      idOf: (kind, name) => refs.idOf(kind, name),
      nameOf: (kind, id) => {
        const n = refs.nameOf(kind, id);
        if (n === undefined) misses.push({ kind, id });
        return n;
      },
    };
    const objs = await provider.list(k, { refs: recording, signal: ctx.signal });
    for (const o of objs) refs.set(o.kind, o.name, o.id);
    byKind.set(k, objs);
    // Only a miss that left an id standing in a spec's reference matters: a provider asking the name of an
    // object it is itself mapping (its own id) must not cost a second list.
    const standing = new Set(objs.flatMap((o) => [...references(o.kind, o.spec)].map((r) => `${r.kind}\0${r.name}`)));
    missed.set(k, misses.filter((m) => standing.has(`${m.kind}\0${m.id}`)));
  };
  const ordered = KINDS.filter((x) => kinds.includes(x));
  for (const k of ordered) await listKind(k);
  for (const k of ordered) {
    if (missed.get(k)!.some((m) => refs.nameOf(m.kind, m.id) !== undefined)) await listKind(k);
  }
  const live = ordered.flatMap((k) => byKind.get(k)!);
  const requests = before !== undefined && provider.requestCount !== undefined ? provider.requestCount - before : undefined;
  const ms = Date.now() - t0;
  ctx.events?.({ type: "refresh-done", objects: live.length, requests, ms });
  return { live, refs, requests, ms };
}
