import type * as pulumi from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { address, canonicalJson, type Kind, type Resource } from "../model";
import type { LiveObject, Provider } from "../provider/types";
import { checkInputs, type CheckFailure } from "./check";
import { contextFor, platformCall, platformFor } from "./platform";
import { loadProvider } from "../provider/registry";
import type { MopsInputs, MopsOutputs } from "./types";

/** Pulumi's `dynamic.ResourceProvider`, with every function present and the results Mops always gives. */
export interface MopsResourceProvider<K extends Kind> extends pulumi.dynamic.ResourceProvider<MopsInputs<K>, MopsOutputs<K>> {
  check(olds: MopsInputs<K>, news: MopsInputs<K>): Promise<{ inputs: MopsInputs<K>; failures?: CheckFailure[] }>;
  diff(id: string, olds: MopsOutputs<K>, news: MopsInputs<K>): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(inputs: MopsInputs<K>): Promise<{ id: string; outs: MopsOutputs<K> }>;
  read(id: string, props?: MopsOutputs<K>): Promise<{ id?: string; props?: MopsOutputs<K> }>;
  update(id: string, olds: MopsOutputs<K>, news: MopsInputs<K>): Promise<{ outs: MopsOutputs<K> }>;
  delete(id: string, props: MopsOutputs<K>): Promise<void>;
}

/**
 * The Pulumi dynamic provider for one kind, backed by the same adapter
 * (`createProvider`) as `mops plan` / `mops apply`: Pulumi's engine keeps the
 * state, Mops' adapters talk to the platform.
 */
export function resourceProvider<K extends Kind>(kind: K): MopsResourceProvider<K> {
  const resourceOf = (i: MopsInputs<K>): Resource => ({ kind, name: i.name, spec: i.spec }) as Resource;

  const outputsOf = (inputs: MopsInputs<K>, live: LiveObject): MopsOutputs<K> => {
    // Pulumi stores outputs as JSON: a missing version must be absent, not undefined.
    const outs: MopsOutputs<K> = { provider: inputs.provider, name: live.name, spec: live.spec as MopsInputs<K>["spec"] };
    if (live.version !== undefined) outs.version = live.version;
    return outs;
  };

  const needs = (provider: Provider, op: "create" | "update" | "delete", name: string) => {
    const cap = provider.capabilities[kind];
    if (cap && cap[op] !== "api") {
      throw new Error(`${address(kind, name)}: ${provider.name} cannot ${op} a ${kind} through its API${cap.note ? `: ${cap.note}` : ""}`);
    }
  };

  return {
    async check(_olds, news) {
      // Values Pulumi has not computed yet (a preview) cannot be validated; `up` checks again once they are known.
      if (holdsUnknown(news)) return { inputs: news };
      if (typeof news.provider?.type === "string") await loadProvider(news.provider.type);
      const failures = checkInputs(kind, news as unknown as Record<string, unknown>);
      return failures.length ? { inputs: news, failures } : { inputs: news };
    },

    async diff(_id, olds, news) {
      if (holdsUnknown(news)) return { changes: true, replaces: [], deleteBeforeReplace: false };
      const provider = await platformFor(news.provider);
      const desired = provider.normalize?.(resourceOf(news)) ?? resourceOf(news);
      const changed = changedKeys(olds.spec as Record<string, unknown>, desired.spec as Record<string, unknown>).map((k) => `spec.${k}`);
      if (olds.name !== news.name) changed.push("name");
      // Another platform (type, url, data directory) holds other objects: the resource must be made there anew.
      const moved = canonicalJson(olds.provider) !== canonicalJson(news.provider);
      if (moved) changed.push("provider");
      const replaceOn = new Set((provider.capabilities[kind]?.replaceOn ?? []).map((k) => `spec.${k}`));
      const replaces = changed.filter((p) => p === "provider" || replaceOn.has(p));
      return {
        changes: changed.length > 0,
        replaces,
        // Platform names are unique: the old object must go before its replacement can take the name.
        deleteBeforeReplace: replaces.length > 0,
      };
    },

    async create(inputs) {
      const provider = await platformFor(inputs.provider);
      needs(provider, "create", inputs.name);
      const resource = resourceOf(inputs);
      const live = await platformCall(async () => provider.create(resource, await contextFor(provider, [resource])));
      return { id: live.id, outs: outputsOf(inputs, live) };
    },

    async read(id, props) {
      // Pulumi passes the stored outputs; without them (an import by id) the platform to read from is unknown.
      if (!props) throw new Error(`${kind} ${id}: reading needs the resource's \`provider\` from Pulumi state; importing by id alone is not supported`);
      const provider = await platformFor(props.provider);
      const live = await platformCall(async () => provider.read(kind, id, await contextFor(provider, [resourceOf(props)])));
      // No id tells Pulumi the object is gone (deleted outside Pulumi): refresh drops it, `up` recreates it.
      return live ? { id: live.id, props: outputsOf(props, live) } : {};
    },

    async update(id, olds, news) {
      const provider = await platformFor(news.provider);
      needs(provider, "update", news.name);
      const resource = resourceOf(news);
      const live = await platformCall(async () => {
        const ctx = await contextFor(provider, [resource]);
        const current = await provider.read(kind, id, ctx);
        if (!current) throw new Error(`${address(kind, olds.name)} (${id}) no longer exists on ${provider.name}: run \`pulumi refresh\`, then \`pulumi up\` recreates it`);
        return provider.update(resource, current, ctx);
      });
      return { outs: outputsOf(news, live) };
    },

    async delete(id, props) {
      const provider = await platformFor(props.provider);
      needs(provider, "delete", props.name);
      await platformCall(async () => provider.delete(kind, id, await contextFor(provider, [])));
    },
  };
}

/** Top-level spec keys whose values differ (absent and undefined are the same). */
function changedKeys(olds: Record<string, unknown> | undefined, news: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(olds ?? {}), ...Object.keys(news)]);
  return [...keys].filter((k) => canonicalJson(olds?.[k]) !== canonicalJson(news[k])).sort();
}

function holdsUnknown(v: unknown): boolean {
  if (v === unknownValue) return true;
  if (Array.isArray(v)) return v.some(holdsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(holdsUnknown);
  return false;
}
