import { createSandboxProvider } from "./providers/sandbox";
const p = await createSandboxProvider({ config: { type: "sandbox" }, stack: "s", environment: "e", baseDir: "/tmp/emb", env: {} });
const ctx = { refs: { idOf: () => undefined, nameOf: () => undefined } };
await Promise.all([1,2,3].map((i) => p.create({ kind: "team", name: "t" + Date.now() + i, spec: {} }, ctx)));
console.log((await p.list("team", ctx)).length);
console.log("done, not closing");
