import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, tempStack } from "../../helpers/cli";

/**
 * `mops apply` at a terminal, as a person runs it: util-linux `script` gives
 * the process a pseudo-terminal, the test answers the prompt once it appears.
 */
function atTerminal(args: string, cwd: string, answer: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn("script", ["-qec", `${process.execPath} ${join(ROOT, "bin", "mops.js")} ${args}`, "/dev/null"], {
      cwd,
      env: { ...process.env, MOPS_SANDBOX_FAULTS: "", NO_COLOR: "1", TERM: "xterm" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let answered = false;
    child.stdout.on("data", (d) => {
      out += d;
      if (!answered && out.includes("Enter a value:")) {
        answered = true;
        child.stdin.write(`${answer}\n`);
      }
    });
    child.on("error", fail);
    child.on("close", () => done(out));
  });
}

describe("apply at a terminal", { timeout: 120_000 }, () => {
  const dir = tempStack();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("asks, and anything but 'yes' changes nothing", async () => {
    const out = await atTerminal("apply", dir, "y");
    expect(out).toContain("Do you want to apply these changes?");
    expect(out).toContain("Apply cancelled.");
    expect(out).not.toContain("Apply complete!");
  });

  it("applies on 'yes', drawing progress in place on the terminal", async () => {
    const out = await atTerminal("apply", dir, "yes");
    expect(out).toContain("Apply complete! Resources: 16 added, 0 changed, 0 destroyed.");
    // The live progress line is redrawn in place (carriage return + erase line), which plain CI output never does.
    expect(out).toMatch(/\r\x1b\[K\[\d+\/16\]/);
  });
});
