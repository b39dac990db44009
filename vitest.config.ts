import { readFileSync } from "node:fs";
import { defineConfig, type Plugin } from "vitest/config";

// @actions/workflow-parser ships source maps without their sources: load it without them, or vite warns once per file.
const withoutSourceMaps: Plugin = {
  name: "workflow-parser-without-source-maps",
  enforce: "pre",
  load: (id) => (id.includes("/node_modules/@actions/workflow-parser/") && id.endsWith(".js") ? readFileSync(id, "utf8").replace(/\/\/# sourceMappingURL=\S+\s*$/, "") : undefined),
};

export default defineConfig({
  plugins: [withoutSourceMaps],
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
