import type { Diagnostic } from "../diagnostics";
import { ProviderError } from "./types";

/**
 * Small shared pieces of every HTTP provider's kind modules.
 */

/** Mapping problems that make a write wrong are refused before any request is sent. */
export function refuseOnErrors(diagnostics: readonly Diagnostic[]): void {
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 1) throw new ProviderError(errors[0]!);
  if (errors.length > 1) throw new ProviderError({ ...errors[0]!, detail: { ...errors[0]!.detail, all: errors.map((d) => d.message) } });
}

/** A GET that answers 404 means "gone", not failure. */
export async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ProviderError && e.status === 404) return undefined;
    throw e;
  }
}
