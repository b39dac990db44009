import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { error, type Diagnostic } from "../diagnostics";
import type { Stack } from "../model";
import { fromSources } from "./sdk-resolve";
import type { CheckReply, Job, RuleInfo, WorkerMessage } from "./ts-protocol";

/**
 * Authors' TypeScript (stacks, custom policy rules) runs in a worker thread
 * that this module starts and bounds: in time (the TypeScript timeout, from
 * the moment the author's code starts), in memory, and in what it can do to
 * the process (an exit ends the worker, not Mops; its output goes to stderr,
 * see ts-worker.ts, so a JSON report on stdout stays valid).
 */

export const DEFAULT_TS_TIMEOUT_MS = 30_000;
/** The loader itself must be up within this, on a loaded machine too; the author's time starts after it. */
const STARTUP_MS = 60_000;
const MEMORY_MB = 2048;
/**
 * The worker's first module. Built, it is dist/ts-worker.js, an entry of its
 * own beside the SDK (scripts/build.ts); from the sources (tests), a plain
 * JavaScript file that loads tsx first, then ts-worker.ts.
 */
const workerEntry = (): URL =>
  fromSources(import.meta.url) ? new URL("./ts-worker-boot.mjs", import.meta.url) : new URL("ts-worker.js", import.meta.resolve("mops"));

export type Ending =
  | { end: "message"; message: WorkerMessage }
  | { end: "timeout"; started: boolean }
  | { end: "exit"; code: number }
  | { end: "error"; error: Error };

export interface Run {
  worker: Worker;
  /** Messages before the ending (loading, exit, problems). */
  seen: WorkerMessage[];
  ending: Ending;
}

function spawn(job: Job, extra: Record<string, unknown> = {}, transferList: Transferable[] = []): Worker {
  const worker = new Worker(workerEntry(), {
    workerData: { ...job, ...extra },
    transferList: transferList as never,
    resourceLimits: { maxOldGenerationSizeMb: MEMORY_MB },
  });
  return worker;
}

/** Run a worker until it answers with one of `final`, exits, fails, or runs out of time. */
function until(worker: Worker, final: readonly WorkerMessage["type"][], timeoutMs: number): Promise<Run> {
  return new Promise((done) => {
    const seen: WorkerMessage[] = [];
    let timer = setTimeout(() => finish({ end: "timeout", started: false }), STARTUP_MS);
    const finish = (ending: Ending) => {
      clearTimeout(timer);
      worker.removeAllListeners("message").removeAllListeners("exit").removeAllListeners("error");
      // An error after the ending (the worker stopped by us) must not be an unhandled 'error' event.
      worker.on("error", () => undefined);
      done({ worker, seen, ending });
    };
    worker.on("message", (m: WorkerMessage) => {
      if (final.includes(m.type)) return finish({ end: "message", message: m });
      seen.push(m);
      if (m.type === "ready") {
        clearTimeout(timer);
        timer = setTimeout(() => finish({ end: "timeout", started: true }), timeoutMs);
      }
    });
    worker.on("exit", (code) => finish({ end: "exit", code }));
    worker.on("error", (e) => finish({ end: "error", error: e }));
  });
}

/** Evaluate one module in a fresh worker, stopped as soon as it has answered. */
export async function evaluate(job: Job, timeoutMs: number): Promise<Run> {
  const run = await until(spawn(job), ["stack", "rules", "failed"], timeoutMs);
  void run.worker.terminate();
  return run;
}

