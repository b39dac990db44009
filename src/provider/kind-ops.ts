import { error, type Diagnostic } from "../diagnostics";
import type { Kind, Resource } from "../model";
import { ProviderError, type CallContext, type LiveObject } from "./types";

/**
 * One kind's mapping and calls in an HTTP provider; the provider dispatches
 * to these by kind. `Env` is what every kind module of that platform gets
 * (its client, its id <-> name cache, …); `N` and `C` are the extra
 * arguments its `normalize` and `check` take, when the platform needs any.
 */
export interface KindOps<Env, K extends Kind, N extends unknown[] = [], C extends unknown[] = []> {
  list(env: Env, ctx: CallContext): Promise<LiveObject<K>[]>;
  read(env: Env, id: string, ctx: CallContext): Promise<LiveObject<K> | undefined>;
  create?(env: Env, r: Resource<K>, ctx: CallContext): Promise<LiveObject<K>>;
  update?(env: Env, r: Resource<K>, live: LiveObject<K>, ctx: CallContext): Promise<LiveObject<K>>;
  delete?(env: Env, id: string, ctx: CallContext): Promise<void>;
  /** The spec as the platform will hold it; must agree with what `list` returns for the same object. */
  normalize(r: Resource<K>, ...extra: N): Resource<K>;
  /** Offline problems of a declaration on this platform. */
  check?(r: Resource<K>, ...extra: C): Diagnostic[];
}

/** A change the platform's API cannot make: what to do instead, never a request. */
export function apiCannot(code: string, platform: string, kind: Kind, what: string, hint: string): never {
  throw new ProviderError(error(code, `${platform}'s API cannot ${what} a ${kind}`, { hint }));
}
