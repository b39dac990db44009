export * from "./events";
export * from "./apply";
export * from "./actor";
export * from "./run";
