import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli";

/**
 * What a command loads, as users run it (the built CLI): every module through
 * Node's loader (a `load` hook) and every CommonJS module (`require.cache` at
 * exit), recorded by a preload.
 */
const dir = mkdtempSync(join(tmpdir(), "mops-loaded-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, "hooks.mjs"),
  `import { appendFileSync } from "node:fs";
let out;
export function initialize(data) { out = data.out; }
export async function load(url, context, next) { appendFileSync(out, url + "\\n"); return next(url, context); }
`,
);
writeFileSync(
  join(dir, "record.mjs"),
  `import Module, { register } from "node:module";
import { appendFileSync } from "node:fs";
const out = process.env.MOPS_LOADED;
register(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)}, { data: { out } });
process.on("exit", () => appendFileSync(out, Object.keys(Module._cache).join("\\n") + "\\n"));
`,
);

let runs = 0;
async function loadedBy(args: string[]): Promise<string[]> {
  const out = join(dir, `loaded-${runs++}.txt`);
  writeFileSync(out, "");
  await promisify(execFile)(process.execPath, ["--import", join(dir, "record.mjs"), join(ROOT, "bin", "mops.js"), ...args], {
    cwd: dir,
    env: { ...process.env, MOPS_LOADED: out, NO_COLOR: "1", CI: "true" },
  });
  return [...new Set(readFileSync(out, "utf8").split("\n").filter(Boolean))];
}

const packagesIn = (loaded: string[]) => [...new Set(loaded.flatMap((l) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(l)?.[1] ?? []))].sort();

/** The chunks of the build that are only loaded on demand: one per command, one per provider. */
const lazyChunks = () =>
  new Set(
    [join(ROOT, "dist"), join(ROOT, "dist", "chunks")]
      .flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(d, f), "utf8")))
      .flatMap((code) => [...code.matchAll(/import\("\.\/(?:chunks\/)?([^"]+\.js)"\)/g)].map((m) => m[1]!)),
  );
const lazyLoaded = (loaded: string[]) => {
  const lazy = lazyChunks();
  return loaded.map((l) => l.slice(l.lastIndexOf("/") + 1)).filter((f) => lazy.has(f)).map((f) => f.replace(/-[A-Z0-9]+\.js$/, ""));
};

const HEAVY = ["mermaid", "pg", "playwright-core", "jsdom", "@pulumi/pulumi", "axios", "tsx", "typescript", "esbuild"];

describe("what a command loads", () => {
  it("`mops validate` on a YAML stack: its own command, no provider, no heavy module, no schema compiler", async () => {
    const loaded = await loadedBy(["validate", join(ROOT, "examples", "quickstart")]);
    expect(lazyLoaded(loaded)).toEqual(["validate"]);
    expect(packagesIn(loaded).filter((p) => HEAVY.includes(p))).toEqual([]);
    // The validators are precompiled: of ajv, only the helpers its generated code calls.
    expect(loaded.filter((l) => l.includes("/node_modules/ajv/") && !l.includes("/ajv/dist/runtime/"))).toEqual([]);
  });

  it("`mops validate` on a TypeScript stack loads the TypeScript loader (so the recorder sees lazy loads)", async () => {
    const loaded = await loadedBy(["validate", join(ROOT, "examples", "quickstart-ts")]);
    expect(packagesIn(loaded)).toContain("tsx");
    expect(packagesIn(loaded).filter((p) => HEAVY.includes(p) && p !== "tsx" && p !== "esbuild")).toEqual([]);
  });

  it("`mops --version` loads no command and no package", async () => {
    const loaded = await loadedBy(["--version"]);
    expect(lazyLoaded(loaded)).toEqual([]);
    expect(packagesIn(loaded)).toEqual([]);
  });

  it("every module of the build loads in Node (each import written so that Node resolves it)", async () => {
    const files = [join(ROOT, "dist"), join(ROOT, "dist", "chunks")].flatMap((d) =>
      readdirSync(d).filter((f) => /\.c?js$/.test(f)).map((f) => pathToFileURL(join(d, f)).href),
    );
    const script = `for (const f of ${JSON.stringify(files)}) await import(f);`;
    await expect(promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: dir })).resolves.toBeDefined();
  });
});
