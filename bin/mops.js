#!/usr/bin/env node
// The built CLI (dist/, made by `npm run build`, which `npm ci` and `npm pack` run).
const cli = new URL("../dist/cli.js", import.meta.url);
const { main } = await import(cli.href).catch((e) => {
  if (e?.code !== "ERR_MODULE_NOT_FOUND" || !String(e.message).includes(cli.pathname)) throw e;
  process.stderr.write("error: mops is not built: run `npm run build` in its directory (`npm ci` does it)\n");
  process.exit(1);
});
process.exitCode = await main(process.argv);
