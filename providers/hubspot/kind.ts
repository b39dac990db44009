import type { Kind } from "../../src/model";
import { apiCannot, type KindOps as GenericKindOps } from "../../src/provider/kind-ops";
import { refuseOnErrors as refuseAll } from "../../src/provider/refusals";

export { orUndefined } from "../../src/provider/refusals";
import type { HubSpotClient } from "./client";
import type { Issues } from "./mapping";
import type { NameCache } from "./names";

/** What every kind module gets: the client and the id <-> name cache. */
export interface HubSpotEnv {
  client: HubSpotClient;
  names: NameCache;
}

/** One kind's mapping and calls; the provider dispatches to these by kind. */
export type KindOps<K extends Kind> = GenericKindOps<HubSpotEnv, K>;

/** Mapping problems that make a write wrong are refused before any request is sent. */
export const refuseOnErrors = (issues: Issues): void => refuseAll(issues.list);

export function unsupported(kind: Kind, what: string, hint: string): never {
  return apiCannot("hubspot/manual", "HubSpot", kind, what, hint);
}
