import type { Kind, SpecOf } from "../model";
import type { Capabilities, KindCapability, Provider } from "../provider";

/**
 * What the platform's API allows for one object: the provider's answer for
 * it where it has one (a Braze Canvas message is read-only while the kind's
 * other templates are written), else its kind's.
 */
export function capabilityOf(
  provider: Pick<Provider, "capabilityOf">,
  caps: Capabilities,
  kind: Kind,
  spec: unknown,
): KindCapability | undefined {
  return (spec === undefined ? undefined : provider.capabilityOf?.(kind, spec as SpecOf[Kind])) ?? caps[kind];
}
