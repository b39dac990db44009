import { ProviderError } from "../../src/provider/types";

/** The ProviderError a promise rejects with; anything else (or no rejection) fails the test. */
export async function providerError(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ProviderError) return e;
    throw e;
  }
  throw new Error("expected a ProviderError");
}
