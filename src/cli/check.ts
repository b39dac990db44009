import type { Diagnostic, Result } from "../diagnostics";
import { hasErrors } from "../diagnostics";
import { analyze, loadStackPolicy } from "../analysis";
import type { Stack } from "../model";
import { canonicalJson } from "../model";
import { loadStack, validateStack } from "../stack";
import type { LoadedStack, LoadOptions } from "../stack/types";

/**
 * The marketing checks for one loaded stack (its policy file and custom
 * rules included). `previous` is the last applied desired stack, so safe
 * rollout can tell a newly activated workflow.
 */
export async function analyzeLoaded(loaded: LoadedStack, previous?: Stack): Promise<Diagnostic[]> {
  const pol = await loadStackPolicy(loaded);
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
  const r = await validateStack(path, opts);
  if (!r.value || hasErrors(r.diagnostics)) return r;
  const envs = opts.environment ? [opts.environment] : Object.keys(r.value.stack.environments);
  const seen = new Set<string>();
  const findings: Diagnostic[] = [];
  for (const env of envs) {
    const loaded = env === r.value.stack.environment ? r.value : (await loadStack(path, { ...opts, environment: env })).value;
    if (!loaded) continue;
    for (const d of await analyzeLoaded(loaded)) {
      // Witnesses may differ per run (relative dates), so the key is where and what, not the words.
      const key = canonicalJson([d.code, d.address, d.range]);
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(envs.length > 1 ? { ...d, detail: { ...d.detail, environment: env } } : d);
    }
  }
  return { value: r.value, diagnostics: [...r.diagnostics, ...findings] };
}
