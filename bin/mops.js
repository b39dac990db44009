#!/usr/bin/env node
// The built CLI (`npm run build`, run by `npm ci` and `npm pack`): JavaScript, no loader.
const { main } = await import("../dist/cli.js");
process.exitCode = await main(process.argv);
