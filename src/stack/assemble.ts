import { error, type Diagnostic } from "../diagnostics";
import { address, KIND_KEYS, KIND_OF_KEY, KINDS, type Environment, type Kind, type Resource, type Stack } from "../model";
import type { Locator } from "./locator";
import { schemaIssues, type SchemaIssue } from "./schema-check";
import { StackSources, type Origin } from "./sources";
import { quote, suggestion } from "../diagnostics/suggest";
import type { SpecPath } from "./types";
import { count, LIMITS } from "./limits";
import { where as fmt } from "./where";

/** One stack file after parsing, `${env:…}` resolution and schema checks. */
export interface Unit {
  file: string;
  value: Record<string, unknown>;
  locator: Locator;
}

export interface Assembled {
  stack?: Stack;
  sources: StackSources;
  diagnostics: Diagnostic[];
}

const HEADER_SCALARS = ["stack", "description", "default_environment", "policy"] as const;
const DEFAULT_ENVIRONMENTS: Record<string, Environment> = { sandbox: { provider: { type: "sandbox" } } };


/**
 * Merge the files of a stack into one model for one environment: header
 * settings, resources (each declared once), the environment's overrides.
 */
export function assemble(units: Unit[], texts: ReadonlyMap<string, string>, environment?: string, sharedDefault?: string): Assembled {
  const diagnostics: Diagnostic[] = [];
  const header: Partial<Record<(typeof HEADER_SCALARS)[number], { value: string; unit: Unit }>> = {};
  const environments = new Map<string, { env: Environment; unit: Unit }>();
  const declared = new Map<string, { kind: Kind; name: string; spec: unknown; unit: Unit }>();

  // A file with schema errors is still merged, for the cross-file checks: use only the parts of the right shape
  // (the rest is already reported), so `default_environment:` left empty is a schema error, not a crash.
  for (const unit of units) {
    const v = unit.value;
    for (const key of HEADER_SCALARS) {
      const value = v[key];
      if (typeof value !== "string") continue;
      const first = header[key];
      if (first && first.value !== value) {
        diagnostics.push(
          error("MOPS121", `\`${key}\` is set in two files`, {
            range: unit.locator.locate([key]),
            hint: `it is already ${quote(first.value)} at ${fmt(first.unit.locator.locate([key]))}; set it in one file`,
          }),
        );
      } else if (!first) header[key] = { value, unit };
    }
    for (const [name, env] of Object.entries(mapping(v.environments))) {
      if (!isMap(env)) continue;
      const first = environments.get(name);
      if (first) {
        diagnostics.push(
          error("MOPS210", `environment \`${name}\` is declared twice`, {
            range: unit.locator.locate(["environments", name], "key"),
            hint: `first declared at ${fmt(first.unit.locator.locate(["environments", name], "key"))}`,
          }),
        );
      } else environments.set(name, { env: env as Environment, unit });
    }
    for (const kind of KINDS) {
      for (const [name, spec] of Object.entries(mapping(v[KIND_KEYS[kind]]))) {
        const addr = address(kind, name);
        const first = declared.get(addr);
        if (first) {
          diagnostics.push(
            error("MOPS210", `${kind} \`${name}\` is declared twice`, {
              range: unit.locator.locate([KIND_KEYS[kind], name], "key"),
              hint: `first declared at ${fmt(first.unit.locator.locate([KIND_KEYS[kind], name], "key"))}; rename one or remove it`,
              address: addr,
            }),
          );
        } else declared.set(addr, { kind, name, spec, unit });
      }
    }
  }

  const origins = new Map<string, Origin>();
  for (const [addr, d] of declared) origins.set(addr, { locator: d.unit.locator, prefix: [KIND_KEYS[d.kind], d.name] });
  const sources = new StackSources(origins, texts);

  if (!header.stack) {
    diagnostics.push(
      error("MOPS120", "the stack has no name", {
        range: units[0] ? units[0].locator.locate([]) : undefined,
        hint: "add `stack: my_stack` at the top of a stack file",
      }),
    );
  }

  const envs: Record<string, Environment> =
    environments.size > 0 ? Object.fromEntries([...environments].map(([n, e]) => [n, e.env])) : { ...DEFAULT_ENVIRONMENTS };
  const envNames = Object.keys(envs);
  const def = header.default_environment;
  if (def && !(def.value in envs)) {
    diagnostics.push(
      error("MOPS220", `default environment \`${def.value}\` is not declared`, {
        range: def.unit.locator.locate(["default_environment"]),
        hint: suggestion(def.value, envNames, "environments"),
      }),
    );
  }
  // The repository config's default serves the stacks that name none, and declare it.
  const fallback = sharedDefault !== undefined && sharedDefault in envs ? sharedDefault : envNames[0];
  const chosen = environment ?? (def && def.value in envs ? def.value : fallback);
  if (!(chosen in envs)) {
    const where = [...environments.values()][0];
    diagnostics.push(
      error("MOPS220", `environment \`${chosen}\` is not declared in this stack`, {
        range: where?.unit.locator.locate(["environments"], "key"),
        hint: suggestion(chosen, envNames, "environments"),
      }),
    );
  }

  const specs = new Map<string, unknown>([...declared].map(([a, d]) => [a, d.spec]));
  for (const [envName, { env, unit }] of environments) {
    for (const [kindKey, byName] of Object.entries(mapping(env.overrides))) {
      const prefix = ["environments", envName, "overrides", kindKey];
      const kind = KIND_OF_KEY[kindKey];
      if (!kind) {
        diagnostics.push(
          error("MOPS221", `overrides name an unknown kind ${quote(kindKey)}`, {
            range: unit.locator.locate(prefix, "key"),
            hint: suggestion(kindKey, Object.values(KIND_KEYS), "kinds"),
          }),
        );
        continue;
      }
      for (const [name, partial] of Object.entries(mapping(byName))) {
        const addr = address(kind, name);
        if (!declared.has(addr)) {
          const names = [...declared.values()].filter((d) => d.kind === kind).map((d) => d.name);
          diagnostics.push(
            error("MOPS221", `environment \`${envName}\` overrides ${kind} \`${name}\`, which is not declared`, {
              range: unit.locator.locate([...prefix, name], "key"),
              hint: suggestion(name, names, KIND_KEYS[kind]),
            }),
          );
        } else if (envName === chosen) {
          specs.set(addr, mergeOverride(specs.get(addr), partial));
          origins.get(addr)!.override = { locator: unit.locator, prefix: [...prefix, name], value: partial };
        }
      }
    }
  }

  diagnostics.push(...overLimits(declared, specs, sources));
  for (const [envName, { env, unit }] of environments) diagnostics.push(...pinnedIssues(envName, env, unit, declared));

  // Overridden specs are checked again: an override can break a valid declaration.
  for (const [addr, o] of origins) {
    if (!o.override) continue;
    const d = declared.get(addr)!;
    const issues = schemaIssues({ [KIND_KEYS[d.kind]]: { [d.name]: specs.get(addr) } });
    for (const i of issues) diagnostics.push(issueAt(i, sources, addr));
  }

  if (diagnostics.some((d) => d.severity === "error") || !header.stack) return { sources, diagnostics };

  const resources = [...declared.values()]
    .map((d) => ({ kind: d.kind, name: d.name, spec: specs.get(address(d.kind, d.name)) }) as Resource)
    .sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const stack: Stack = {
    name: header.stack.value,
    ...(header.description ? { description: header.description.value } : {}),
    environment: chosen,
    environments: envs,
    resources,
  };
  return { stack, sources, diagnostics };
}

