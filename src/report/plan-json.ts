import type { Plan } from "../plan/types";

/** The plan as a saved-plan file / machine output: the Plan value itself, stable key order. */
export const planJson = (plan: Plan): string => `${JSON.stringify(plan, null, 2)}\n`;
