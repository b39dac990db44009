/**
 * The worker thread that runs authors' TypeScript: a stack file, or the
 * custom rules of a policy folder. Started by ts-host.ts through
 * ts-worker-boot.mjs; tsx is loaded here, never in the main thread. Whatever
 * the author's code does (exit, throw from a timer, reject a promise nobody
 * awaits, loop forever) stays in this thread; the main thread turns it into
 * a diagnostic at the author's line.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { require as tsxRequire } from "tsx/cjs/api";
import { tsImport } from "tsx/esm/api";
import { error, type Diagnostic } from "../diagnostics";
import type { Stack } from "../model";
import type { CustomRuleExport } from "../model/policy";
import { resolveMopsToOwnSdk } from "./sdk-resolve";
import { authorFrame, failureAt, loadFailure } from "./ts-errors";
import { declarations } from "./ts-stack";
import type { CheckReply, CheckRequest, Job, RuleInfo, WorkerMessage } from "./ts-protocol";

const job = workerData as Job & { port?: MessagePort; signal?: Int32Array };
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

/** Set once rules are being run: an exit then answers the waiting main thread. */
let answer: ((reply: CheckReply) => void) | undefined;
/** The author's files a failure is looked for in: the stack, the rule files, or the rule running now. */
let files: string[] = [];
/** Problems outside the module's own evaluation: reported while loading, ignored once rules are being run. */
let loading = true;

/** What the author's code can do to the process, turned into messages to the main thread. */
function contain(): void {
  // Call sites and error positions must be the TypeScript lines: tsx emits inline source maps.
  process.setSourceMapsEnabled(true);
  // What the author's code prints is news for the person, not part of a report on stdout (`--format json`).
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    const n = Number(code ?? process.exitCode ?? 0);
    const who = job.mode === "stack" ? "the TypeScript stack" : "a custom rule";
    const diagnostic = error(job.mode === "stack" ? "MOPS003" : "policy/custom-rule-failed", `${who} called process.exit(${n})`, {
      range: failureAt(new Error().stack ?? "", files),
      hint: "a stack or a rule only declares; it must not end the process",
    });
    if (answer) answer({ exit: diagnostic });
    else post({ type: "exit", code: n, diagnostic });
    return exit(n);
  }) as typeof process.exit;
  process.kill = (() => {
    throw new Error("process.kill is not available to a stack or a policy rule");
  }) as typeof process.kill;
  const stray = (what: string) => (reason: unknown) => {
    if (!loading) return;
    const e = reason instanceof Error ? reason : new Error(String(reason));
    post({
      type: "problem",
      diagnostic: error(job.mode === "stack" ? "MOPS003" : "policy/bad-custom-rule", `${what}: ${e.message.split("\n")[0]}`, {
        range: failureAt(e.stack ?? "", files),
        hint: "await every promise the file starts, and catch what it may throw",
      }),
    });
  };
  process.on("unhandledRejection", stray("a promise was rejected and nothing handled it"));
  process.on("uncaughtException", stray("an exception was thrown outside the file's own code"));
}

/** Whether tsx runs `file` as CommonJS: a `.cts` file, or a `.ts` file outside a `"type": "module"` package. */
function commonJs(file: string): boolean {
  if (file.endsWith(".cts")) return true;
  if (file.endsWith(".mts")) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { type?: string }).type !== "module";
    } catch {
      if (dir === dirname(dir)) return true;
    }
  }
}

/**
 * A module's default export, through tsx. CommonJS goes through tsx's
 * require, whose stack traces (and so call sites and error lines) are the
 * file's own; its import path would run it from a `data:` URL.
 */
async function load(file: string): Promise<unknown> {
  post({ type: "loading", file });
  if (commonJs(file)) {
    const m = tsxRequire(file, import.meta.url) as { default?: unknown; __esModule?: boolean };
    return m && typeof m === "object" && "default" in m ? m.default : m;
  }
  return ((await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown }).default;
}

/** One macrotask, so a rejection the module left behind is reported before its result. */
const settle = () => new Promise<void>((r) => setImmediate(r));

async function loadStack(file: string): Promise<void> {
  let def: unknown;
  try {
    def = await load(file);
  } catch (e) {
    post({ type: "failed", diagnostics: [loadFailure(e, file, "MOPS003")] });
    return;
  }
  await settle();
  post({ type: "stack", data: declarations(def, file) });
}

interface LoadedRule extends RuleInfo {
  check: (stack: Stack) => unknown;
}

async function loadRules(paths: string[]): Promise<LoadedRule[]> {
  const rules: LoadedRule[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of paths) {
    const name = file.split("/").pop()!;
    const fallback = `custom/${name.replace(/\.ts$/, "").replace(/[^a-z0-9-]+/gi, "-").toLowerCase()}`;
    try {
      const d = (await load(file)) as CustomRuleExport | undefined;
      if (typeof d === "function") rules.push({ code: fallback, file, check: d });
      else if (d && typeof d === "object" && typeof d.check === "function") rules.push({ code: d.code ?? fallback, file, check: d.check.bind(d) });
      else {
        diagnostics.push(error("policy/bad-custom-rule", `${name} does not default-export a rule`, {
          range: { file, line: 1, col: 1 },
          hint: "export default (stack) => Diagnostic[], or { code, check }",
        }));
      }
    } catch (e) {
      diagnostics.push(loadFailure(e, file, "policy/bad-custom-rule", `${name} failed to load`));
    }
  }
  await settle();
  post({ type: "rules", rules: rules.map(({ code, file }) => ({ code, file })), diagnostics });
  return rules;
}

/** What `runCustomRules` made of a rule's result in the main thread, made here; a throw is placed at the rule's line. */
function check(rule: LoadedRule, stack: Stack): Diagnostic[] {
  const out: Diagnostic[] = [];
  files = [rule.file];
  try {
    for (const d of rule.check(stack) as Iterable<Diagnostic>) out.push({ ...d, code: d.code || rule.code, severity: d.severity ?? "warning" });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const at = authorFrame(err.stack ?? "", [rule.file]);
    return [error("policy/custom-rule-failed", `custom rule ${rule.code} threw: ${err.message}`, { range: at ?? { file: rule.file, line: 1, col: 1 } })];
  }
  // Plain data crosses back: what JSON keeps (a BigInt as text).
  return JSON.parse(JSON.stringify(out, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))) as Diagnostic[];
}

function serve(rules: LoadedRule[], port: MessagePort, signal: Int32Array): void {
  answer = (reply) => {
    port.postMessage(reply);
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  port.on("message", ({ rule, stack }: CheckRequest) => answer!({ diagnostics: check(rules[rule]!, stack) }));
}

// Only as the worker ts-host.ts starts: imported anywhere else (a check that every built module loads), it does nothing.
if (!isMainThread && job?.mode) {
  files = job.mode === "stack" ? [job.file] : job.files;
  contain();
  // `import … from "mops"` in the author's files is this Mops's SDK (a no-op from the sources).
  resolveMopsToOwnSdk();
  post({ type: "ready" });
  if (job.mode === "stack") await loadStack(job.file);
  else {
    const rules = await loadRules(job.files);
    loading = false;
    serve(rules, job.port!, job.signal!);
  }
}
