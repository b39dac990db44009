import type { Diagnostic, Result } from "../diagnostics";
import { existsSync, readFileSync } from "node:fs";
import { analyze, approversFromGitHubEvent, checkApprovals, requiredApprovals } from "../analysis";
import { loadStackPolicy } from "../stack/policy";
import type { Plan } from "../plan/types";
import type { StateBackend } from "../state/types";
import type { Stack } from "../model";
import { canonicalJson } from "../model";
import { loadEnvironments } from "../stack";
import type { LoadedStack, LoadOptions } from "../stack/types";

/**
 * The marketing checks for one loaded stack (its policy file and custom
 * rules included). `previous` is the last applied desired stack, so safe
 * rollout can tell a newly activated workflow.
 */
export async function analyzeLoaded(
  loaded: LoadedStack,
  previous?: Stack,
  policy?: StackPolicy,
): Promise<Diagnostic[]> {
  const pol = policy ?? (await loadStackPolicy(loaded));
  if (!pol.value) return pol.diagnostics;
  return [
    ...pol.diagnostics,
    ...analyze(loaded.stack, { sources: loaded.sources, policy: pol.value.policy, customRules: pol.value.customRules, previous }),
  ];
}

/**
 * `mops validate`: schema and references for every environment, then the
 * marketing checks for each environment asked for (all of them without
 * `--env`, since overrides can make production differ). A finding that is
 * the same in several environments is reported once.
 */
export async function checkStack(path: string, opts: LoadOptions): Promise<Result<LoadedStack>> {
  const r = await loadEnvironments(path, opts);
  if (!r.value) return { diagnostics: r.diagnostics };
  // One policy file and one set of custom rules for every environment: load them once.
  const policy = await loadStackPolicy(r.value[0]!);
  const seen = new Set<string>();
  const findings: Diagnostic[] = [];
  for (const loaded of r.value) {
    for (const d of await analyzeLoaded(loaded, undefined, policy)) {
      // Witnesses may differ per run (relative dates), so the key is where and what, not the words.
      const key = canonicalJson([d.code, d.address, d.range]);
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(r.value.length > 1 ? { ...d, detail: { ...d.detail, environment: loaded.stack.environment } } : d);
    }
  }
  return { value: r.value[0], diagnostics: [...r.diagnostics, ...findings] };
}

/** The desired stack of the newest recorded version: what is live, as far as Mops knows. */
export async function lastApplied(backend: StateBackend): Promise<Stack | undefined> {
  return (await backend.history.latest())?.desired;
}

/**
 * Who approved this change: `--approved-by`, plus the approving reviews of
 * the pull request when running in GitHub Actions (GITHUB_EVENT_PATH).
 */
export function collectApprovers(flag: string[] | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const out = new Set(flag ?? []);
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath && existsSync(eventPath)) {
    try {
      for (const a of approversFromGitHubEvent(JSON.parse(readFileSync(eventPath, "utf8")))) out.add(a);
    } catch {
      // An unreadable event file gives no approvers; the gate then says whose approval is missing.
    }
  }
  return [...out].sort();
}

/**
 * The owners' approval gate for a protected environment: one error per
 * owner whose approval is missing for a change to what they own.
 */
export type StackPolicy = Awaited<ReturnType<typeof loadStackPolicy>>;

export function approvalGate(pol: StackPolicy, desired: Stack, approvers: string[]): (plan: Plan) => Diagnostic[] {
  const policy = pol.value?.policy;
  return (plan) => {
    if (!policy) return pol.diagnostics;
    return checkApprovals(requiredApprovals(plan, desired, policy, desired.environment), approvers);
  };
}
