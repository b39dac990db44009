import type { Kind } from "../../src/model";
import { apiCannot, type KindOps as GenericKindOps } from "../../src/provider/kind-ops";
import { refuseOnErrors as refuseAll } from "../../src/provider/refusals";

export { orUndefined } from "../../src/provider/refusals";
import type { KlaviyoClient } from "./client";
import type { Issues, Refs } from "./mapping";
import type { NameCache } from "./names";

/** What every kind module gets: the client and the id <-> name cache. */
export interface KlaviyoEnv {
  client: KlaviyoClient;
  names: NameCache;
}

/** One kind's mapping and calls; `check` may take the account's refs (metrics), names stand in for the rest. */
export type KindOps<K extends Kind> = GenericKindOps<KlaviyoEnv, K, [], [refs?: Refs]>;

/** Mapping problems that make a write wrong are refused before any request is sent. */
export const refuseOnErrors = (issues: Issues): void => refuseAll(issues.list);

export function unsupported(kind: Kind, what: string, hint: string): never {
  return apiCannot("klaviyo/manual", "Klaviyo", kind, what, hint);
}

/** Neutral tags as Klaviyo holds them: a set, so sorted. */
export const sortedTags = (tags: readonly string[] | undefined): string[] | undefined => (tags?.length ? [...tags].sort() : undefined);
