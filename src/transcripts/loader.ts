import { stat } from "node:fs/promises";
import { errorMessage } from "../errors.ts";
import { sha256 } from "../fs-atomic.ts";
import type { Problem } from "../memory-reader.ts";
import { type LedgerView, planReading, type SessionRef, type Transcript } from "../session-ledger.ts";
import { binaryReason, readRegularFile } from "../text-file.ts";
import { walk } from "../walk.ts";
import type { FormatRegistry } from "./registry.ts";
import type { Session } from "./session.ts";

export interface Candidate {
  path: string;
  abs: string;
  mtimeMs: number;
  bytes: number;
}

/** Transcript files under `dir`, oldest first (mtime, then path), that some format claims. */
export async function listTranscripts(
  dir: string,
  registry: FormatRegistry,
  signal?: AbortSignal,
): Promise<Candidate[]> {
  const items = await walk(dir, signal);
  const out: Candidate[] = [];
  for (const item of items) {
    if (item.type !== "file" || item.path.split("/").some((p) => p.startsWith("."))) continue;
    if (!registry.forFile(item.path)) continue;
    const st = await stat(item.abs);
    out.push({ path: item.path, abs: item.abs, mtimeMs: st.mtimeMs, bytes: st.size });
  }
  return out.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : 1));
}

export interface LoadOptions {
  dir: string;
  registry: FormatRegistry;
  maxSessions: number;
  maxBytes: number;
  /** Which transcripts are settled, held by a pending proposal, or unread: see session-ledger.ts. */
  ledger: LedgerView;
  signal?: AbortSignal;
}

export interface LoadResult {
  /** Parsed sessions, oldest first. */
  sessions: Session[];
  problems: Problem[];
  /** Every transcript read (parsed or reported), by path and content hash. */
  read: SessionRef[];
  /** sha256 of those read that gave no session (empty, binary, unparseable): to settle. */
  unusable: string[];
  /** Transcripts read again because a pending proposal holds them. */
  carried: number;
  /** Unread transcripts left for a later dream because of maxSessions. */
  deferred: number;
}

/**
 * Hash every transcript, pick ≤ maxSessions by the ledger's plan (held ones, then unread ones oldest
 * first) and parse those; a bad file is reported, never fatal. Files are read twice (hash, then parse)
 * rather than held in memory: only the picked ones are read again.
 */
export async function loadSessions(opts: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { sessions: [], problems: [], read: [], unusable: [], carried: 0, deferred: 0 };
  const problem = (path: string, error: string) => result.problems.push({ source: "session", path, error });
  const readOrReport = async (c: Candidate) => {
    try {
      const read = await readRegularFile(c.abs, opts.maxBytes);
      if (read.ok) return read;
      problem(c.path, read.error);
    } catch (err) {
      problem(c.path, `cannot read: ${errorMessage(err)}`);
    }
    return null;
  };
  const candidates = await listTranscripts(opts.dir, opts.registry, opts.signal);
  const hashed: (Transcript & { candidate: Candidate })[] = [];
  for (const c of candidates) {
    opts.signal?.throwIfAborted();
    const read = await readOrReport(c);
    if (read) hashed.push({ path: c.path, sha256: sha256(read.data), mtimeMs: c.mtimeMs, candidate: c });
  }
  const plan = planReading(hashed, opts.ledger, opts.maxSessions);
  result.carried = plan.carried;
  result.deferred = plan.deferred;
  for (const t of plan.read) {
    opts.signal?.throwIfAborted();
    const c = t.candidate;
    const read = await readOrReport(c);
    if (!read) continue;
    // Read again just now: a transcript still being written may have grown, and this is what was read.
    const hash = sha256(read.data);
    result.read.push({ path: c.path, sha256: hash });
    const unusable = (error: string) => {
      problem(c.path, error);
      result.unusable.push(hash);
    };
    if (read.size === 0) {
      unusable("empty file (0 bytes)");
      continue;
    }
    const bad = binaryReason(read.data);
    if (bad) {
      unusable(bad);
      continue;
    }
    // biome-ignore lint/style/noNonNullAssertion: listTranscripts kept only claimed files
    const format = opts.registry.forFile(c.path)!;
    try {
      const parsed = format.parse(read.data.toString("utf8"), c.path);
      for (const w of parsed.warnings) problem(c.path, w);
      result.sessions.push({
        ...parsed,
        id: c.path,
        format: format.name,
        sha256: hash,
        bytes: read.size,
        mtimeMs: c.mtimeMs,
      });
    } catch (err) {
      unusable(`${format.name}: ${errorMessage(err)}`);
    }
  }
  result.sessions.sort(
    (a, b) =>
      (a.startedAt ?? new Date(a.mtimeMs).toISOString()).localeCompare(
        b.startedAt ?? new Date(b.mtimeMs).toISOString(),
      ) || a.id.localeCompare(b.id),
  );
  return result;
}
