import { canonicalJson, sha256 } from "../model/canonical";
import type { HistoryCheck, HistoryVersion, VersionInput } from "./types";

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
 * Recomputes the chain from version 1, fed the stored versions in order a
 * batch at a time (memory stays bounded by the batch, not the history), and
 * reports the first version that is missing, unreadable, edited, or no longer
 * linked to its predecessor.
 */
export class ChainVerifier {
  private prevHash = GENESIS_HASH;
  private expected = 1;
  private failure?: HistoryCheck;

  /** false once broken: the caller may stop reading. */
  push(s: StoredVersion): boolean {
    if (this.failure) return false;
    const fail = (version: number, reason: string) => {
      this.failure = { ok: false, broken: { version, reason }, checked: this.expected - 1 };
      return false;
    };
    if (s.slot !== this.expected) return fail(this.expected, `version ${this.expected} is missing (next stored version is ${s.slot})`);
    if (s.problem !== undefined) return fail(s.slot, s.problem);
    const v = s.value as Partial<HistoryVersion> | undefined;
    if (!v || typeof v !== "object" || typeof v.hash !== "string") return fail(s.slot, "not a history version (no hash)");
    if (v.version !== s.slot) return fail(s.slot, `stored as version ${s.slot} but its content says version ${String(v.version)}`);
    if (v.prevHash !== this.prevHash) {
      return fail(s.slot, `chain broken: prevHash does not match the hash of version ${s.slot - 1}${s.slot === 1 ? " (genesis)" : ""}`);
    }
    const { hash, ...content } = v as HistoryVersion;
    if (hashVersion(content, this.prevHash) !== hash) return fail(s.slot, "content edited: its hash no longer matches its content");
    this.prevHash = hash;
    this.expected++;
    return true;
  }

  /** `upTo`: the version the caller asked to verify up to must exist. */
  result(upTo?: number): HistoryCheck {
    if (this.failure) return this.failure;
    if (upTo !== undefined && this.expected <= upTo) {
      return { ok: false, broken: { version: this.expected, reason: `version ${this.expected} is missing` }, checked: this.expected - 1 };
    }
    return { ok: true, checked: this.expected - 1 };
  }
}

/** The whole chain at once (tests, small histories). */
export function verifyChain(stored: readonly StoredVersion[]): HistoryCheck {
  const v = new ChainVerifier();
  for (const s of [...stored].sort((a, b) => a.slot - b.slot)) if (!v.push(s)) break;
  return v.result();
}
