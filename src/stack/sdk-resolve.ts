import Module, { createRequire, register } from "node:module";

type ResolveFilename = (this: unknown, request: string, ...rest: unknown[]) => string;

let registered = false;

/**
 * From now on, `import … from "mops"` in any module this process loads is
 * this Mops's own SDK, wherever the importing stack lives and however Mops
 * was installed (globally, with npx, in a clone). Called before a TypeScript
 * stack or policy rule is imported. Where the sources run unbuilt (tests),
 * the repository's `mops` path mapping holds already and nothing is changed.
 *
 * A stack in an ES-module package imports through Node's loader, answered by
 * src/stack/sdk-hooks.ts; any other is loaded as CommonJS, whose `require`
 * has no public hook on Node 20, so its resolver is wrapped for this one name.
 */
export function resolveMopsToOwnSdk(): void {
  if (registered || import.meta.url.endsWith(".ts")) return;
  registered = true;
  // The package's own `exports` name its SDK (a self-reference); the hooks are built beside it.
  const sdk = import.meta.resolve("mops");
  register(new URL("sdk-hooks.js", sdk), { data: { sdk } });
  const sdkCommonJs = createRequire(import.meta.url).resolve("mops");
  const cjs = Module as unknown as { _resolveFilename: ResolveFilename };
  const next = cjs._resolveFilename;
  cjs._resolveFilename = function (request, ...rest) {
    return request === "mops" ? sdkCommonJs : next.call(this, request, ...rest);
  };
}
