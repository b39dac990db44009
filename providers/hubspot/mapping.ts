import { error, warning, type Diagnostic, type SpecPath } from "../../src/diagnostics";
import type { Kind, PropertySpec } from "../../src/model";

/**
 * What the pure neutral <-> HubSpot mappers need from outside: platform ids for
 * referenced resources and back, and declared property types (to pick a
 * filter's operationType).
 */
export interface Refs {
  id(kind: Kind, name: string): string | undefined;
  name(kind: Kind, id: string): string | undefined;
  propertyType?(name: string): PropertySpec["type"] | undefined;
  /** The subscription type id a marketing email is sent under (HubSpot keeps it on the email, not the send action). */
  subscriptionOf?(emailId: string): string | undefined;
  /** HubSpot's event type id (`6-1234567`) for a stack's event name, from the account's custom event definitions. */
  eventTypeId?(event: string): string | undefined;
  /** The stack's name for an event type id; undefined for event types that are no custom event of the account. */
  eventName?(eventTypeId: string): string | undefined;
}

/**
 * Names stand in for ids. `normalize` maps a spec to HubSpot and back through
 * these, so it needs no account and agrees with the read mapping by construction.
 */
export const identityRefs: Refs = { id: (_k, name) => name, name: (_k, id) => id, eventTypeId: (event) => event, eventName: (id) => id };

/**
 * Problems found while mapping one resource: what `check()` reports and what
 * blocks a write. `at` is where in the resource's spec the problem sits
 * (`["conditions", "all", 1, "value"]`), kept as `detail.path` so the stack's
 * source index can point at the line.
 */
export class Issues {
  readonly list: Diagnostic[] = [];
  constructor(readonly address: string) {}
  error(code: string, message: string, hint?: string, at?: SpecPath): void {
    this.add(error(`hubspot/${code}`, `${this.address}: ${message}`, this.extra(hint, at)));
  }
  warn(code: string, message: string, hint?: string, at?: SpecPath): void {
    this.add(warning(`hubspot/${code}`, `${this.address}: ${message}`, this.extra(hint, at)));
  }
  private extra(hint: string | undefined, at: SpecPath | undefined) {
    return { hint, address: this.address, ...(at ? { detail: { path: [...at] } } : {}) };
  }
  /** Steps after a branch or split are written once per path: their problems are reported once. */
  private add(d: Diagnostic): void {
    const key = JSON.stringify([d.code, d.message, d.detail]);
    if (!this.list.some((x) => JSON.stringify([x.code, x.message, x.detail]) === key)) this.list.push(d);
  }
  get hasErrors(): boolean {
    return this.list.some((d) => d.severity === "error");
  }
}

/** A reference to a resource that has no HubSpot id (yet). */
export function refId(refs: Refs, issues: Issues, kind: Kind, name: string): string {
  const id = refs.id(kind, name);
  if (id !== undefined) return id;
  issues.error("unresolved-reference", `${kind}.${name} has no HubSpot id`, `declare ${kind}.${name} in the stack (it is created first) or import it`);
  return name;
}

/** A platform id we cannot name falls back to a readable, stable name. */
export const refName = (refs: Refs, kind: Kind, id: string): string => refs.name(kind, id) ?? `${kind}_${id.replace(/[^a-z0-9]+/gi, "_").toLowerCase()}`;

/** Drops undefined fields so mapped specs deep-equal regardless of how they were built. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
