import { error, type Diagnostic, type Severity } from "../diagnostics";
import type { Stack } from "../model";
import type { CustomRule, Level, Policy } from "../model/policy";

const SEVERITY: Record<Exclude<Level, "off">, Severity> = { info: "info", advisory: "warning", mandatory: "error" };

/** The level a policy sets for a code: exact code, then `prefix/*`, then `*`. */
export function levelOf(policy: Policy, code: string): Level | undefined {
  const r = policy.rules;
  return r[code] ?? r[`${code.split("/")[0]}/*`] ?? r["*"];
}

/** Drop what the policy turns off, and give the rest the severity it sets. */
export function applyPolicy(ds: Diagnostic[], policy: Policy): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const d of ds) {
    const level = levelOf(policy, d.code);
    if (level === "off") continue;
    out.push(level ? { ...d, severity: SEVERITY[level] } : d);
  }
  return out;
}

export function isProtected(policy: Policy, stack: Stack, environment: string): boolean {
  return policy.protected_environments.includes(environment) || stack.environments[environment]?.protected === true;
}

/** Run custom rules; a rule that throws becomes a finding about that rule. */
export function runCustomRules(rules: readonly CustomRule[], stack: Stack): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of rules) {
    try {
      for (const d of r.check(stack)) out.push({ ...d, code: d.code || r.code, severity: d.severity ?? "warning" });
    } catch (e) {
      out.push(error("policy/custom-rule-failed", `custom rule ${r.code} threw: ${(e as Error).message}`, { range: { file: r.file, line: 1, col: 1 } }));
    }
  }
  return out;
}
