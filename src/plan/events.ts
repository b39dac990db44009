import type { Diagnostic } from "../diagnostics";
import type { Outcome } from "../state/types";
import type { Action, Phase, RecoveredRun } from "./types";

/**
 * The engine never prints: it emits these to a sink the caller passes in.
 * The CLI draws progress on a TTY and plain lines in CI; tests collect them.
 */
export type EngineEvent =
  | { type: "refresh-start"; kinds: string[] }
  | { type: "refresh-done"; objects: number; requests?: number; ms: number }
  | { type: "recovered"; run: RecoveredRun; version?: number }
  | { type: "apply-start"; total: number }
  | { type: "op-start"; address: string; action: Action; phase: Phase }
  | { type: "op-done"; address: string; action: Action; phase: Phase; id?: string; ms: number }
  | { type: "op-failed"; address: string; action: Action; phase: Phase; diagnostic: Diagnostic }
  | { type: "op-skipped"; address: string; action: Action; phase: Phase; because: string }
  | { type: "apply-done"; outcome: Outcome; done: number; failed: number; skipped: number; ms: number }
  | { type: "retry"; address?: string; attempt: number; waitMs: number; reason: string }
  | { type: "message"; level: "info" | "warn"; text: string };

export type EventSink = (e: EngineEvent) => void;
export const nullSink: EventSink = () => {};
