// The first module of the worker thread that evaluates TypeScript stacks and
// custom policy rules (src/stack/ts-host.ts starts it). Plain JavaScript, so
// that no loader has to be registered before it runs: it loads tsx here, in
// the worker only, and hands over to the TypeScript half.
import { tsImport } from "tsx/esm/api";

await tsImport(new URL("./ts-worker.ts", import.meta.url).href, import.meta.url);
