/**
 * Mops resources as Pulumi dynamic resources: `new mops.Segment("vip", {...})`
 * or `stackResources(loadedStack)`, backed by the same provider adapters as the CLI.
 */
export * from "./resources";
export { resourceProvider } from "./provider";
export { closePlatforms, setBridgeEnvironment, type BridgeEnvironment } from "./platform";
export type { MopsInputs, MopsOutputs } from "./types";
