import type { Kind, ProviderConfig, SpecOf } from "../model";

/**
 * What a Mops Pulumi resource stores as its inputs. `provider` is the same
 * block a stack's environment holds; its `token` is a reference
 * (`${env:NAME}`, `{env}`, `{file}`), never the token itself, so Pulumi state
 * and previews hold no secret.
 */
export interface MopsInputs<K extends Kind = Kind> {
  provider: ProviderConfig;
  /** The platform name (lower_snake_case), the `name` of `kind.name`. */
  name: string;
  spec: SpecOf[K];
}

/** Inputs plus what the platform reports back. The Pulumi id is the platform id. */
export interface MopsOutputs<K extends Kind = Kind> extends MopsInputs<K> {
  /** The platform's concurrency token (revision, ETag), when it has one. */
  version?: string;
}
