import { InvalidArgumentError, type Command } from "commander";
import { resolve } from "node:path";
import { parseFaultsJson } from "../../providers/sandbox/server/faults";
import { startSandboxServer } from "../../providers/sandbox/server";
import { fail } from "./context";
import { guard } from "./render";
import { registerSeed } from "./seed";

interface ServeOptions {
  port: number;
  data: string;
  memory?: boolean;
  rateLimit?: number;
  tokenEnv?: string;
  faults?: string;
}

function portOption(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port number (0 picks a free one), got \`${v}\``);
  return n;
}

function rateOption(v: string): number {
  const n = Number(v);
  if (!(n > 0)) throw new InvalidArgumentError(`expected requests per second above 0, got \`${v}\``);
  return n;
}

export function register(program: Command): void {
  const sandbox = program.command("sandbox").description("the embedded sandbox marketing platform");
  sandbox
    .command("serve")
    .description("run the sandbox platform standalone on 127.0.0.1, to rehearse a change before it touches a real account")
    .option("--port <n>", "port to listen on (0: a free one)", portOption, 0)
    .option("--data <dir>", "directory for its data", ".mops/sandbox/serve")
    .option("--memory", "keep data in memory only (gone when it stops)")
    .option("--rate-limit <n>", "requests per second before it answers 429", rateOption)
    .option("--token-env <name>", "require a bearer token, read from this environment variable")
    .option("--faults <json>", 'inject faults, e.g. \'{"errorRate":0.1,"seed":7}\' (also MOPS_SANDBOX_FAULTS)')
    .action(guard(async (opts: ServeOptions) => {
      let token: string | undefined;
      if (opts.tokenEnv !== undefined) {
        token = process.env[opts.tokenEnv];
        if (!token) return fail(`environment variable \`${opts.tokenEnv}\` is not set`, `export ${opts.tokenEnv}=… first`);
      }
      const faults = parseFaultsJson(opts.faults);
      if (!faults.faults) return fail(`--faults: ${faults.problem!.replace("MOPS_SANDBOX_FAULTS", "the value")}`, 'e.g. --faults \'{"errorRate":0.1}\'');
      const dataDir = opts.memory ? undefined : resolve(opts.data);
      let server;
      try {
        server = await startSandboxServer({ port: opts.port, dataDir, token, rateLimit: opts.rateLimit, faults: faults.faults, env: process.env });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === "EADDRINUSE") return fail(`port ${opts.port} is already in use`, "pick another with --port, or --port 0 for a free one");
        if (e instanceof Error && e.message.startsWith("sandbox:")) return fail(e.message);
        throw e;
      }
      process.stdout.write(`Sandbox platform listening on ${server.url}\n`);
      process.stdout.write(`  data: ${dataDir ?? "in memory"}${opts.rateLimit ? `, rate limit ${opts.rateLimit} req/s` : ""}${token ? ", token required" : ""}\n`);
      process.stdout.write(`  point a stack at it with  provider: { type: sandbox, url: ${server.url} }\n  Ctrl+C stops it.\n`);
      const signal = await new Promise<NodeJS.Signals>((done) => {
        process.once("SIGINT", () => done("SIGINT"));
        process.once("SIGTERM", () => done("SIGTERM"));
      });
      await server.close();
      process.stdout.write(`Sandbox stopped (${signal}).\n`);
    }));
  registerSeed(sandbox);
}
