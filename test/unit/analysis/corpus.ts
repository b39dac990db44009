import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { analyze } from "../../../src/analysis";
import type { Diagnostic } from "../../../src/diagnostics";
import { loadStack, type LoadedStack } from "../../../src/stack";
import { loadPolicy } from "../../../src/stack/policy";

/** The analysis corpus (test/analysis-corpus/<category>/<rule>/<case>/): read by the corpus and the fix tests. */
export const ROOT = join(__dirname, "../../analysis-corpus");
const NOW = new Date("2026-06-01T00:00:00Z");

export function caseDirs(dir = ROOT): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...caseDirs(p));
    else if (e === "bad.yaml") out.push(dir);
  }
  return out.sort();
}

/** The findings for one case file, with policy.yaml and previous.yaml (the last applied stack) beside it when present. */
export async function runCase(file: string): Promise<Diagnostic[]> {
  return (await loadCase(file)).findings;
}

export async function loadCase(file: string): Promise<{ loaded: LoadedStack; findings: Diagnostic[] }> {
  const loaded = await loadStack(file, { env: {} });
  expect(loaded.diagnostics.filter((d) => d.severity === "error"), `${file} must load cleanly`).toEqual([]);
  const { stack, sources, policyFile } = loaded.value!;
  const policy = policyFile ? loadPolicy(policyFile) : undefined;
  expect(policy?.diagnostics ?? []).toEqual([]);
  const prevFile = join(dirname(file), "previous.yaml");
  const previous = existsSync(prevFile) ? (await loadStack(prevFile, { env: {} })).value?.stack : undefined;
  return { loaded: loaded.value!, findings: analyze(stack, { sources, policy: policy?.value, previous, now: NOW }) };
}
