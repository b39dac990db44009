import { registerProvider } from "../../src/provider/registry";
import { createHubSpotProvider } from "./provider";

export { createHubSpotProvider } from "./provider";
export type { HubSpotProviderOptions } from "./provider";
export { capabilities as hubspotCapabilities } from "./capabilities";

registerProvider("hubspot", async (o) => createHubSpotProvider({ config: o.config, env: o.env, baseDir: o.baseDir }));
