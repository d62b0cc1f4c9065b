import { join } from "node:path";
import { errorMessage } from "../errors.ts";
import { sha256 } from "../fs/atomic.ts";
import { type InsideRead, readInside } from "../fs/safe-read.ts";
import { type TreeFs, walkTree } from "../fs/safe-tree.ts";
import { binaryReason } from "../fs/text-file.ts";
import type { Problem } from "../memory/reader.ts";
import { type LedgerView, planReading, type SessionRef, type Transcript } from "../state/session-ledger.ts";
import type { FormatRegistry } from "./registry.ts";
import type { Session } from "./session.ts";

export interface Candidate {
  path: string;
  /** For messages only: reads go through safe-tree below the sessions dir, never by this path. */
  abs: string;
  mtimeMs: number;
  bytes: number;
}

const hidden = (path: string) => path.split("/").some((p) => p.startsWith("."));

/**
 * Transcript files under `dir`, oldest first (mtime, then path), that some format claims, and the
 * entries that could not be looked at (unreadable directories, FIFOs, sockets, devices, symlinks).
 */
export async function scanTranscripts(
  dir: string,
  registry: FormatRegistry,
  opts: { signal?: AbortSignal; fs?: TreeFs } = {},
): Promise<{ candidates: Candidate[]; problems: Problem[] }> {
  const candidates: Candidate[] = [];
  const problems: Problem[] = [];
  for await (const item of walkTree(dir, opts)) {
    if (item.type === "dir" || hidden(item.path)) continue;
    if (item.type === "skipped") {
      problems.push({ source: "session", path: item.path, error: item.error });
      continue;
    }
    if (!registry.forFile(item.path)) continue;
    candidates.push({
      path: item.path,
      abs: join(dir, item.path),
      mtimeMs: item.stat.mtimeMs,
      bytes: item.stat.size,
    });
  }
  candidates.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : 1));
  return { candidates, problems };
}

/** Transcript files under `dir`, oldest first, that some format claims. */
export async function listTranscripts(
  dir: string,
  registry: FormatRegistry,
  signal?: AbortSignal,
): Promise<Candidate[]> {
  return (await scanTranscripts(dir, registry, signal ? { signal } : {})).candidates;
}

export interface LoadOptions {
  dir: string;
  registry: FormatRegistry;
  maxSessions: number;
  maxBytes: number;
  /** Which transcripts are settled, held by a pending proposal, or unread: see session-ledger.ts. */
  ledger: LedgerView;
  signal?: AbortSignal;
  fs?: TreeFs;
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
  const tree = { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.fs ? { fs: opts.fs } : {}) };
  const { candidates, problems } = await scanTranscripts(opts.dir, opts.registry, tree);
  const result: LoadResult = { sessions: [], problems, read: [], unusable: [], carried: 0, deferred: 0 };
  const problem = (path: string, error: string) => result.problems.push({ source: "session", path, error });
  const readOrReport = async (c: Candidate): Promise<Extract<InsideRead, { ok: true }> | null> => {
    try {
      const read = await readInside(opts.dir, c.path, opts.maxBytes, tree);
      if (read.ok) return read;
      problem(c.path, read.error);
    } catch (err) {
      problem(c.path, `cannot read: ${errorMessage(err)}`);
    }
    return null;
  };
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
