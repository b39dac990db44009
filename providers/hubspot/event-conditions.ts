import { error, type Diagnostic, type SpecPath } from "../../src/diagnostics";
import { suggestion } from "../../src/diagnostics/suggest";
import { address, isAll, isAny, isEventCondition, isNot, type Condition, type Resource, type Step } from "../../src/model";
import type { EventTypes } from "./event-definitions";
import { isEventTypeId } from "./filters";

/** An event a stack names, and where. */
export interface EventUse { event: string; at: SpecPath }

function inCondition(c: Condition | undefined, at: SpecPath, out: EventUse[]): void {
  if (!c) return;
  if (isAll(c)) c.all.forEach((x, i) => inCondition(x, [...at, "all", i], out));
  else if (isAny(c)) c.any.forEach((x, i) => inCondition(x, [...at, "any", i], out));
  else if (isNot(c)) inCondition(c.not, [...at, "not"], out);
  else if (isEventCondition(c)) out.push({ event: c.event, at: [...at, "event"] });
}

function inSteps(steps: readonly Step[], at: SpecPath, out: EventUse[]): void {
  steps.forEach((s, i) => {
    if (s.type === "branch") {
      if (!("engagement" in s.condition)) inCondition(s.condition as Condition, [...at, i, "condition"], out);
      inSteps(s.then, [...at, i, "then"], out);
      inSteps(s.else ?? [], [...at, i, "else"], out);
    }
    if (s.type === "split") s.paths.forEach((p, j) => inSteps(p.steps, [...at, i, "paths", j, "steps"], out));
  });
}

/** The custom events a segment's or workflow's conditions and trigger name (HubSpot's own event type ids excluded). */
export function eventUses(r: Resource): EventUse[] {
  const out: EventUse[] = [];
  if (r.kind === "segment") inCondition(r.spec.conditions, ["conditions"], out);
  if (r.kind === "workflow") {
    if (r.spec.trigger.type === "event") out.push({ event: r.spec.trigger.event, at: ["trigger", "event"] });
    inCondition(r.spec.entry_filter, ["entry_filter"], out);
    inCondition(r.spec.goal, ["goal"], out);
    inSteps(r.spec.steps, ["steps"], out);
  }
  return out.filter((u) => !isEventTypeId(u.event));
}

/** A stack's events that the account does not define, each located at its condition. */
export function unknownEvents(resources: readonly Resource[], types: EventTypes): Diagnostic[] {
  return resources.flatMap((r) => {
    const at = address(r.kind, r.name);
    return eventUses(r)
      .filter((u) => types.idOf(u.event) === undefined)
      .map((u) => error("hubspot/unknown-event", `${at}: event \`${u.event}\` is no custom event of this HubSpot account`, {
        address: at,
        hint: `${suggestion(u.event, types.names(), "custom events")}; define it in HubSpot > Data Management > Custom Events`,
        detail: { path: [...u.at] },
      }));
  });
}
