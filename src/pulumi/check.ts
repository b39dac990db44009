import Ajv from "ajv";
import { KIND_KEYS, Name, ProviderConfig, type Kind } from "../model";
import { providerTypes } from "../provider/registry";
import { schemaIssues } from "../stack/schema-check";
import { pathText } from "../model/refs";

export interface CheckFailure {
  property: string;
  reason: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateConfig = ajv.compile(ProviderConfig);
const validName = ajv.compile(Name);

/**
 * Schema failures of one resource's inputs, with Pulumi-style property paths
 * (`spec.steps[1].template`). The spec goes through the stack file's own
 * checker, so a Pulumi user reads the same messages as `mops validate` prints.
 */
export function checkInputs(kind: Kind, inputs: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const { provider, name, spec } = inputs;
  if (!validateConfig(provider)) {
    for (const e of validateConfig.errors ?? []) {
      const property = `provider${e.instancePath.replace(/\//g, ".")}`;
      // A union (the token reference) fails once per branch: one line per property is enough.
      if (failures.some((f) => f.property === property)) continue;
      const reason = property === "provider.token" ? "must be a reference such as ${env:HUBSPOT_TOKEN}, {env: NAME} or {file: PATH}, never the token itself" : (e.message ?? "invalid");
      failures.push({ property, reason });
    }
  } else if (!providerTypes().includes((provider as ProviderConfig).type)) {
    failures.push({ property: "provider.type", reason: `unknown provider type \`${(provider as ProviderConfig).type}\`; use one of: ${providerTypes().join(", ")}` });
  }
  if (!validName(name)) failures.push({ property: "name", reason: `expected a lower_snake_case name (a-z, 0-9, _; at most 100), got ${JSON.stringify(name)}` });
  // The stack-file checker validates a spec as a value of its kind's map: the same messages as `mops validate`.
  const issues = schemaIssues({ stack: "pulumi", [KIND_KEYS[kind]]: { resource: spec ?? null } });
  for (const i of issues) {
    failures.push({ property: pathText(["spec", ...i.path.slice(2)]), reason: i.hint ? `${i.message} (${i.hint})` : i.message });
  }
  return failures;
}

