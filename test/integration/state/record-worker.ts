// Run as a separate process by local.test.ts: records `count` resources named `<prefix><i>` into the state at `dir`.
import { LocalBackend } from "../../../src/state/local";
import { record, resource } from "./fixtures";

const [dir, prefix, count] = process.argv.slice(2) as [string, string, string];
const b = new LocalBackend({ dir, stack: "shop", environment: "prod" });
await Promise.all(Array.from({ length: Number(count) }, (_, i) => record(b, `segment.${prefix}${i}`, resource(`${prefix}${i}`))));
