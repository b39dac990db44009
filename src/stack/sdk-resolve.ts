import { register } from "node:module";

let registered = false;

/**
 * From now on, `import … from "mops"` in any module this process loads is
 * this Mops's own SDK (src/stack/sdk-hooks.ts), wherever the importing stack
 * lives. Called before a TypeScript stack or policy rule is imported. Where
 * the sources run unbuilt (tests), the repository's `mops` path mapping holds
 * already and nothing is registered.
 */
export function resolveMopsToOwnSdk(): void {
  if (registered || import.meta.url.endsWith(".ts")) return;
  registered = true;
  // The package's own `exports` name its SDK (a self-reference); the hooks are built beside it.
  const sdk = import.meta.resolve("mops");
  register(new URL("sdk-hooks.js", sdk), { data: { sdk } });
}
