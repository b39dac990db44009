export * from "./apply";
export * from "./actor";
export * from "./run";
