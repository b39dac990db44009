import { fileURLToPath } from "node:url";

/**
 * The quickstart example stack, which `init` scaffolds from and `quickstart`
 * copies: shipped in the package (`files`), found through the package's own
 * `exports`, wherever the code that asks was bundled.
 */
export const exampleDir = (): string => fileURLToPath(new URL("examples/quickstart/", import.meta.resolve("mops/package.json")));

/** Policy rule packs a team can switch on (`mops init --policy starter`), shipped beside the quickstart. */
export const policyPacksDir = (): string => fileURLToPath(new URL("examples/policy-packs/", import.meta.resolve("mops/package.json")));
