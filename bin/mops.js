#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx's loader (no build step).
// TypeScript stacks and policy rules load in a worker thread of their own (src/stack/ts-host.ts).
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/cli/main.ts");
(await import("../src/cli/render.ts")).installCrashHandlers();
process.exitCode = await main(process.argv);
