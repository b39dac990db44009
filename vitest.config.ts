import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { mops: new URL("./src/sdk/index.ts", import.meta.url).pathname } },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/setup/build.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
