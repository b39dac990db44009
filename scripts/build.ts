/**
 * `npm run build`: the package as users run it, in dist/.
 *
 * - JavaScript (esbuild): one ES module per entry, the code they share and
 *   everything loaded on demand (each command, each provider, the TypeScript
 *   loader's glue) split into chunks under dist/chunks/, so a command loads
 *   only its own share. The few libraries every command
 *   loads are bundled in; the others are imported from node_modules.
 * - Types (dts-bundle-generator): one self-contained .d.ts per public entry,
 *   `mops` and `mops/pulumi`, with no relative imports left for a consumer's
 *   TypeScript to resolve.
 *
 * `--js` builds only the JavaScript (what the tests run; the types take far longer).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const DIST = join(ROOT, "dist");

/** dist/<name>.js ← source. Only these files are loaded by path; everything else is a chunk. */
export const ENTRIES = {
  cli: "src/cli/main.ts",
  sdk: "src/sdk/index.ts",
  pulumi: "src/pulumi/index.ts",
  // Imported by URL in a Pulumi host process (src/pulumi/resources.ts).
  "pulumi-provider": "src/pulumi/provider.ts",
  // Registered with module.register() when a TypeScript stack is loaded (src/stack/sdk-resolve.ts).
  "sdk-hooks": "src/stack/sdk-hooks.ts",
};

/**
 * Libraries that nearly every command loads are bundled in: one chunk to read
 * instead of a few hundred small files to resolve (TypeBox alone is ~200).
 * Every other package is imported from node_modules, and only by the command
 * that needs it.
 */
const BUNDLED = new Set(["@sinclair/typebox", "commander", "yaml", "picocolors", "fastest-levenshtein"]);

const packageName = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

/** A deep import as Node's ES module loader resolves it: into a package with no `exports` map, with its file's extension. */
function forNode(specifier: string): string {
  const name = packageName(specifier);
  if (name === specifier || specifier.startsWith("node:") || /\.[cm]?js$/.test(specifier)) return specifier;
  let manifest: string;
  try {
    manifest = createRequire(join(ROOT, "package.json")).resolve(`${name}/package.json`);
  } catch {
    return specifier; // an `exports` map that hides package.json: Node resolves the subpath through it
  }
  if ((JSON.parse(readFileSync(manifest, "utf8")) as { exports?: unknown }).exports) return specifier;
  return existsSync(join(dirname(manifest), `${specifier.slice(name.length + 1)}.js`)) ? `${specifier}.js` : specifier;
}

const externalPackages: Plugin = {
  name: "external-packages",
  setup(b) {
    // A bare specifier that is not bundled stays an import (node:… builtins included), written
    // so that Node finds it (`@pulumi/pulumi/runtime/rpc` → `…/rpc.js`).
    b.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED.has(packageName(args.path)) ? undefined : { path: forNode(args.path), external: true }));
  },
};

// Bundled CommonJS libraries `require` Node's builtins: an ES module has no `require` of its own.
const REQUIRE_BANNER = 'import { createRequire as __mopsCreateRequire } from "node:module"; const require = __mopsCreateRequire(import.meta.url);';

/** The public entries that get a .d.ts (package.json `exports` types). */
const TYPED = { sdk: ENTRIES.sdk, pulumi: ENTRIES.pulumi };

export async function buildJs(): Promise<void> {
  // Stale chunks go; the declarations stay (the tests rebuild only the JavaScript).
  for (const f of existsSync(DIST) ? readdirSync(DIST) : []) if (!/\.d\.c?ts$/.test(f)) rmSync(join(DIST, f), { recursive: true, force: true });
  // For `require("mops")`: a TypeScript stack outside an ES-module package is loaded as CommonJS.
  await build({
    absWorkingDir: ROOT,
    entryPoints: { sdk: ENTRIES.sdk },
    outdir: DIST,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    logLevel: "warning",
  });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: DIST,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    plugins: [externalPackages],
    banner: { js: REQUIRE_BANNER },
    logLevel: "warning",
  });
}

export function buildTypes(): void {
  const config = join(DIST, ".dts-config.json");
  const tsconfig = join(ROOT, "tsconfig.dts.json");
  writeFileSync(
    config,
    JSON.stringify({
      compilationOptions: { preferredConfigPath: tsconfig },
      entries: Object.entries(TYPED).map(([name, filePath]) => ({ filePath: join(ROOT, filePath), outFile: join(DIST, `${name}.d.ts`) })),
    }),
  );
  const bin = join(ROOT, "node_modules", "dts-bundle-generator", "dist", "bin", "dts-bundle-generator.js");
  const r = spawnSync(process.execPath, [bin, "--silent", "--config", config], { cwd: ROOT, stdio: "inherit" });
  rmSync(config);
  if (r.status !== 0) throw new Error("dts-bundle-generator failed");
  // The same declarations, read as CommonJS for `require("mops")` (package.json `exports`).
  copyFileSync(join(DIST, "sdk.d.ts"), join(DIST, "sdk.d.cts"));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildJs();
  if (!process.argv.includes("--js")) buildTypes();
}
