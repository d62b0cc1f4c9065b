import { join } from "node:path";
import { errorMessage } from "../errors.ts";
import { sha256 } from "../fs/atomic.ts";
import { type InsideRead, readInside } from "../fs/safe-read.ts";
import { type TreeFs, walkTree } from "../fs/safe-tree.ts";
import type { Problem } from "../memory/reader.ts";
import { type LedgerView, planReading, type SessionRef, type Transcript } from "../state/session-ledger.ts";
import { readTranscript } from "./read-transcript.ts";
import type { FormatRegistry } from "./registry.ts";
import type { Session } from "./session.ts";
import { transcriptText } from "./unpack.ts";

export interface Candidate {
  path: string;
  /** For messages only: reads go through safe-tree below the sessions dir, never by this path. */
  abs: string;
  mtimeMs: number;
  bytes: number;
}

/**
 * dreamd's own files, for a sessions dir that shares a volume with the proposals or the memory: its
 * state dir, half-written proposals and their trash, writeFileAtomic's and the lock's temp files; and a
 * Kubernetes projected volume's `..data` / `..<timestamp>` entries (the same files again). Nothing
 * else is skipped: tools write transcripts under dot-folders and dot-names (`.specstory/history/`,
 * `.aider.chat.history.md`).
 */
const OWN_NAME = /^(\.dreamd|\.partial-.+|\.trash-.+|\..+\.[0-9a-f]{12}\.tmp|\.\..*)$/;
export const dreamdOwn = (path: string) => path.split("/").some((p) => OWN_NAME.test(p));

/**
 * Every file under `dir` but dreamd's own, oldest first (mtime, then path): which are transcripts, and
 * of which format, their content decides when they are read. Also the entries that could not be looked
 * at (unreadable directories, FIFOs, sockets, devices, symlinks).
 */
export async function scanTranscripts(
  dir: string,
  opts: { signal?: AbortSignal; fs?: TreeFs } = {},
): Promise<{ candidates: Candidate[]; problems: Problem[] }> {
  const candidates: Candidate[] = [];
  const problems: Problem[] = [];
  for await (const item of walkTree(dir, opts)) {
    if (item.type === "dir" || dreamdOwn(item.path)) continue;
    if (item.type === "skipped") {
      problems.push({ source: "session", path: item.path, error: item.error });
      continue;
    }
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

/** Files under `dir` but dreamd's own, oldest first: the transcripts, and whatever else is there. */
export async function listTranscripts(dir: string, signal?: AbortSignal): Promise<Candidate[]> {
  return (await scanTranscripts(dir, signal ? { signal } : {})).candidates;
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
  const { candidates, problems } = await scanTranscripts(opts.dir, tree);
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
    // OpenClaw and others archive old sessions gzipped (`<id>.jsonl.gz`): read through, within the limit.
    const content = await transcriptText(read.data, opts.maxBytes);
    if ("error" in content) {
      unusable(content.error);
      continue;
    }
    const got = readTranscript(opts.registry, content.text, c.path);
    if (!got.ok) {
      unusable(got.error);
      continue;
    }
    for (const p of got.problems) problem(c.path, p);
    const fromRecords = got.parsed.startedAt !== null;
    result.sessions.push({
      ...got.parsed,
      // No record has a time: the file's mtime stands in, and the session says so.
      startedAt: got.parsed.startedAt ?? new Date(c.mtimeMs).toISOString(),
      startedAtFrom: fromRecords ? "records" : "mtime",
      id: c.path,
      format: got.format.name,
      sha256: hash,
      bytes: read.size,
      mtimeMs: c.mtimeMs,
    });
  }
  result.sessions.sort(
    (a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? "") || a.id.localeCompare(b.id),
  );
  return result;
}
