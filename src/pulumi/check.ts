import Ajv from "ajv";
import { KIND_KEYS, ProviderConfig, type Kind } from "../model";
import { providerTypes } from "../provider/registry";
import { schemaIssues } from "../stack/schema-check";
import type { SpecPath } from "../stack/types";

export interface CheckFailure {
  property: string;
  reason: string;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateConfig = ajv.compile(ProviderConfig);

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
      failures.push({ property: `provider${e.instancePath.replace(/\//g, ".")}`, reason: `${e.message ?? "invalid"}${tokenHint(e.instancePath)}` });
    }
  } else if (!providerTypes().includes((provider as ProviderConfig).type)) {
    failures.push({ property: "provider.type", reason: `unknown provider type \`${(provider as ProviderConfig).type}\`; use one of: ${providerTypes().join(", ")}` });
  }
  if (typeof name !== "string") {
    failures.push({ property: "name", reason: "expected text" });
    return failures;
  }
  // The stack-file checker validates a name as a key of its kind's map and a spec as its value.
  const issues = schemaIssues({ stack: "pulumi", [KIND_KEYS[kind]]: { [name]: spec } });
  for (const i of issues) {
    const rest = i.path.slice(2);
    const property = i.path.length < 2 ? "spec" : rest.length === 0 && i.target === "key" ? "name" : propertyPath(["spec", ...rest]);
    failures.push({ property, reason: i.hint ? `${i.message} (${i.hint})` : i.message });
  }
  return failures;
}

const tokenHint = (path: string) =>
  path.startsWith("/token") ? ": give a reference such as ${env:HUBSPOT_TOKEN}, never the token itself" : "";

function propertyPath(path: SpecPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}
