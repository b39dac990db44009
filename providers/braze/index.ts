import { registerProvider } from "../../src/provider/registry";
import { createBrazeProvider } from "./provider";

export { createBrazeProvider } from "./provider";
export type { BrazeProvider, BrazeProviderOptions } from "./provider";
export { capabilities as brazeCapabilities, capabilityTable as brazeCapabilityTable } from "./capabilities";

registerProvider("braze", async (o) => createBrazeProvider({ config: o.config, env: o.env, baseDir: o.baseDir, onRetry: o.onRetry }));
