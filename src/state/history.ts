import { canonicalJson, sha256 } from "../model/canonical";
import type { HistoryCheck, HistoryVersion } from "./types";

/** What the caller hands to `appendVersion`: everything the backend does not assign. */
export type VersionInput = Omit<HistoryVersion, "version" | "prevHash" | "hash">;

/** prevHash of version 1: there is nothing before it. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The one definition of a version's hash, shared by every backend so that a
 * history exported from one verifies in the other: sha256 of the previous hash
 * followed by the canonical JSON of the version without its own `hash`.
 */
export function hashVersion(content: Omit<HistoryVersion, "hash">, prevHash: string): string {
  return sha256(prevHash + canonicalJson(content));
}

/** Number, chain and hash a new version that follows `prev` (undefined for the first). */
export function sealVersion(input: VersionInput, prev: { version: number; hash: string } | undefined): HistoryVersion {
  const prevHash = prev?.hash ?? GENESIS_HASH;
  // Strip caller-supplied chain fields so a stale copy of a version cannot smuggle its old hash in.
  const { version: _v, prevHash: _p, hash: _h, ...rest } = input as VersionInput & Partial<HistoryVersion>;
  const content: Omit<HistoryVersion, "hash"> = { ...rest, version: (prev?.version ?? 0) + 1, prevHash };
  // Round-trip through JSON so the stored form (no undefined, no Date objects) is exactly what was hashed.
  const plain = JSON.parse(JSON.stringify(content)) as Omit<HistoryVersion, "hash">;
  return { ...plain, hash: hashVersion(plain, prevHash) };
}

/**
 * One stored version as a backend found it: the number its storage slot says
 * (file name, primary key), and either the parsed value or why it could not be read.
 */
export interface StoredVersion {
  slot: number;
  value?: unknown;
  problem?: string;
}

/**
 * Recompute the chain from version 1 and report the first version that is
 * missing, unreadable, edited, or no longer linked to its predecessor.
 */
export function verifyChain(stored: readonly StoredVersion[]): HistoryCheck {
  const bySlot = [...stored].sort((a, b) => a.slot - b.slot);
  let prevHash = GENESIS_HASH;
  let expected = 1;
  for (const s of bySlot) {
    if (s.slot !== expected) return broken(expected, `version ${expected} is missing (next stored version is ${s.slot})`);
    if (s.problem !== undefined) return broken(s.slot, s.problem);
    const v = s.value as Partial<HistoryVersion> | undefined;
    if (!v || typeof v !== "object" || typeof v.hash !== "string") return broken(s.slot, "not a history version (no hash)");
    if (v.version !== s.slot) return broken(s.slot, `stored as version ${s.slot} but its content says version ${String(v.version)}`);
    if (v.prevHash !== prevHash) {
      return broken(s.slot, `chain broken: prevHash does not match the hash of version ${s.slot - 1}${s.slot === 1 ? " (genesis)" : ""}`);
    }
    const { hash, ...content } = v as HistoryVersion;
    if (hashVersion(content, prevHash) !== hash) return broken(s.slot, "content edited: its hash no longer matches its content");
    prevHash = hash;
    expected++;
  }
  return { ok: true };
}

const broken = (version: number, reason: string): HistoryCheck => ({ ok: false, broken: { version, reason } });
