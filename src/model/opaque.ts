/**
 * An audience the platform does not let anyone read: a Braze segment whose
 * filters are not exported, a Canvas whose entry audience is not either. It is
 * marked with this tag (on a segment without `conditions`, or on a workflow),
 * and the analysis then answers "cannot decide: audience opaque" instead of
 * treating the audience as anyone or as a plain static list.
 */
export const OPAQUE_AUDIENCE = "opaque-audience";

export const hasOpaqueAudience = (spec: { tags?: readonly string[] } | undefined): boolean =>
  spec?.tags?.includes(OPAQUE_AUDIENCE) ?? false;
