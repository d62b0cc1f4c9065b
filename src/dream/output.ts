import type { Manifest } from "../manifest.ts";
import { writeProposal } from "../proposal/writer.ts";
import { ledgerNotes, recordProposal } from "../state/session-ledger.ts";
import type { Consolidated } from "./consolidate.ts";
import type { DreamRun } from "./options.ts";
import type { Oriented } from "./orient.ts";

/**
 * Output: the proposal (store, manifest, diff, report) written to its own directory beside, never
 * over, the memory; then the session ledger records what it read.
 */
export async function output(
  run: DreamRun,
  oriented: Oriented,
  consolidated: Consolidated,
): Promise<{ dir: string; manifest: Manifest }> {
  const { opts, dreamId, redact, deps } = run;
  const { snapshot, memory, loaded, superseding } = oriented;
  const { result, accepted, refused, deferred } = consolidated;
  const written = await writeProposal({
    proposalsDir: opts.proposalsDir,
    dreamId,
    memory,
    operations: accepted,
    baseHashes: oriented.baseHashes,
    signal: run.signal,
    ...(deps.fs ? { fs: deps.fs } : {}),
    manifest: {
      schemaVersion: 1,
      dreamId,
      createdAt: opts.now.toISOString(),
      engine: { name: deps.engine.name, version: deps.engine.version },
      ...(opts.autonomy ? { autonomy: opts.autonomy } : {}),
      base: {
        memoryDir: opts.memoryDir,
        snapshot: { path: snapshot.path, sha256: snapshot.sha256, bytes: snapshot.bytes },
        files: snapshot.files,
      },
      sessions: loaded.sessions.map((s) => ({
        id: s.id,
        format: s.format,
        sha256: s.sha256,
        startedAt: s.startedAt,
        startedAtFrom: s.startedAtFrom,
        messages: s.messages.length,
      })),
      problems: [...memory.problems, ...loaded.problems].map((p) => ({ ...p, error: redact(p.error) })),
      operations: accepted,
      refused,
      ...(deferred.length ? { deferred } : {}),
      ...(opts.instructions ? { instructions: redact(opts.instructions) } : {}),
      notes: [...oriented.sessionNotes, ...ledgerNotes(superseding, loaded.carried), ...result.notes].map(
        redact,
      ),
      ...(result.candidates?.length ? { candidates: result.candidates } : {}),
      ...(result.review?.length
        ? {
            review: result.review.map((r) => ({
              ...r,
              reason: redact(r.reason),
              evidence: r.evidence.map((e) => ({ ...e, quote: redact(e.quote) })),
            })),
          }
        : {}),
      ...(result.usage ? { usage: result.usage } : {}),
      stats: {
        files: memory.notes.length + memory.opaque.length,
        entries: oriented.entries,
        sessions: loaded.sessions.length,
        deferredSessions: loaded.deferred,
        durationMs: run.clock() - run.started,
      },
    },
  });
  // Only the lock holder writes state.json, and a discard only removes a directory, which
  // recordProposal lists afresh: no state update is lost to a discard made while this dream ran.
  await recordProposal(run.state, opts.proposalsDir, {
    dreamId,
    sessions: loaded.sessions.map((s) => ({ path: s.id, sha256: s.sha256 })),
    unusable: loaded.unusable,
    supersedes: superseding.superseded,
  });
  return written;
}
