import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { register } from "../../../src/cli/sandbox";
import { raw, tempDir } from "./helpers";

const BIN = fileURLToPath(new URL("../../../bin/mops.js", import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("mops sandbox serve", () => {
  it("serves until SIGTERM, prints its URL and keeps data in --data", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const child = spawn(process.execPath, [BIN, "sandbox", "serve", "--port", "0", "--data", dir, "--token-env", "SB_TOKEN"], {
      env: { ...process.env, SB_TOKEN: "tok-1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    cleanups.push(() => child.kill("SIGKILL"));
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", () => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    expect((await raw(url, "GET", "/v1/teams")).status).toBe(401);
    expect((await raw(url, "POST", "/v1/teams", { name: "ops" }, "tok-1")).status).toBe(201);
    expect(existsSync(join(dir, "teams.json"))).toBe(true);

    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toContain("Sandbox stopped (SIGTERM).");
  }, 30_000);

  it("refuses bad faults and a missing token variable as user errors", async () => {
    const program = new Command("mops").exitOverride();
    register(program);
    let printed = "";
    const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    try {
      await program.parseAsync(["node", "mops", "sandbox", "serve", "--memory", "--faults", '{"errorRate":5}']);
      expect(process.exitCode).toBe(1);
      await program.parseAsync(["node", "mops", "sandbox", "serve", "--memory", "--token-env", "MOPS_TEST_UNSET_VAR"]);
    } finally {
      err.mockRestore();
      process.exitCode = 0;
    }
    expect(printed).toContain("fault `errorRate` has an invalid value 5");
    expect(printed).toContain("environment variable `MOPS_TEST_UNSET_VAR` is not set");
  });
});
