export * from "./refs";
export * from "./order";
export * from "./walk";
