import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { KINDS, type Kind } from "../../src/model";
import type { LiveObject } from "../../src/provider";
import { refresh } from "../../src/plan";
import { createSandboxProvider } from "../../providers/sandbox";
import { openBackend } from "../../src/state";
import type { StateBackend } from "../../src/state/types";

export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const BIN = join(ROOT, "bin", "mops.js");

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `mops …` as a user runs it: a subprocess, no TTY, no colour. */
export function mops(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; onStdout?: (soFar: string, child: ChildProcess) => void },
): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, NO_COLOR: "1", CI: "true", MOPS_ACTOR: "tester@example.com", MOPS_SANDBOX_FAULTS: "", ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      opts.onStdout?.(stdout, child);
    });
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", fail);
    child.on("close", (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

/** A private copy of an example stack (with no `.mops` yet). */
export function tempStack(example = "quickstart"): string {
  const dir = mkdtempSync(join(tmpdir(), "mops-e2e-"));
  cpSync(join(ROOT, "examples", example), dir, { recursive: true, filter: (src) => !src.includes(`${"/"}.mops`) });
  return dir;
}

/** Edit the stack's mops.yaml as data (comments are not needed in tests). */
export function editStack(dir: string, edit: (doc: Record<string, any>) => void): void {
  const file = join(dir, "mops.yaml");
  const doc = parse(readFileSync(file, "utf8")) as Record<string, any>;
  edit(doc);
  writeFileSync(file, stringify(doc));
}

/** The embedded sandbox's platform, opened on the stack's data directory (no CLI may run meanwhile). */
export async function withPlatform<T>(dir: string, f: (p: Awaited<ReturnType<typeof createSandboxProvider>>) => Promise<T>): Promise<T> {
  const doc = parse(readFileSync(join(dir, "mops.yaml"), "utf8")) as { environments?: { sandbox?: { provider?: { data_dir?: string } } } };
  const dataDir = doc.environments?.sandbox?.provider?.data_dir;
  const p = await createSandboxProvider({ config: { type: "sandbox", ...(dataDir ? { data_dir: dataDir } : {}) }, stack: "quickstart", environment: "sandbox", baseDir: dir, env: {} });
  try {
    return await f(p);
  } finally {
    await p.close();
  }
}

/** Every live object, keyed `kind.name`, ids dropped: what "the same live state" means across recreations. */
export async function liveSnapshot(dir: string): Promise<{ byName: Record<string, unknown>; objects: LiveObject[] }> {
  return withPlatform(dir, async (p) => {
    const { live } = await refresh(p, KINDS.filter((k: Kind) => p.capabilities[k]?.read), {});
    const byName: Record<string, unknown> = {};
    for (const o of live) byName[`${o.kind}.${o.name}`] = o.spec;
    return { byName, objects: live };
  });
}

export async function backendOf(dir: string, stack = "quickstart"): Promise<StateBackend> {
  const r = await openBackend(undefined, { stack, environment: "sandbox", baseDir: dir, env: {} });
  return r.value!;
}
