import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { cp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli";
import { lockFileRegistry } from "../helpers/registry";

const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 << 20 }).catch((e: { stdout: string; stderr: string; message: string }) => {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${e.message}\n${e.stdout}\n${e.stderr}`);
  });

/**
 * The package as a user gets it: `npm pack` (which builds it, through
 * `prepare`) in a copy of the repository, then `npm install -g` of the tarball
 * into an empty prefix. The registry is a local one serving what the lock file
 * pins from npm's cache (warm after `npm ci`), so no test touches the network.
 */
describe("the packed tarball, installed globally", () => {
  const tmp = mkdtempSync(join(tmpdir(), "mops-install-"));
  // Asynchronous: the installed tree is large, and a blocked worker misses the test runner's messages.
  afterAll(() => rm(tmp, { recursive: true, force: true }));
  const prefix = join(tmp, "prefix");
  const mops = (args: string[], cwd: string) => run(join(prefix, "bin", "mops"), args, cwd, { NO_COLOR: "1", CI: "true", MOPS_ACTOR: "tester@example.com" });

  it("installs with no dev dependencies and runs quickstart and a TypeScript stack", async () => {
    // A copy of the repository, as a fresh clone would be after `npm ci` (its node_modules).
    const src = join(tmp, "src");
    const skip = new Set(["node_modules", ".git", "dist", ".mops", ".sandbox", ".probe", "coverage"]);
    await cp(ROOT, src, { recursive: true, filter: (p) => !skip.has(relative(ROOT, p).split("/")[0]!) });
    symlinkSync(join(ROOT, "node_modules"), join(src, "node_modules"), "dir");
    const packed = await run("npm", ["pack", "--pack-destination", tmp, "--silent"], src);
    const tarball = join(tmp, packed.stdout.trim().split("\n").at(-1)!);

    const npmrc = join(tmp, "npmrc");
    writeFileSync(npmrc, "");
    const registry = await lockFileRegistry(join(ROOT, "package-lock.json"));
    try {
      await run("npm", ["install", "-g", tarball, "--prefix", prefix, "--registry", registry.url, "--cache", join(tmp, "cache"),
        "--userconfig", npmrc, "--no-audit", "--no-fund", "--no-update-notifier"], tmp);
    } finally {
      await registry.close();
    }

    const installed = join(prefix, "lib", "node_modules", "mops");
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
    // Dev dependencies that nothing at run time also needs (typescript and esbuild are, through tsx and @pulumi/pulumi).
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => lock.packages[`node_modules/${d}`]?.dev);
    expect(devOnly).toContain("vitest");
    expect(devOnly.filter((d) => existsSync(join(installed, "node_modules", d)))).toEqual([]);
    // `prepare` built the types too.
    expect(["sdk.d.ts", "sdk.d.cts", "pulumi.d.ts"].filter((f) => !existsSync(join(installed, "dist", f)))).toEqual([]);

    const work = join(tmp, "work");
    mkdirSync(work);
    expect((await mops(["--version"], work)).stdout.trim()).toBe(pkg.version);
    const quickstart = await mops(["quickstart"], work);
    expect(quickstart.stdout).toContain("16 to add, 0 to change, 0 to destroy.");
    expect(quickstart.stdout).toMatch(/\n1 +\S+ +\S+ +apply +complete/);

    // A TypeScript stack outside any package (loaded as CommonJS) and in an ES-module package:
    // either way `import … from "mops"` is the installed SDK.
    for (const [name, packageJson] of [["ts-stack", undefined], ["ts-esm-stack", '{ "type": "module" }']] as const) {
      const dir = join(tmp, name);
      mkdirSync(dir);
      cpSync(join(ROOT, "examples", "quickstart-ts", "mops.ts"), join(dir, "mops.ts"));
      if (packageJson) writeFileSync(join(dir, "package.json"), packageJson);
      const r = await mops(["validate", dir], work);
      expect(r.stdout).toContain("stack `quickstart`: 16 resources, environments sandbox, production: no problems");
    }
  }, 1_200_000);
});
