import { readdirSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join, resolve } from "node:path";
import { resolveMopsToOwnSdk } from "./sdk-resolve";
import { error, type Diagnostic, type Result } from "../diagnostics";
import { DEFAULT_POLICY, PolicySchema, policyFrom, type CustomRule, type CustomRuleExport, type Policy, type PolicyFile } from "../model/policy";
import type { LoadedStack } from "./types";
import { parseYamlFile } from "./yaml-file";
import { closest } from "../diagnostics/suggest";
// A stack's policy file and custom rules are inputs like its stack files: read here, evaluated by analysis.
// The policy file's validator is precompiled from src/model (`npm run generate`).
import { policy as validate } from "./validators.generated";

/** Read and check a policy file; every problem has file:line:col. */
export function loadPolicy(file: string): Result<Policy> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { diagnostics: [error("policy/not-found", `policy file ${file} cannot be read`, { hint: "create it or fix the stack's `policy:` path" })] };
  }
  const parsed = parseYamlFile(file, text);
  if (parsed.diagnostics.length) return { diagnostics: parsed.diagnostics };
  const data = parsed.value ?? {};
  if (validate(data)) return { value: policyFrom(data as PolicyFile, file, (path) => parsed.locator.locate(path, "key")), diagnostics: [] };
  const diagnostics = (validate.errors ?? []).map((e) => {
    const path = e.instancePath.split("/").slice(1).map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s.replace(/~1/g, "/").replace(/~0/g, "~")));
    if (e.keyword === "additionalProperties") {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      if (path.length === 1 && path[0] === "rules") {
        return error("policy/bad-value", `\`${key}\` is not a rule key`, {
          range: parsed.locator.locate([...path, key], "key"),
          hint: "a rule key is a finding code (`merge/no-fallback`), a prefix (`merge/*`) or `*`",
        });
      }
      const known = Object.keys(schemaAt(path) ?? {});
      const near = closest(key, known);
      return error("policy/unknown-key", `unknown key \`${key}\` in the policy`, {
        range: parsed.locator.locate([...path, key], "key"),
        hint: near ? `did you mean \`${near}\`?` : `allowed here: ${known.join(", ")}`,
      });
    }
    return error("policy/bad-value", `\`${path.join(".") || "policy"}\` ${e.message ?? "is not valid"}`, {
      range: parsed.locator.locate(path),
      hint: e.keyword === "anyOf" ? "rule levels: off | info | advisory | mandatory" : undefined,
    });
  });
  return { diagnostics };
}

/** Property names allowed at a path of the policy schema, for "did you mean". */
function schemaAt(path: (string | number)[]): Record<string, unknown> | undefined {
  let s: Record<string, unknown> | undefined = PolicySchema as unknown as Record<string, unknown>;
  for (const seg of path) {
    if (!s) return undefined;
    if (typeof seg === "number") s = s.items as Record<string, unknown>;
    else s = (s.properties as Record<string, Record<string, unknown>> | undefined)?.[seg];
    if (s && s.anyOf) s = undefined;
  }
  return s?.properties as Record<string, unknown> | undefined;
}

/**
 * Load `<dir>/*.ts` through tsx. A file that fails to load or exports
 * something else is a diagnostic, not a crash.
 */
export async function loadCustomRules(dir: string): Promise<Result<CustomRule[]>> {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")).sort();
  } catch {
    return { value: [], diagnostics: [] };
  }
  const { tsImport } = await import("tsx/esm/api");
  resolveMopsToOwnSdk();
  const value: CustomRule[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    const file = join(dir, f);
    const fallback = `custom/${f.replace(/\.ts$/, "").replace(/[^a-z0-9-]+/gi, "-").toLowerCase()}`;
    try {
      const mod = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
      // Outside an ESM package, tsx loads the file as CommonJS: its default export sits one level down.
      const inner = mod.default as { default?: unknown } | undefined;
      const d = (inner && typeof inner === "object" && "default" in inner ? inner.default : inner) as CustomRuleExport | undefined;
      if (typeof d === "function") value.push({ code: fallback, file, check: d });
      else if (d && typeof d === "object" && typeof d.check === "function") value.push({ code: d.code ?? fallback, file, check: d.check });
      else {
        diagnostics.push(error("policy/bad-custom-rule", `${f} does not default-export a rule`, {
          range: { file, line: 1, col: 1 },
          hint: "export default (stack) => Diagnostic[], or { code, check }",
        }));
      }
    } catch (e) {
      diagnostics.push(error("policy/bad-custom-rule", `${f} failed to load: ${(e as Error).message.split("\n")[0]}`, {
        range: { file, line: 1, col: 1 },
      }));
    }
  }
  return { value, diagnostics };
}

/**
 * Everything `analyze` needs besides the stack, for a loaded stack: its
 * policy file (or the defaults) and the custom rules in its policy folder.
 */
export async function loadStackPolicy(loaded: Pick<LoadedStack, "baseDir" | "policyFile">):
  Promise<Result<{ policy: Policy; customRules: CustomRule[] }>> {
  const p = loaded.policyFile ? loadPolicy(loaded.policyFile) : { value: DEFAULT_POLICY, diagnostics: [] };
  if (!p.value) return { diagnostics: p.diagnostics };
  const rules = await loadCustomRules(resolve(loaded.baseDir, p.value.custom_rules));
  return { value: { policy: p.value, customRules: rules.value ?? [] }, diagnostics: [...p.diagnostics, ...rules.diagnostics] };
}

