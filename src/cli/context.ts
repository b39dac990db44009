import { InvalidArgumentError } from "commander";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { error, hasErrors, type Diagnostic } from "../diagnostics";
import type { Stack } from "../model";
import { nullSink, type EventSink } from "../plan/events";
import { refreshAndPlan, type PlannedWorld, type PlanOptions } from "../plan";
import { createProvider, ProviderError, type Provider } from "../provider";
import { defaultStackPath, loadStack, type LoadedStack } from "../stack";
import { LockedError, openBackend, type StateBackend } from "../state";
import { StateError } from "../state/types";
import { renderDiagnostics } from "../report/diagnostics";
import { colorEnabled, guard } from "./render";

export interface StackContext {
  loaded: LoadedStack;
  stack: Stack;
  backend: StateBackend;
  /** Present when the command asked for it. */
  provider?: Provider;
  /** Where the provider's retries (429, 5xx) are reported: the command's progress display. */
  listen(sink: EventSink): void;
  close(): Promise<void>;
}

export interface StackOptions {
  env?: string;
}

/** Diagnostics for the person at the terminal, on stderr (stdout may be a plan in JSON). */
export function reportDiagnostics(ds: readonly Diagnostic[], loaded?: LoadedStack): void {
  if (!ds.length) return;
  process.stderr.write(renderDiagnostics(ds, { color: colorEnabled(process.stderr), source: (f) => loaded?.sources.text(f) }));
}

/** A one-line error for the user, exit code 1. */
export function fail(message: string, hint?: string): void {
  reportDiagnostics([error("cli/error", message, hint ? { hint } : {})]);
  process.exitCode = 1;
}

/**
 * Load the stack at `path` for `--env`, open its state backend and, when asked,
 * its provider. On a user error, prints the diagnostics, sets exit code 1 and
 * returns undefined: the command just stops.
 */
export async function openStack(path: string, opts: StackOptions, need: { provider: boolean }): Promise<StackContext | undefined> {
  // No path: the current directory must be a stack; never gather every YAML file below it.
  const target = path === "." ? defaultStackPath() : path;
  if (typeof target !== "string") {
    reportDiagnostics([target]);
    process.exitCode = 1;
    return undefined;
  }
  const res = await loadStack(target, { environment: opts.env, env: process.env });
  reportDiagnostics(res.diagnostics.filter((d) => d.severity !== "info"), res.value);
  if (!res.value || hasErrors(res.diagnostics)) {
    process.exitCode = 1;
    return undefined;
  }
  const loaded = res.value;
  const stack = loaded.stack;
  const envCfg = stack.environments[stack.environment];
  const where = { stack: stack.name, environment: stack.environment, baseDir: loaded.baseDir, env: process.env };
  const be = await openBackend(envCfg?.state, where);
  reportDiagnostics(be.diagnostics, loaded);
  if (!be.value) {
    process.exitCode = 1;
    return undefined;
  }
  const backend = be.value;
  let retries: EventSink = nullSink;
  let provider: Provider | undefined;
  if (need.provider) {
    try {
      const onRetry = (i: { attempt: number; waitMs: number; reason: string }) => retries({ type: "retry", ...i });
      const pr = envCfg ? await createProvider({ config: envCfg.provider, ...where, onRetry }) : { diagnostics: [error("cli/no-environment", `environment \`${stack.environment}\` is not declared`)] };
      reportDiagnostics(pr.diagnostics, loaded);
      provider = pr.value;
    } catch (e) {
      if (!(e instanceof ProviderError)) throw e;
      reportDiagnostics([e.diagnostic], loaded);
    }
    if (!provider) {
      await backend.close();
      process.exitCode = 1;
      return undefined;
    }
  }
  return {
    loaded, stack, backend, provider,
    listen: (sink) => {
      retries = sink;
    },
    close: async () => {
      await provider?.close();
      await backend.close();
    },
  };
}

/**
 * A command action: a platform refusal, a held lock or an unusable state store is the user's news, not
 * a bug, and prints as a diagnostic; anything else thrown is a bug (render's guard).
 */
export function engineAction<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return guard(async (...args: A) => {
    try {
      await action(...args);
    } catch (e) {
      if (e instanceof LockedError) {
        reportDiagnostics([
          error("state/locked", e.message, {
            hint: "only one apply per stack and environment runs at a time",
            detail: { lock: e.info },
          }),
        ]);
        process.exitCode = 1;
      } else if (e instanceof ProviderError) {
        reportDiagnostics([e.diagnostic]);
        process.exitCode = 1;
      } else if (e instanceof StateError) {
        reportDiagnostics([error("state/unavailable", e.message, e.hint ? { hint: e.hint } : {})]);
        process.exitCode = 1;
      } else throw e;
    }
  });
}

/**
 * Plan without the lock (plan, drift): a run journal left in state is either
 * an apply running now, one whose version is recorded, or a killed one whose
 * work the plan takes into account (the next apply records it).
 */
export async function planWithoutLock(ctx: StackContext, desired: Stack, opts: Omit<PlanOptions, "journal"> = {}): Promise<PlannedWorld> {
  const state = await ctx.backend.state.read();
  let journal: PlanOptions["journal"];
  if (state.run) {
    if (await ctx.backend.locker.current().catch(() => undefined)) journal = "in-progress";
    else journal = (await ctx.backend.history.latest())?.run === state.run.id ? "recorded" : "recover";
  }
  return refreshAndPlan(ctx.provider!, desired, state, { ...opts, ...(journal ? { journal } : {}) });
}

export const isInteractive = (): boolean => !!process.stdin.isTTY && !!process.stdout.isTTY;

/** Terraform's confirmation: only the word `yes` goes ahead; Ctrl-C at the prompt is a no. */
export async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const ac = new AbortController();
  rl.on("SIGINT", () => ac.abort());
  try {
    const answer = await rl.question(`\n${question}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `, { signal: ac.signal });
    return answer.trim() === "yes";
  } catch (e) {
    if ((e as Error).name === "AbortError") return false;
    throw e;
  } finally {
    rl.close();
  }
}

/** Commander option parser for repeatable or comma-separated values (`--adopt a --adopt b,c`). */
export function collectList(v: string, prev: string[] = []): string[] {
  return [...prev, ...v.split(",").map((x) => x.trim()).filter(Boolean)];
}

/**
 * Write a file the user asked for (`--out`): a missing directory, a directory
 * in the way or a read-only place is a one-line error naming the path.
 */
export async function writeOutput(path: string, text: string): Promise<boolean> {
  try {
    await writeFile(resolve(path), text);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = { ENOENT: "its directory does not exist", EISDIR: "it is a directory", EACCES: "permission denied", EROFS: "the file system is read-only", ENOTDIR: "a part of the path is not a directory" }[code ?? ""] ?? (e as Error).message;
    fail(`cannot write ${path}: ${why}`);
    return false;
  }
}

/** `--lock-timeout 30s`: how long to wait for another run's lock (Terraform's flag), in ms. */
export function durationOption(v: string): number {
  const m = /^(\d+)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration such as 30s or 2m, got \`${v}\``);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[(m[2] ?? "s") as "ms" | "s" | "m"];
}

/** Commander option parser for counts: a bad value is a usage error, not a bug. */
export function intOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive whole number, got \`${v}\``);
  return n;
}
