import { KINDS } from "../../src/model";
import type { Capabilities, KindCapability } from "../../src/provider/types";

/** The sandbox is a platform without gaps: every kind can be read and written through its API. */
const FULL: KindCapability = { read: true, create: "api", update: "api", delete: "api" };

export const capabilities: Capabilities = Object.fromEntries(KINDS.map((k) => [k, FULL]));
