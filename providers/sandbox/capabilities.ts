import { KINDS } from "../../src/model";
import type { Capabilities, KindCapability } from "../../src/provider/types";

/**
 * The sandbox is a platform without gaps: every kind can be read and written
 * through its API. Like HubSpot's lists, names are unique per kind; every
 * object has a metadata field for the owner mark.
 */
const FULL: KindCapability = { read: true, create: "api", update: "api", delete: "api", uniqueNames: true, ownerMark: "the object's `metadata.mops_owner`" };

export const capabilities: Capabilities = Object.fromEntries(KINDS.map((k) => [k, FULL]));