/** The documented limits on resources per stack and steps per workflow (limits.ts), each at its place. */
function overLimits(declared: Map<string, { kind: Kind; name: string; unit: Unit }>, specs: Map<string, unknown>, sources: StackSources): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (declared.size > LIMITS.resources) {
    const [addr, d] = [...declared][LIMITS.resources]!;
    out.push(
      error("MOPS006", `the stack declares ${count(declared.size)} resources; a stack may declare at most ${count(LIMITS.resources)}`, {
        range: d.unit.locator.locate([KIND_KEYS[d.kind], d.name], "key"),
        hint: "split it into several stacks (one per brand, region or team)",
        address: addr,
      }),
    );
  }
  for (const [addr, d] of declared) {
    if (d.kind !== "workflow") continue;
    const n = countSteps((specs.get(addr) as { steps?: unknown } | undefined)?.steps);
    if (n > LIMITS.steps) {
      out.push(
        error("MOPS006", `workflow \`${d.name}\` has ${count(n)} steps; a workflow may have at most ${count(LIMITS.steps)}`, {
          range: sources.keyRangeOf(addr, ["steps"]),
          hint: "split the journey: one workflow can hand contacts to the next with `add_to_segment`",
          address: addr,
        }),
      );
    }
  }
  return out;
}

/** Steps in a list, nested ones included, counted without recursion and whatever their shape. */
function countSteps(steps: unknown): number {
  let n = 0;
  const todo: unknown[] = [steps];
  while (todo.length > 0) {
    const list = todo.pop();
    if (!Array.isArray(list)) continue;
    for (const s of list) {
      if (!isMap(s)) continue;
      n++;
      todo.push(s.then, s.else, ...(Array.isArray(s.paths) ? s.paths.map((p) => (isMap(p) ? p.steps : undefined)) : []));
    }
  }
  return n;
}

/** Mappings merge key by key; lists and scalars replace; `null` removes the key. */
function mergeOverride(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = mergeOverride(out[k], v);
  }
  return out;
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
const mapping = (v: unknown): Record<string, unknown> => (isMap(v) ? v : {});

/** A schema issue whose path starts `[kindKey, name, …]`, placed through the stack's sources. */
function issueAt(i: SchemaIssue, sources: StackSources, addr: string): Diagnostic {
  const specPath: SpecPath = i.path.slice(2);
  const range = i.target === "key" ? sources.keyRangeOf(addr, specPath) : sources.rangeOf(addr, specPath);
  return error(i.code, i.message, { hint: i.hint, range, address: addr });
}

/** `pinned:` entries name a kind and a declared resource (or `*`): a typo would silently promote what it meant to keep. */
function pinnedIssues(envName: string, env: Environment, unit: Unit, declared: ReadonlyMap<string, { kind: Kind; name: string }>): Diagnostic[] {
  return (env.pinned ?? []).flatMap((entry, i) => {
    const [kindKey, name] = entry.split(".") as [string, string];
    const range = unit.locator.locate(["environments", envName, "pinned", i]);
    const kind = KIND_OF_KEY[kindKey];
    if (!kind) return [error("MOPS224", `\`${entry}\` names an unknown kind ${quote(kindKey)}`, { range, hint: suggestion(kindKey, Object.values(KIND_KEYS), "kinds") })];
    if (name === "*" || declared.has(address(kind, name))) return [];
    const names = [...declared.values()].filter((d) => d.kind === kind).map((d) => d.name);
    return [error("MOPS224", `\`${entry}\` pins a value of ${kind} \`${name}\`, which is not declared`, { range, hint: suggestion(name, names, KIND_KEYS[kind]) })];
  });
}
