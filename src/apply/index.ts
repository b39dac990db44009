export * from "./session";
export * from "./execute";
export * from "./steps";
export * from "./version";
export * from "./actor";
