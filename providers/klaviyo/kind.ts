import { error, type Diagnostic } from "../../src/diagnostics";
import type { Kind, Resource } from "../../src/model";
import { refuseOnErrors as refuseAll } from "../../src/provider/refusals";
import { ProviderError, type CallContext, type LiveObject } from "../../src/provider/types";

export { orUndefined } from "../../src/provider/refusals";
import type { KlaviyoClient } from "./client";
import type { Issues, Refs } from "./mapping";
import type { NameCache } from "./names";

/** What every kind module gets: the client and the id <-> name cache. */
export interface KlaviyoEnv {
  client: KlaviyoClient;
  names: NameCache;
}

/** One kind's mapping and calls; the provider dispatches to these by kind. */
export interface KindOps<K extends Kind> {
  list(env: KlaviyoEnv, ctx: CallContext): Promise<LiveObject<K>[]>;
  read(env: KlaviyoEnv, id: string, ctx: CallContext): Promise<LiveObject<K> | undefined>;
  create?(env: KlaviyoEnv, r: Resource<K>, ctx: CallContext): Promise<LiveObject<K>>;
  update?(env: KlaviyoEnv, r: Resource<K>, live: LiveObject<K>, ctx: CallContext): Promise<LiveObject<K>>;
  delete?(env: KlaviyoEnv, id: string, ctx: CallContext): Promise<void>;
  /** The spec as Klaviyo will hold it; must agree with what `list` returns for the same object. */
  normalize(r: Resource<K>): Resource<K>;
  /** Offline checks; `refs` resolves what the account knows (metrics), names stand in for the rest. */
  check?(r: Resource<K>, refs?: Refs): Diagnostic[];
}

/** Mapping problems that make a write wrong are refused before any request is sent. */
export const refuseOnErrors = (issues: Issues): void => refuseAll(issues.list);

export function unsupported(kind: Kind, what: string, hint: string): never {
  throw new ProviderError(error("klaviyo/manual", `Klaviyo's API cannot ${what} a ${kind}`, { hint }));
}

/** Neutral tags as Klaviyo holds them: a set, so sorted. */
export const sortedTags = (tags: readonly string[] | undefined): string[] | undefined => (tags?.length ? [...tags].sort() : undefined);
