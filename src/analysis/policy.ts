import { readdirSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { join, resolve } from "node:path";
import Ajv from "ajv";
import { Type, type Static } from "@sinclair/typebox";
import { error, type Diagnostic, type Result, type Severity } from "../diagnostics";
import { KINDS, type Stack } from "../model";
import type { LoadedStack } from "../stack/types";
import { parseYamlFile } from "../stack/yaml-file";
import { closest } from "../stack/suggest";

/**
 * Policy as code: one YAML file per stack (`policy.yaml` beside it, or the
 * stack's `policy:` key). Rule levels: `mandatory` findings are errors,
 * `advisory` ones warnings, `info` informational, `off` dropped. Keys are
 * finding codes, `prefix/*` or `*`; the most specific key wins.
 */
const Level = Type.Union([Type.Literal("off"), Type.Literal("info"), Type.Literal("advisory"), Type.Literal("mandatory")]);
const KindName = Type.Union(KINDS.map((k) => Type.Literal(k)));

export const PolicySchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    rules: Type.Optional(Type.Record(Type.String({ pattern: "^(\\*|[a-z_]+/(\\*|[a-z0-9-]+))$" }), Level, { additionalProperties: false })),
    governance: Type.Optional(Type.Object(
      {
        require_owner: Type.Optional(Type.Array(KindName, { uniqueItems: true })),
        require_purpose: Type.Optional(Type.Array(KindName, { uniqueItems: true })),
      },
      { additionalProperties: false },
    )),
    /** In addition to environments declared `protected: true` in the stack. */
    protected_environments: Type.Optional(Type.Array(Type.String(), { uniqueItems: true })),
    approvals: Type.Optional(Type.Array(Type.Object(
      {
        description: Type.Optional(Type.String()),
        /** Default: every protected environment. */
        environments: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
        /** Default: every kind. */
        kinds: Type.Optional(Type.Array(KindName, { minItems: 1, uniqueItems: true })),
        /** The changed resource's owner (a user, or any member of the owning team) must approve. */
        owners: Type.Optional(Type.Boolean()),
        /** A member of each of these teams must approve. */
        teams: Type.Optional(Type.Array(Type.String(), { uniqueItems: true })),
      },
      { additionalProperties: false },
    ))),
    safe_rollout: Type.Optional(Type.Object(
      {
        max_percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
        require_holdout: Type.Optional(Type.Boolean()),
        /** Default: every protected environment. */
        environments: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
      },
      { additionalProperties: false },
    )),
    /** Folder of custom rules (`*.ts`), relative to the stack; default `policy`. */
    custom_rules: Type.Optional(Type.String()),
  },
  { additionalProperties: false, $id: "https://mops.dev/schema/policy.json", title: "Mops policy file" },
);
export type PolicyFile = Static<typeof PolicySchema>;
export type Level = Static<typeof Level>;

export interface Policy {
  file?: string;
  rules: Record<string, Level>;
  governance: { require_owner: string[]; require_purpose: string[] };
  protected_environments: string[];
  approvals: NonNullable<PolicyFile["approvals"]>;
  safe_rollout?: PolicyFile["safe_rollout"];
  custom_rules: string;
}

export const DEFAULT_POLICY: Policy = {
  rules: {},
  governance: { require_owner: ["workflow"], require_purpose: ["workflow"] },
  protected_environments: [],
  // With no policy file, a protected environment still needs the owner's approval: that is what protection means.
  approvals: [{ owners: true }],
  custom_rules: "policy",
};

export function policyFrom(p: PolicyFile, file?: string): Policy {
  return {
    file,
    rules: p.rules ?? {},
    governance: {
      require_owner: p.governance?.require_owner ?? DEFAULT_POLICY.governance.require_owner,
      require_purpose: p.governance?.require_purpose ?? DEFAULT_POLICY.governance.require_purpose,
    },
    protected_environments: p.protected_environments ?? [],
    approvals: p.approvals ?? DEFAULT_POLICY.approvals,
    safe_rollout: p.safe_rollout,
    custom_rules: p.custom_rules ?? "policy",
  };
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(PolicySchema);

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
  if (validate(data)) return { value: policyFrom(data as PolicyFile, file), diagnostics: [] };
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

/** A team's own rule: a function over the stack, or `{ code, check }` (the code is given to findings without one). */
export type CustomRuleExport = ((stack: Stack) => Diagnostic[]) | { code: string; check: (stack: Stack) => Diagnostic[] };
export interface CustomRule { code: string; file: string; check: (stack: Stack) => Diagnostic[] }

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
