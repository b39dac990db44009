import { registerProvider } from "../../src/provider/registry";
import { createKlaviyoProvider } from "./provider";

export { createKlaviyoProvider } from "./provider";
export type { KlaviyoProvider, KlaviyoProviderOptions } from "./provider";
export { capabilities as klaviyoCapabilities } from "./capabilities";
export { flowChangePath, flowDrain, flowProfilesInFlight, retireFlow, longestPathMs } from "./workflows";
export { quotas, quotaNeeds, operationOf } from "./quotas";

registerProvider("klaviyo", async (o) => createKlaviyoProvider({ config: o.config, env: o.env, baseDir: o.baseDir }));
