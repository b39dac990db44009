import type { Plan } from "../plan/types";

/** The plan as a saved-plan file / machine output: the Plan value itself, stable key order. */
export const planJson = (plan: Plan): string => `${JSON.stringify(plan, null, 2)}\n`;

/** Reads a saved plan back; undefined when the text is not a Mops plan. */
export function parsePlanJson(text: string): Plan | undefined {
  try {
    const v = JSON.parse(text) as Partial<Plan>;
    return v && v.formatVersion === 1 && Array.isArray(v.changes) && v.fingerprints ? (v as Plan) : undefined;
  } catch {
    return undefined;
  }
}