/** The diagnostic for a run that ended without an answer, at `file`. */
export function unanswered(run: Run, file: string, code: string, what: string, timeoutMs: number): Diagnostic {
  const at = { file, line: 1, col: 1 };
  const exited = run.seen.find((m): m is Extract<WorkerMessage, { type: "exit" }> => m.type === "exit");
  if (exited) return exited.diagnostic;
  const e = run.ending;
  if (e.end === "timeout" && e.started)
    return error(code, `${what} did not finish within ${seconds(timeoutMs)}`, {
      range: at,
      hint: "is there an endless loop, or a wait for something that never comes (a timer, a server)? If it is only slow, allow more time with --ts-timeout <seconds>",
    });
  if (e.end === "timeout") return error(code, `the TypeScript loader did not start within ${seconds(STARTUP_MS)}`, { range: at, hint: "the machine may be overloaded; run the command again" });
  if (e.end === "exit")
    return error(code, `${what} never finished: its top-level code waits for a promise that never settles`, {
      range: at,
      hint: "resolve or remove the awaited promise: a file must finish loading by itself",
    });
  if (e.end === "error" && (e.error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY")
    return error(code, `${what} ran out of memory (more than ${MEMORY_MB / 1024} GB)`, { range: at, hint: "is a list or a loop growing without end?" });
  const message = e.end === "error" ? e.error.message : "no answer";
  return error(code, `the TypeScript loader failed on ${what}: ${message.split("\n")[0]}`, { range: at, hint: "this is a bug in mops; set MOPS_DEBUG=1 and report it" });
}

export const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(1))} s`;

/** Problems the author's code left behind while loading (an unhandled rejection, a throw from a timer). */
export const strayProblems = (run: Run): Diagnostic[] =>
  run.seen.flatMap((m) => (m.type === "problem" ? [m.diagnostic] : []));

export interface RuleHost {
  rules: RuleInfo[];
  diagnostics: Diagnostic[];
  /** Run one rule over a stack; blocks until it answers or its time is up. */
  check(rule: number, stack: Stack): Diagnostic[];
}

/**
 * Load custom rules into one worker that stays up to run them. Analysis is
 * synchronous, so a check is a synchronous call into the worker: the request
 * goes over a port, and the main thread sleeps on a shared flag the worker
 * raises when its answer is on the port (or its time is up).
 */
export async function startRules(files: string[], timeoutMs: number): Promise<RuleHost> {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const run = await until(spawn({ mode: "rules", files }, { port: port2, signal }, [port2]), ["rules"], timeoutMs);
  const { worker, ending } = run;
  if (ending.end !== "message" || ending.message.type !== "rules") {
    void worker.terminate();
    port1.close();
    const blamed = [...run.seen].reverse().find((m) => m.type === "loading");
    const file = blamed?.type === "loading" ? blamed.file : files[0]!;
    return { rules: [], diagnostics: [...strayProblems(run), unanswered(run, file, "policy/bad-custom-rule", `the custom rule ${file.split("/").pop()}`, timeoutMs)], check: () => [] };
  }
  let stopped: string | undefined;
  worker.on("exit", () => (stopped ??= "its worker stopped"));
  // Idle between checks: the worker must not keep Mops running.
  worker.unref();
  port1.unref();
  const { rules } = ending.message;
  return {
    rules,
    diagnostics: [...strayProblems(run), ...ending.message.diagnostics],
    check(index, stack) {
      const rule = rules[index]!;
      const at = { file: rule.file, line: 1, col: 1 };
      if (stopped) return [error("policy/custom-rule-failed", `custom rule ${rule.code} was not run: ${stopped}`, { range: at, hint: "fix the rule named before it" })];
      Atomics.store(signal, 0, 0);
      port1.postMessage({ rule: index, stack });
      Atomics.wait(signal, 0, 0, timeoutMs);
      const reply = receiveMessageOnPort(port1)?.message as CheckReply | undefined;
      // Taking a message off the port makes it hold the process again.
      port1.unref();
      if (!reply) {
        stopped = `custom rule ${rule.code} did not finish within ${seconds(timeoutMs)}`;
        void worker.terminate();
        return [error("policy/custom-rule-failed", `custom rule ${rule.code} did not finish within ${seconds(timeoutMs)}`, {
          range: at,
          hint: "is there an endless loop? If it is only slow, allow more time with --ts-timeout <seconds>",
        })];
      }
      if ("exit" in reply) {
        stopped = `custom rule ${rule.code} ended its worker`;
        return [reply.exit];
      }
      return reply.diagnostics;
    },
  };
}
