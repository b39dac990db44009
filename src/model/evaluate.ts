import { durationMs, type Scalar } from "./common";
import {
  isAll, isAny, isConsent, isEventCondition, isMembership, isNot, isPropertyCondition, type Condition, type EventCondition,
} from "./condition";
import type { EventSpec, PropertySpec, SegmentSpec } from "./kinds";
import { DAY_MS, propertyHolds, type PropType } from "./values";

/** One thing a contact did: `daysAgo` 0 is now (the event that triggers a workflow). */
export interface EventOccurrence {
  event: string;
  daysAgo: number;
  properties?: Record<string, Scalar>;
}

/** A contact as the checks see it; witnesses have this shape. */
export interface Contact {
  properties: Record<string, Scalar | Scalar[]>;
  events: EventOccurrence[];
  /** Subscription types the contact has opted in to. */
  consents: string[];
  /** Static segments the contact was added to. */
  segments: string[];
}

/** What a condition needs from the stack to be read: segment definitions and property types. */
export interface ConditionEnv {
  segments: ReadonlyMap<string, SegmentSpec>;
  properties: ReadonlyMap<string, PropertySpec>;
  /** The event catalogue, when the stack declares one: an event's `where` filters read its properties' types. */
  events?: ReadonlyMap<string, EventSpec>;
  /** Reference time for relative dates (ms since epoch). */
  now: number;
}

export function evaluate(c: Condition, contact: Contact, env: ConditionEnv, visiting: ReadonlySet<string> = new Set()): boolean {
  if (isAll(c)) return c.all.every((x) => evaluate(x, contact, env, visiting));
  if (isAny(c)) return c.any.some((x) => evaluate(x, contact, env, visiting));
  if (isNot(c)) return !evaluate(c.not, contact, env, visiting);
  if (isMembership(c)) {
    const seg = env.segments.get(c.in_segment);
    if (!seg?.conditions) return contact.segments.includes(c.in_segment);
    if (visiting.has(c.in_segment)) return false;
    return evaluate(seg.conditions, contact, env, new Set([...visiting, c.in_segment]));
  }
  if (isConsent(c)) return contact.consents.includes(c.consent);
  if (isEventCondition(c)) return eventHolds(c, contact.events, env.now, (p) => env.events?.get(c.event)?.properties?.[p]?.type);
  if (isPropertyCondition(c)) return propertyHolds(c, contact.properties[c.property], env.properties.get(c.property)?.type, env.now);
  return false;
}

/** Bounds of an event condition's count: no bound given means "did it at least once". */
export function countBounds(c: EventCondition): { lo: number; hi: number } {
  const lo = c.at_least ?? (c.at_most === undefined ? 1 : 0);
  return { lo, hi: c.at_most ?? Infinity };
}

export function eventHolds(c: EventCondition, events: readonly EventOccurrence[], now: number, typeOf: (property: string) => PropType = () => undefined): boolean {
  const windowDays = c.within === undefined ? Infinity : durationMs(c.within) / DAY_MS;
  let n = 0;
  for (const e of events) {
    if (e.event !== c.event || e.daysAgo > windowDays) continue;
    const props = e.properties ?? {};
    if ((c.where ?? []).every((w) => propertyHolds(w, props[w.property], typeOf(w.property), now))) n++;
  }
  const { lo, hi } = countBounds(c);
  return n >= lo && n <= hi;
}
