export * from "./types";
export * from "./diff";
export * from "./resolver";
export * from "./refresh";
export * from "./make";
export * from "./stale";
export * from "./run";
export * from "./events";
