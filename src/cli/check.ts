import type { Diagnostic, Result } from "../diagnostics";
import { existsSync, readFileSync } from "node:fs";
import { analyze, approversFromGitHubEvent, checkApprovals, requiredApprovals, stateChecks } from "../analysis";
import { loadStackPolicy } from "../stack/policy";
import type { Plan } from "../plan/types";
import { openBackend } from "../state";
import { StateError, type StateBackend } from "../state/types";
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
 * the same in several environments is reported once. Checks that compare
 * with the last applied version (safe rollout) read the environment's state
 * when they apply there; where it cannot be read, one note says which
 * checks were skipped and why.
 */
export async function checkStack(path: string, opts: LoadOptions): Promise<Result<LoadedStack>> {
  const r = await loadEnvironments(path, opts);
  if (!r.value) return { diagnostics: r.diagnostics };
  // One policy file and one set of custom rules for every environment: load them once.
  const policy = await loadStackPolicy(r.value[0]!);
  const seen = new Set<string>();
  const findings: Diagnostic[] = [];
  const skipped: { environment: string; why: string; checks: string[] }[] = [];
  for (const loaded of r.value) {
    const needs = policy.value ? stateChecks(policy.value.policy, loaded.stack) : [];
    const before = needs.length ? await lastApplied(loaded) : {};
    if (before.unreadable) skipped.push({ environment: loaded.stack.environment, why: before.unreadable, checks: needs });
    for (const d of await analyzeLoaded(loaded, before.stack, policy)) {
      // Witnesses may differ per run (relative dates), so the key is where and what, not the words.
      const key = canonicalJson([d.code, d.address, d.range]);
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(r.value.length > 1 ? { ...d, detail: { ...d.detail, environment: loaded.stack.environment } } : d);
    }
  }
  if (skipped.length) findings.push(skippedNote(skipped));
  return { value: r.value[0], diagnostics: [...r.diagnostics, ...findings] };
}

function skippedNote(skipped: { environment: string; why: string; checks: string[] }[]): Diagnostic {
  const checks = [...new Set(skipped.flatMap((s) => s.checks))];
  return {
    code: "state/checks-skipped",
    severity: "info",
    message: `${checks.map((c) => `\`${c}\``).join(", ")} compare${checks.length === 1 ? "s" : ""} with the last applied version and ${checks.length === 1 ? "was" : "were"} skipped for ${skipped.map((s) => `\`${s.environment}\` (${s.why})`).join(", ")}`,
    hint: "run validate where the environment's state can be read (its credentials set), or rely on `mops plan`, which reads it",
    detail: { environments: skipped.map((s) => s.environment), checks },
  };
}

/**
 * The desired stack Mops last applied to `loaded`'s environment: the one
 * place the checks read state (the newest version in its history). Reads
 * `backend` when the caller has it open (plan, apply), else opens the
 * environment's own backend for this read (validate). Nothing applied yet
 * is a stack without resources; a state that cannot be read is `unreadable`.
 */
export async function lastApplied(loaded: LoadedStack, backend?: StateBackend): Promise<{ stack?: Stack; unreadable?: string }> {
  const { stack } = loaded;
  const read = async (b: StateBackend) => (await b.history.latest())?.desired ?? { ...stack, resources: [] };
  if (backend) return { stack: await read(backend) };
  const where = { stack: stack.name, environment: stack.environment, baseDir: loaded.baseDir, env: process.env };
  const opened = await openBackend(stack.environments[stack.environment]?.state, where);
  if (!opened.value) return { unreadable: opened.diagnostics.map((d) => d.message).join("; ") || "its state backend cannot be opened" };
  try {
    return { stack: await read(opened.value) };
  } catch (e) {
    if (e instanceof StateError) return { unreadable: e.message };
    throw e;
  } finally {
    await opened.value.close();
  }
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
