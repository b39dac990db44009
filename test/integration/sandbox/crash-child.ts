// Run by the crash test as `node --import tsx crash-child.ts <baseDir>`: an embedded sandbox
// with MOPS_SANDBOX_FAULTS from the environment, creating teams one by one until it dies.
import { createSandboxProvider } from "../../../providers/sandbox";

const provider = await createSandboxProvider({
  config: { type: "sandbox" },
  stack: "crash",
  environment: "test",
  baseDir: process.argv[2]!,
  env: process.env,
});
const refs = { idOf: () => undefined, nameOf: () => undefined };
for (let i = 0; i < 10; i++) {
  await provider.create({ kind: "team", name: `team_${i}`, spec: {} }, { refs });
  process.stdout.write(`created team_${i}\n`);
}
await provider.close();
process.stdout.write("survived\n");
