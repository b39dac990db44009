import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { error, type Diagnostic, type Result } from "../diagnostics";
import { DEFAULT_POLICY, PolicySchema, policyFrom, type CustomRule, type Policy, type PolicyFile } from "../model/policy";
import { kindOf, readTextFile } from "./files";
import { DEFAULT_TS_TIMEOUT_MS, startRules } from "./ts-host";
import { displayPath } from "./where";
import type { LoadedStack } from "./types";
import { parseYamlFile } from "./yaml-file";
import { fileIssues } from "./file-check";
// A stack's policy file and custom rules are inputs like its stack files: read here, evaluated by analysis.
// The policy file's validator is precompiled from src/model (`npm run generate`).
import { policy as validate } from "./validators.generated";

/** Read and check a policy file; every problem has file:line:col. */
export function loadPolicy(file: string): Result<Policy> {
  const read = readTextFile(file);
  if ("code" in read) {
    const missing = read.code === "MOPS001";
    return {
      diagnostics: [
        error("policy/not-found", missing ? `policy file ${file} cannot be read` : read.message, { hint: missing ? "create it or fix the stack's `policy:` path" : read.hint }),
      ],
    };
  }
  const parsed = parseYamlFile(file, read.text);
  if (parsed.diagnostics.length) return { diagnostics: parsed.diagnostics };
  const data = parsed.value ?? {};
  if (validate(data)) return { value: policyFrom(data as PolicyFile, file, (path) => parsed.locator.locate(path, "key")), diagnostics: [] };
  const diagnostics = fileIssues(validate.errors ?? [], parsed.locator, PolicySchema as unknown as Record<string, unknown>, "policy", "the policy", (e, path) => {
    if (e.keyword === "additionalProperties" && path.length === 1 && path[0] === "rules") {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      return error("policy/bad-value", `\`${key}\` is not a rule key`, {
        range: parsed.locator.locate([...path, key], "key"),
        hint: "a rule key is a finding code (`merge/no-fallback`), a prefix (`merge/*`) or `*`",
      });
    }
    if (e.keyword === "anyOf") {
      return error("policy/bad-value", `\`${path.join(".") || "policy"}\` ${e.message ?? "is not valid"}`, {
        range: parsed.locator.locate(path),
        hint: "rule levels: off | info | advisory | mandatory",
      });
    }
    return undefined;
  });
  return { diagnostics };
}

/**
 * Load `<dir>/*.ts` in a worker thread (ts-host.ts). A file that fails to
 * load or exports something else is a diagnostic, not a crash; each rule's
 * check runs in that worker too, bounded by the TypeScript timeout, and
 * gives the findings it would give in this thread.
 */
export async function loadCustomRules(dir: string, opts: { tsTimeoutMs?: number } = {}): Promise<Result<CustomRule[]>> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).sort();
  } catch {
    return { value: [], diagnostics: [] };
  }
  // Only regular files are imported: a pipe named like a rule would block the worker.
  const unreadable: Diagnostic[] = [];
  const files = names.map((f) => join(dir, f)).filter((file) => {
    const st = statSync(file, { throwIfNoEntry: false });
    if (st?.isFile()) return true;
    unreadable.push(error("policy/bad-custom-rule", st ? `${displayPath(file)} is ${kindOf(st)}, not a file` : `${displayPath(file)} is a link to nothing`, { hint: "a custom rule is a .ts file" }));
    return false;
  });
  if (files.length === 0) return { value: [], diagnostics: unreadable };
  const host = await startRules(files, opts.tsTimeoutMs ?? DEFAULT_TS_TIMEOUT_MS);
  const value: CustomRule[] = host.rules.map((r, i) => ({ code: r.code, file: r.file, check: (stack) => host.check(i, stack) }));
  return { value, diagnostics: [...unreadable, ...host.diagnostics] };
}

/**
 * Everything `analyze` needs besides the stack, for a loaded stack: its
 * policy file (or the defaults) and the custom rules in its policy folder.
 */
export async function loadStackPolicy(loaded: Pick<LoadedStack, "baseDir" | "policyFile" | "tsTimeoutMs">):
  Promise<Result<{ policy: Policy; customRules: CustomRule[] }>> {
  const p = loaded.policyFile ? loadPolicy(loaded.policyFile) : { value: DEFAULT_POLICY, diagnostics: [] };
  if (!p.value) return { diagnostics: p.diagnostics };
  const rules = await loadCustomRules(resolve(loaded.baseDir, p.value.custom_rules), { tsTimeoutMs: loaded.tsTimeoutMs });
  return { value: { policy: p.value, customRules: rules.value ?? [] }, diagnostics: [...p.diagnostics, ...rules.diagnostics] };
}

