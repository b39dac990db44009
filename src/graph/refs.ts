import {
  address, isAll, isAny, isConsent, isEventCondition, isMembership, isNot, isPropertyCondition,
  type Condition, type Kind, type Resource, type SpecOf, type Step,
} from "../model";

/**
 * Every address a resource's spec refers to, whether or not it is declared:
 * the caller keeps only edges to nodes it knows (a condition on the built-in
 * `email` property refers to nothing Mops manages).
 */
export function referencesOf(r: Resource): string[] {
  const out = new Set<string>();
  const add = (kind: Kind, name: string | undefined) => {
    if (name) out.add(address(kind, name));
  };
  const cond = (c: Condition | undefined): void => {
    if (!c || typeof c !== "object") return;
    if (isAll(c)) c.all.forEach(cond);
    else if (isAny(c)) c.any.forEach(cond);
    else if (isNot(c)) cond(c.not);
    else if (isMembership(c)) add("segment", c.in_segment);
    else if (isConsent(c)) add("subscription_type", c.consent);
    else if (isPropertyCondition(c)) add("property", c.property);
    else if (isEventCondition(c)) return;
  };
  const steps = (ss: Step[] | undefined): void => {
    for (const s of ss ?? []) {
      switch (s.type) {
        case "send":
          add("template", s.template);
          add("subscription_type", s.subscription_type);
          break;
        case "branch":
          if (!("engagement" in s.condition)) cond(s.condition as Condition);
          steps(s.then);
          steps(s.else);
          break;
        case "split":
          for (const p of s.paths) steps(p.steps);
          break;
        case "update_property":
          add("property", s.property);
          break;
        case "add_to_segment":
        case "remove_from_segment":
          add("segment", s.segment);
          break;
        default:
          break;
      }
    }
  };
  switch (r.kind) {
    case "workflow": {
      const w: SpecOf["workflow"] = r.spec;
      if (w.trigger?.type === "segment_entry") add("segment", w.trigger.segment);
      if (w.trigger?.type === "date") add("property", w.trigger.property);
      cond(w.entry_filter);
      cond(w.goal);
      for (const s of w.suppression?.segments ?? []) add("segment", s);
      steps(w.steps);
      break;
    }
    case "segment":
      cond(r.spec.conditions);
      break;
    case "user":
      add("role", r.spec.role);
      for (const t of r.spec.teams ?? []) add("team", t);
      break;
    case "frequency_cap":
      for (const w of r.spec.exempt?.workflows ?? []) add("workflow", w);
      break;
    default:
      break;
  }
  out.delete(address(r.kind, r.name));
  return [...out].sort();
}
