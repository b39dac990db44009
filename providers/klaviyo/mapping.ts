import { error, warning, type Diagnostic } from "../../src/diagnostics";
import type { Kind } from "../../src/model";
import { pathText, type RefPath } from "../../src/model/refs";

/**
 * What the pure neutral <-> Klaviyo mappers need from outside: ids of the
 * resources a spec names (and back), and metric ids for event names.
 *
 * Ids of the `segment` kind say which Klaviyo object holds it (`segment:Xa1b2C`
 * for a segment, `list:Y7k9Qp` for a list); Klaviyo's group ids are unique
 * across both, which is what membership conditions name.
 */
export interface Refs {
  id(kind: Kind, name: string): string | undefined;
  name(kind: Kind, id: string): string | undefined;
  metricId(event: string): string | undefined;
  metricName(id: string): string | undefined;
}

/** Klaviyo's consent is per channel: these are the subscription types' ids. */
export const CONSENT_CHANNELS: readonly string[] = ["email", "sms", "push"];

/** Strips the `segment:` / `list:` / `universal:` prefix of a Mops id. */
export const klaviyoId = (id: string): string => id.replace(/^(segment|list|universal):/, "");

/**
 * Names stand in for ids, event names for metric ids: `normalize` maps a spec
 * to Klaviyo's shape and back through these, so it needs no account and
 * agrees with the read mapping by construction.
 */
export const identityRefs: Refs = {
  id: (_k, name) => name,
  // A channel's consent has the name Klaviyo's read gives it (a send names its channel's consent).
  name: (kind, id) => (kind === "subscription_type" && CONSENT_CHANNELS.includes(id) ? `${id}_marketing` : klaviyoId(id)),
  metricId: (event) => event,
  metricName: (id) => id,
};

/** Problems found while mapping one resource: what `check()` reports and what blocks a write. */
export class Issues {
  readonly list: Diagnostic[] = [];
  constructor(readonly address: string) {}
  private where(path: RefPath | undefined): string {
    return path?.length ? `${this.address}.${pathText(path)}` : this.address;
  }
  private extra(path: RefPath | undefined, hint: string | undefined) {
    return { hint, address: this.address, ...(path?.length ? { detail: { specPath: [...path], path: pathText(path) } } : {}) };
  }
  error(code: string, path: RefPath | undefined, message: string, hint?: string): void {
    this.list.push(error(`klaviyo/${code}`, `${this.where(path)}: ${message}`, this.extra(path, hint)));
  }
  warn(code: string, path: RefPath | undefined, message: string, hint?: string): void {
    this.list.push(warning(`klaviyo/${code}`, `${this.where(path)}: ${message}`, this.extra(path, hint)));
  }
}

/** A reference to a resource that has no Klaviyo id (yet). */
export function refId(refs: Refs, issues: Issues, kind: Kind, name: string, path: RefPath): string {
  const id = refs.id(kind, name);
  if (id !== undefined) return id;
  issues.error("unresolved-reference", path, `${kind}.${name} has no Klaviyo id`, `declare ${kind}.${name} in the stack (it is created first) or import it`);
  return name;
}

/** A metric (event) Klaviyo does not know: Klaviyo makes metrics from events, never through the API. */
export function metricId(refs: Refs, issues: Issues, event: string, path: RefPath): string {
  const id = refs.metricId(event);
  if (id !== undefined) return id;
  issues.error("unknown-metric", path, `Klaviyo has no metric named "${event}"`, "Klaviyo creates a metric when the first event of that name arrives (from an integration or the events API); use a metric's exact name as Klaviyo shows it under Analytics > Metrics");
  return event;
}

/** A Klaviyo id Mops cannot name falls back to a readable, stable name. */
export const refName = (refs: Refs, kind: Kind, id: string): string =>
  refs.name(kind, id) ?? `${kind}_${klaviyoId(id).replace(/[^a-z0-9]+/gi, "_").toLowerCase()}`;

/** Drops undefined fields so mapped specs deep-equal regardless of how they were built. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
