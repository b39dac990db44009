import type { HubSpotClient } from "./client";
import type { HsProperty } from "./properties";

/**
 * The account's custom event definitions (Events v3, `GET
 * /events/v3/event-definitions`, paged by `paging.next.after`). Stacks name
 * events (`placed_order`); HubSpot's filters and workflow triggers hold the
 * event type id, which is the definition's `objectTypeId` (`6-1234567`: custom
 * events are CRM object types of kind 6). Kept apart from the filter mapping
 * so an `event` resource kind can list the same definitions.
 */

/** The fields of an event definition Mops reads (HubSpot's ExternalBehavioralEventTypeDefinition). */
export interface HsEventDefinition {
  id: string;
  /** The internal name a stack uses (`placed_order`). */
  name: string;
  /** `pe<portalId>_<name>`, the name events are sent under. */
  fullyQualifiedName: string;
  /** The event type id filters and triggers use. */
  objectTypeId: string;
  labels: { singular: string; plural?: string };
  archived: boolean;
  description?: string;
  /** The event's own properties, HubSpot's `hs_` ones included (Property, as for contact properties). */
  properties: HsProperty[];
  [k: string]: unknown;
}

export const EVENT_DEFINITIONS = "/events/v3/event-definitions";

/** Every custom event definition of the account. */
export async function listEventDefinitions(client: HubSpotClient, signal?: AbortSignal): Promise<HsEventDefinition[]> {
  const all = await client.getAll<HsEventDefinition>(EVENT_DEFINITIONS, {}, signal);
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

/** Event name <-> event type id, both ways; a stack names an event by its `name`, which is what reads give back. */
export class EventTypes {
  private readonly byName = new Map<string, string>();
  private readonly byId = new Map<string, string>();
  /** The definitions a stack may use (archived ones left out), for the `event` kind. */
  readonly active: readonly HsEventDefinition[];

  constructor(definitions: readonly HsEventDefinition[]) {
    this.active = definitions.filter((d) => !d.archived);
    for (const d of definitions) {
      this.byId.set(d.objectTypeId, d.name);
      // An archived event still names the id old filters hold, but nothing new may use it.
      if (d.archived) continue;
      this.byName.set(d.name, d.objectTypeId);
    }
  }

  idOf(event: string): string | undefined {
    return this.byName.get(event);
  }

  nameOf(eventTypeId: string): string | undefined {
    return this.byId.get(eventTypeId);
  }

  /** The names a stack may use, for "did you mean". */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}
