/** The sandbox's wire format, shared by its server and its client. */

/** A stored platform object: server fields plus the spec's fields, flat, references as platform ids. */
export interface WireObject {
  id: string;
  name: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  /** Free-form data the platform stores for its API clients and shows to nobody (where Mops keeps its owner mark). */
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

export const SERVER_FIELDS = ["id", "name", "revision", "createdAt", "updatedAt", "metadata"] as const;

/** `GET /v1/{kind_key}` answer. */
export interface ListResponse {
  results: WireObject[];
  paging: { next?: { cursor: string } };
}

/** Every refusal: one code, one message, the offending field when there is one. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 500;

/** The spec fields of a wire object (server fields removed). */
export function specOf(obj: Record<string, unknown>): Record<string, unknown> {
  const spec = { ...obj };
  for (const f of SERVER_FIELDS) delete spec[f];
  return spec;
}
