import { stringify } from "yaml";
import { KIND_KEYS, KINDS, type Environment, type Kind, type Resource } from "../model";

export { toResourceName, uniqueResourceNames } from "../model";

/**
 * Model -> YAML stack files (what `mops import` writes): `mops.yaml` with the
 * stack header, then one file per kind (`workflows.yaml`: kind key -> name ->
 * spec). The output is a directory stack that `loadStack` reads back.
 */

export interface EmitInput {
  name: string;
  description?: string;
  environments?: Record<string, Environment>;
  default_environment?: string;
  resources: readonly Resource[];
}

export interface EmitOptions {
  /** Where editors fetch the JSON Schema from (`mops schema` writes it). */
  schemaUrl?: string;
  /** Named in each file's header comment, e.g. "HubSpot account (prod)". */
  source?: string;
  /** Said in the header of a kind's file: what the platform does not let Mops write ("read-only on braze: …"). */
  limits?: Partial<Record<Kind, string>>;
}

export interface EmittedFile {
  /** Relative to the stack directory. */
  path: string;
  text: string;
}

export const DEFAULT_SCHEMA_URL = "https://mops.dev/schema/stack.json";

function header(what: string, opts: EmitOptions, kind?: Kind): string {
  const limit = kind === undefined ? undefined : opts.limits?.[kind];
  return [
    `# yaml-language-server: $schema=${opts.schemaUrl ?? DEFAULT_SCHEMA_URL}`,
    `# ${what}: written by \`mops import\`${opts.source ? ` from ${opts.source}` : ""}.`,
    ...(limit ? [`# ${limit.replace(/\n/g, " ")}`] : []),
    "# Review, commit, then `mops plan`: an unchanged import plans no changes.",
    "",
  ].join("\n");
}

/** Specs as YAML the way stack files hold them: no folding, no anchors. */
export const toYaml = (v: unknown): string => stringify(v, { lineWidth: 0, aliasDuplicateObjects: false });

export function emitStackYaml(stack: EmitInput, opts: EmitOptions = {}): EmittedFile[] {
  const head: Record<string, unknown> = { stack: stack.name };
  if (stack.description) head.description = stack.description;
  if (stack.default_environment) head.default_environment = stack.default_environment;
  if (stack.environments && Object.keys(stack.environments).length) head.environments = stack.environments;
  const files: EmittedFile[] = [{ path: "mops.yaml", text: header(`Stack ${stack.name}`, opts) + toYaml(head) }];
  for (const kind of KINDS) {
    const of = stack.resources.filter((r) => r.kind === kind).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (!of.length) continue;
    const key = KIND_KEYS[kind];
    const body = { [key]: Object.fromEntries(of.map((r) => [r.name, r.spec])) };
    files.push({ path: `${key}.yaml`, text: header(`${key} of stack ${stack.name} (${of.length})`, opts, kind) + toYaml(body) });
  }
  return files;
}
