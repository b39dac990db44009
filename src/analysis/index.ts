import { sortDiagnostics, type Diagnostic } from "../diagnostics";
import type { Stack } from "../model";
import type { SourceIndex } from "../diagnostics";
import { AnalysisContext, type Rule } from "./context";
import { DEFAULT_POLICY, type CustomRule, type Policy } from "../model/policy";
import { applyPolicy, runCustomRules } from "./policy";
import { capBudget, capEnforcement, uncoveredSends } from "./rules/caps";
import { conflicts } from "./rules/conflict";
import { consent } from "./rules/consent";
import { eventCatalogue } from "./rules/events";
import { ownership, unused } from "./rules/governance";
import { endlessBranches, loopsWithoutWait, unboundedWaits, unreachableGoals, unreachableSteps } from "./rules/journey";
import { mergeFields } from "./rules/merge";
import { requirements } from "./rules/requirements";
import { safeRollout } from "./rules/rollout";

export interface AnalyzeOptions {
  sources?: SourceIndex;
  policy?: Policy;
  /** Target platform type (`hubspot`, …); default: the stack environment's provider. */
  provider?: string;
  /** The last applied stack, to tell a newly activated workflow (safe rollout). */
  previous?: Stack;
  /** Team rules loaded with `loadCustomRules`. */
  customRules?: readonly CustomRule[];
  /** Reference time for relative dates in witnesses (default: now). */
  now?: Date;
}

/** Marketing and governance checks over a resolved stack: pure, no I/O. */
export function analyze(stack: Stack, opts: AnalyzeOptions = {}): Diagnostic[] {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const provider = opts.provider ?? stack.environments[stack.environment]?.provider.type;
  const ctx = new AnalysisContext(stack, opts.sources, provider, (opts.now ?? new Date()).getTime());
  const rules: Rule[] = [
    conflicts, capBudget, uncoveredSends, capEnforcement, mergeFields, consent, eventCatalogue,
    unreachableSteps, unboundedWaits, endlessBranches, loopsWithoutWait, unreachableGoals,
    ownership(policy), unused, safeRollout(policy, opts.previous), requirements(policy),
  ];
  const found = rules.flatMap((r) => r(ctx));
  for (const d of runCustomRules(opts.customRules ?? [], stack)) found.push(d);
  return sortDiagnostics(applyPolicy(found, policy));
}

export { evaluate, type Contact, type ConditionEnv, type EventOccurrence } from "./evaluate";
export { AudienceSolver, audienceCondition, type Decision } from "./audience";
export { parseMergeFields, FILTERS, BUILTIN_FIELDS, type MergeField, type MergeProblem } from "./merge-fields";
export { runCustomRules, applyPolicy, levelOf, isProtected } from "./policy";
export { requiredApprovals, checkApprovals, approversFromGitHubEvent, type RequiredApproval } from "./approvals";
export { worstCaseSends } from "./rules/caps";
export { stateChecks } from "./rules/rollout";
export { eventsNotInAccount } from "./rules/events";
