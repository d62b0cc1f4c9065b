/**
 * The few named errors that cross dreamd's seams: each is caught far from where it is thrown (the CLI
 * turns them into exit codes, the API into statuses, the dream worker sends them to its parent by name).
 * Each carries a message a user can act on and, where one exists, the underlying `cause`. Expected
 * absence (an unknown dream id, a missing file) returns null instead.
 *
 * An error that is part of one seam's contract lives with that seam: EngineStopped with the engine port
 * (engine/engine.ts), TranscriptError with the transcript formats (transcripts/session.ts), and Refusal
 * inside the checks (checks/check-operations.ts), which turn it into a refused operation, never throw it.
 */

/** Bad configuration or bad command-line input: the CLI exits 2 with the message alone. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** A path that would resolve outside its root, or through a symlink. */
export class PathError extends Error {
  override name = "PathError";
}

/** A snapshot that cannot be written, read, verified or restored. */
export class SnapshotError extends Error {
  override name = "SnapshotError";
}

/** A dream is already running (the API answers 409). */
export class BusyError extends Error {
  override name = "BusyError";
}

/** A dream failed; the message names the phase. */
export class DreamError extends Error {
  override name = "DreamError";
}

/** A dream was cancelled by request or by shutdown. */
export class CancelledError extends Error {
  override name = "CancelledError";
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
