import { error } from "../../src/diagnostics";
import type { Kind, Resource } from "../../src/model";
import { ProviderError, type CallContext, type LiveObject } from "../../src/provider/types";
import type { Diagnostic } from "../../src/diagnostics";
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

/** One kind's mapping and calls; the provider dispatches to these by kind. */
export interface KindOps<K extends Kind> {
  list(env: BrazeEnv, ctx: CallContext): Promise<LiveObject<K>[]>;
  read(env: BrazeEnv, id: string, ctx: CallContext): Promise<LiveObject<K> | undefined>;
  create?(env: BrazeEnv, r: Resource<K>, ctx: CallContext): Promise<LiveObject<K>>;
  update?(env: BrazeEnv, r: Resource<K>, live: LiveObject<K>, ctx: CallContext): Promise<LiveObject<K>>;
  delete?(env: BrazeEnv, id: string, ctx: CallContext): Promise<void>;
  /** The spec as Braze will hold it; agrees with what `list` returns for the same object. */
  normalize(r: Resource<K>, settings: BrazeSettings): Resource<K>;
  /** Offline problems of a declaration on Braze (a channel it has no template for, …). */
  check?(r: Resource<K>): Diagnostic[];
}

/** A change Braze's API cannot make: what to do instead, never a request. */
export function manualOnly(kind: Kind, what: string, hint: string): never {
  throw new ProviderError(error("braze/manual", `Braze's API cannot ${what} a ${kind}`, { hint }));
}

/** Drops undefined fields so mapped specs deep-equal however they were built. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Sort by platform id, so names come out the same on every listing. */
export const byId = <T>(id: (t: T) => string) => (a: T, b: T): number => id(a).localeCompare(id(b), "en", { numeric: true });
