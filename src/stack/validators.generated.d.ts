// The module scripts/generate-validators.ts writes (`npm run generate`).
import type { ValidateFunction } from "ajv";

/** A whole stack file. */
export declare const stack: ValidateFunction;
/** A policy file. */
export declare const policy: ValidateFunction;
/** Each union branch of the stack schema alone, by its `x-mops-branch` number. */
export declare const branches: ValidateFunction[];
/** The stack schema's shared definitions (Condition, Step), branches numbered. */
export declare const defs: Record<string, Record<string, unknown>>;
/** SHA-256 of the schemas the validators were made from. */
export declare const SCHEMA_HASH: string;
