import { createLogger } from "vite";
import { defineConfig } from "vitest/config";

// @actions/workflow-parser ships source maps without their sources; vite says so once per file.
const logger = createLogger();
const warn = logger.warn.bind(logger);
logger.warn = (msg, opts) => (msg.includes("points to missing source files") ? undefined : warn(msg, opts));

export default defineConfig({
  customLogger: logger,
  resolve: { alias: { mops: new URL("./src/sdk/index.ts", import.meta.url).pathname } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/setup/build.ts"],
    // It imports its JSON schemas without the import attribute Node asks for: let vite load it.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
