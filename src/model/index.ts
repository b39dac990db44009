export * from "./common";
export * from "./condition";
export * from "./kinds";
export * from "./stack";
export * from "./schema";
export * from "./canonical";
export * from "./names";
export * from "./secrets";
