import type { Kind } from "../../src/model";
import { apiCannot, type KindOps as GenericKindOps } from "../../src/provider/kind-ops";
import type { BrazeClient } from "./client";
import type { Exports } from "./exports";
import type { Names } from "./names";
import type { BrazeSettings } from "./settings";

/** What every kind module gets: the client, names, the provider settings and the Canvas/campaign exports. */
export interface BrazeEnv {
  client: BrazeClient;
  names: Names;
  settings: BrazeSettings;
  exports: Exports;
}

/** One kind's mapping and calls; `normalize` reads the provider settings. */
export type KindOps<K extends Kind> = GenericKindOps<BrazeEnv, K, [settings: BrazeSettings]>;

/** A change Braze's API cannot make: what to do instead, never a request. */
export function manualOnly(kind: Kind, what: string, hint: string): never {
  return apiCannot("braze/manual", "Braze", kind, what, hint);
}

/** Drops undefined fields so mapped specs deep-equal however they were built. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Sort by platform id, so names come out the same on every listing. */
export const byId = <T>(id: (t: T) => string) => (a: T, b: T): number => id(a).localeCompare(id(b), "en", { numeric: true });
