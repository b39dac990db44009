import type { Resource, Stack } from "../../../src/model";

/** An in-memory stack for rules the YAML corpus cannot reach (the loader rejects them first). */
export function stackOf(resources: Resource[], environment = "prod", protectedEnv = false): Stack {
  return {
    name: "t",
    environment,
    environments: { [environment]: { provider: { type: "sandbox" }, ...(protectedEnv ? { protected: true } : {}) } },
    resources,
  };
}
