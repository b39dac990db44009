// The module scripts/generate-validators.ts writes (`npm run generate`).
import type { ValidateFunction } from "ajv";

/** A whole stack file. */
export declare const stack: ValidateFunction;
/** A policy file. */
export declare const policy: ValidateFunction;
/** Each union branch of the stack schema alone, by its `$id` (`branch-N`). */
export declare const branches: Record<string, ValidateFunction>;
/** The definitions of the stack schema as compiled: Condition, Step and every union branch (`branch-N`). */
export declare const defs: Record<string, Record<string, unknown>>;
/** SHA-256 of the schemas the validators were made from. */
export declare const SCHEMA_HASH: string;
